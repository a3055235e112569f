Feature: Document approval (公文办理)
  A drafter writes a document (公文) and states its disclosure attribute
  (公开属性). The department head, the office and the signing leader review it
  in turn; each may send it back with an opinion (退回) or change the attribute
  with a reason. A draft without a proper attribute comes back to its drafter
  at once (退文). The office numbers the signed document (文号) and issues it
  (印发) with the attribute marked on the text. A document to be disclosed
  proactively (主动公开) passes the confidentiality review (保密审查) and is then
  published within 20 working days; a policy document's interpretation
  (政策解读) follows within 3 working days, written by its own drafter.

  Background:
    Given the users
      | name  | roles                    |
      | zhang | drafter                  |
      | qian  | drafter                  |
      | chen  | drafter,dept_head        |
      | feng  | drafter,leader           |
      | li    | dept_head                |
      | liu   | dept_head                |
      | wang  | office                   |
      | zhao  | leader                   |
      | sun   | secrecy_reviewer         |
      | zhou  | publisher                |
      | ma    | drafter,secrecy_reviewer |
      | tian  | drafter,publisher        |
      | admin | admin                    |
    And the document approval workflow is deployed

  # -- 退文: automatic return of an incomplete draft ---------------------------------

  Scenario: A draft that states no disclosure attribute is returned at once (退文)
    Given zhang has started a document
    When zhang submits the draft with no disclosure attribute
    Then the draft comes back to zhang at once, returned for "missing_attribute"
    And li, liu, wang and zhao have nothing to review
    And the history records the return as automatic, by nobody, for "missing_attribute"
    And the event chain verifies

  Scenario Outline: A draft to be withheld must give its reason and its legal basis
    Given zhang has started a document
    When zhang submits a draft to be withheld (不予公开) <giving>
    Then the draft comes back to zhang at once, returned for "<reasons>"
    And li and liu have nothing to review
    And the history records the return as automatic, by nobody, for "<reasons>"

    Examples:
      | giving                              | reasons                                         |
      | with a legal basis but no reason    | withheld_without_reason                         |
      | with a reason but no legal basis    | withheld_without_basis                          |
      | with neither reason nor legal basis | withheld_without_reason, withheld_without_basis |

  Scenario: A draft written on the government's behalf (代拟稿) must give the reason for its attribute
    Given zhang has started a document
    When zhang submits a draft written on the government's behalf (代拟稿) without a reason for its attribute
    Then the draft comes back to zhang at once, returned for "government_draft_without_reason"
    When zhang submits it again with the reason "涉及群众切身利益，应当主动公开"
    Then li has the department review of it
    And the event chain verifies

  # -- 退回: a reviewer sends the draft back ------------------------------------------

  Scenario Outline: A reviewer sends the draft back with his opinion (退回)
    Given zhang has drafted a general document "关于加强档案管理的通知" marked proactive
    And the document has reached the <step>
    When <reviewer> sends it back without a comment
    Then the form is refused naming "comment"
    And the instance version and history are unchanged
    When <reviewer> sends it back with the comment "<comment>"
    Then the draft is back with zhang showing <reviewer>'s comment "<comment>"
    And <reviewer> has nothing to review
    And the event chain verifies

    Examples:
      | step              | reviewer | comment            |
      | department review | li       | 请补充政策依据     |
      | office review     | wang     | 公开属性理由不充分 |
      | sign-off          | zhao     | 请再斟酌文字表述   |

  Scenario: A returned draft goes back to the drafter who wrote it, not to every drafter
    Given zhang has drafted a general document "关于调整会议安排的通知" marked proactive
    When li sends it back with the comment "请补充会议地点"
    Then the draft is back with zhang showing li's comment "请补充会议地点"
    And qian, another drafter, is not offered zhang's draft

  # -- the attribute may change during review ---------------------------------------

  Scenario: A reviewer changes the disclosure attribute and the change is recorded
    Given zhang has drafted a general document "关于某项目补偿标准的通知" marked proactive
    When li approves it changing the attribute to on_request with the reason "涉及特定群体，依申请公开"
    Then the history records li's change of the attribute from proactive to on_request
    And the approval sheet shows li's change of the attribute from proactive to on_request
    When wang approves it changing the attribute to withheld without a reason or legal basis
    Then the form is refused naming "attribute_reason, withheld_basis"
    And the instance version and history are unchanged
    And wang has the office review of it

  # -- 文号: document numbers ---------------------------------------------------------

  Scenario: Documents are numbered one after another for each prefix and year (文号)
    Given "关于甲事项的通知" awaits sign-off with the number prefix "威政办发"
    And "关于乙事项的通知" awaits sign-off with the number prefix "威政办发"
    And "关于丙事项的决定" awaits sign-off with the number prefix "威政发"
    When zhao signs off "关于甲事项的通知"
    And zhao signs off "关于乙事项的通知"
    And zhao signs off "关于丙事项的决定"
    Then the catalogue numbers them
      | title            | number             |
      | 关于甲事项的通知 | 威政办发〔2026〕1号 |
      | 关于乙事项的通知 | 威政办发〔2026〕2号 |
      | 关于丙事项的决定 | 威政发〔2026〕1号   |

  Scenario: Two documents signed off at the same moment get consecutive numbers
    Given "关于并发甲的通知" awaits sign-off with the number prefix "威政办发"
    And "关于并发乙的通知" awaits sign-off with the number prefix "威政办发"
    When zhao signs off "关于并发甲的通知" and "关于并发乙的通知" at the same moment
    Then both are issued, numbered "威政办发〔2026〕1号" and "威政办发〔2026〕2号"

  Scenario: The year in the number is the year in Beijing at the moment of issue
    Given "关于新年值班的通知" awaits sign-off with the number prefix "威政办发"
    And it is 2027-01-01 00:30 Beijing time
    When zhao signs off "关于新年值班的通知"
    Then "关于新年值班的通知" is numbered "威政办发〔2027〕1号"

  # -- 属性标注: the attribute is marked on the issued text ------------------------------

  Scenario Outline: The issued text carries its disclosure attribute (属性标注)
    Given zhang has drafted a general document "关于调整办公时间的通知" marked <attribute>
    When the document is approved and signed off
    Then the official text ends with "<mark>"
    And the catalogue shows the document as "<status>"
    And <next>

    Examples:
      | attribute  | mark             | status          | next                                           |
      | proactive  | （此件公开发布） | awaiting_review | sun has the confidentiality review of it       |
      | on_request | （此件依申请公开） | issued        | the document is finished without a publish task |
      | withheld   | （此件不予公开） | issued          | the document is finished without a publish task |

  # -- 回避: nobody reviews his own draft -----------------------------------------------

  Scenario Outline: Nobody reviews, signs off, clears or publishes his own draft (回避)
    Given <author> has drafted a general document "本人起草的文件" marked proactive
    And the document has reached the <step>
    Then the <step> is offered to <others> but not to <author>
    When <author> tries to complete the <step>
    Then <author> is refused because nobody reviews his own draft
    And the instance version and history are unchanged

    Examples:
      | author | step                   | others     |
      | chen   | department review      | li and liu |
      | feng   | sign-off               | zhao       |
      | ma     | confidentiality review | sun        |
      | tian   | publish task           | zhou       |

  # -- 处室审核: by the heads of the drafter's own department ----------------------------

  Scenario: A department head reviews the drafts of his own department only
    Given the users
      | name | roles     | department |
      | ma   | drafter   | 法规处     |
      | he   | dept_head | 法规处     |
      | lu   | dept_head | 财务处     |
    And ma has drafted a general document "关于规范行政执法公示的通知" marked proactive
    Then he has the department review of it
    And lu does not see the department review
    And li does not see the department review
    When lu tries to complete the department review
    Then lu is refused because the draft is of another department
    And the instance version and history are unchanged
    When he approves the department review
    Then wang has the office review of it

  Scenario: A drafter outside every department is reviewed by any department head
    Given zhang has drafted a general document "关于做好防汛工作的通知" marked proactive
    Then li has the department review of it
    And liu sees the department review

  Scenario: A draft from a department without a head goes to every department head
    Given the users
      | name | roles   | department |
      | bai  | drafter | 信息处     |
    And bai has drafted a general document "关于信息系统运维的通知" marked proactive
    Then li has the department review of it
    And liu sees the department review

  Scenario: A head who drafts in a department he heads alone is reviewed by the other heads
    Given the users
      | name | roles             | department |
      | jin  | drafter,dept_head | 审计处     |
    And jin has drafted a general document "关于开展内部审计的通知" marked proactive
    Then li has the department review of it
    And liu sees the department review
    And jin does not see the department review

  # -- 认领、释放、改派: claim, release, reassign ------------------------------------------

  Scenario: A claimed review is taken off the other department heads' lists (认领、释放、改派)
    Given zhang has drafted a general document "关于开展安全检查的通知" marked proactive
    When li claims the department review
    Then liu does not see the department review
    When liu tries to complete the department review
    Then liu is refused because li has claimed the task
    When li releases the department review
    Then liu sees the department review
    When li tries to reassign the department review to liu
    Then li is refused because only an administrator may reassign
    When admin reassigns the department review to liu
    Then liu sees the department review, claimed by him
    And li does not see the department review
    When liu approves the department review
    Then wang has the office review of it
    And the history lists task_claimed by li, task_released by li, task_reassigned by admin
    And the event chain verifies

  # -- 20 个工作日: the publication deadline ----------------------------------------------

  Scenario Outline: A proactive document must be published within 20 working days of issue
    Given it is <issued> Beijing time
    And <schedule>
    And zhang has drafted a general document "关于公布年度重点任务的通知" marked proactive
    When the document is approved and signed off
    And sun concludes the confidentiality review with "disclose"
    Then zhou has the publish task of it, due at "<due>"
    And the catalogue shows the document as "awaiting_publication", to be published by "<due>"
    And the event chain verifies

    Examples: issued on a Monday, before the new year; before 中秋 and 国庆; across 元旦 with the 2027 schedule
      | issued           | schedule                               | due                              |
      | 2026-11-30 09:00 | no further holiday schedule is loaded  | 2026-12-28T16:00:00.000000+00:00 |
      | 2026-09-18 10:00 | no further holiday schedule is loaded  | 2026-10-22T16:00:00.000000+00:00 |
      | 2026-12-21 09:00 | the 2027 holiday schedule is loaded    | 2027-01-19T16:00:00.000000+00:00 |

  Scenario: A deadline in a year without an official schedule is provisional until it is loaded
    Given it is 2026-12-21 09:00 Beijing time
    And zhang has drafted a general document "关于元旦春节期间工作安排的通知" marked proactive
    When the document is approved and signed off
    And sun concludes the confidentiality review with "disclose"
    Then zhou has the publish task of it, due at "2027-01-19T16:00:00.000000+00:00", provisionally
    And the catalogue shows the publishing deadline "2027-01-19T16:00:00.000000+00:00" as provisional
    And the administrators are told that the holiday schedule of 2027 is missing
    When the 2027 holiday schedule is loaded
    Then zhou has the publish task of it, due at "2027-01-19T16:00:00.000000+00:00"
    And the catalogue shows the publishing deadline "2027-01-19T16:00:00.000000+00:00" as official
    And the history records that the publishing deadline was computed again on the official calendar
    And the administrators are told of no missing holiday schedule
    And the event chain verifies

  Scenario: A schedule loaded in another server process moves a provisional deadline, and its timers follow
    Given it is 2026-12-21 09:00 Beijing time
    And zhang has drafted a general document "关于元旦值班安排的通知" marked proactive
    When the document is approved and signed off
    And sun concludes the confidentiality review with "disclose"
    Then zhou has the publish task of it, due at "2027-01-19T16:00:00.000000+00:00", provisionally
    When the administrator loads, in another server process, a 2027 schedule with 2027-01-04..2027-01-05 off
    Then zhou has the publish task of it, due at "2027-01-21T16:00:00.000000+00:00"
    And the catalogue shows the publishing deadline "2027-01-21T16:00:00.000000+00:00" as official
    When the clock reaches 2027-01-14 10:00 Beijing time and the timers run
    Then the publish task is neither reminded nor overdue
    When the clock reaches 2027-01-18 09:00 Beijing time and the timers run
    Then the publish task was reminded at 2027-01-18 09:00 Beijing time but is not overdue
    When the clock reaches 2027-01-22 09:00 Beijing time and the timers run
    Then the publish task is overdue
    And the event chain verifies

  # -- 保密审查: the confidentiality review ------------------------------------------------

  Scenario: The confidentiality review withholds a document (先审查、后公开)
    Given zhang has drafted a general document "关于某工程建设情况的报告" marked proactive
    And the document has been issued
    When sun concludes the confidentiality review with "withhold" giving no basis
    Then the form is refused naming "review_basis"
    And the instance version and history are unchanged
    When sun concludes the confidentiality review with "withhold" on the basis "涉及国家秘密，不得公开"
    Then nobody has a publish task for it
    And the catalogue shows the document as "withheld_after_review"
    And the catalogue records the conclusion "withhold" by sun
    And the document is not in the public list
    And the event chain verifies

  # -- 谁起草、谁解读: policy interpretation ------------------------------------------------

  Scenario: The drafter of a policy document publishes its interpretation within 3 working days
    Given zhang has drafted a policy document "关于支持小微企业发展的若干措施" marked proactive
    And the document has been issued and cleared for publication
    And it is 2026-12-04 09:00 Beijing time
    When zhou publishes the document on the website
    Then zhang has the interpretation task of it, due at "2026-12-09T16:00:00.000000+00:00"
    And qian does not see the interpretation task
    And the catalogue shows the document as "awaiting_interpretation"
    And the document is in the public list
    When qian tries to complete the interpretation task
    Then qian is refused because only the drafter interprets his document
    # Nothing reviews the interpretation's title before the public page shows it.
    When zhang tries to publish the interpretation "解读：联系人王小明，电话13912345678"
    Then the form is refused, naming "interpretation_title" among the fields
    When zhang publishes the interpretation "《关于支持小微企业发展的若干措施》政策解读"
    Then the catalogue shows the document as "interpreted"
    And the document is finished
    And the event chain verifies

  Scenario: A general document needs no interpretation
    Given zhang has drafted a general document "关于春节放假的通知" marked proactive
    And the document has been issued and cleared for publication
    When zhou publishes the document on the website
    Then nobody has an interpretation task for it
    And the catalogue shows the document as "published"
    And the document is finished

  # -- 超期: reminders and overdue marks ---------------------------------------------------

  Scenario: An unpublished document is reminded, then marked overdue, and can still be published
    Given zhang has drafted a general document "关于公布收费项目的通知" marked proactive
    And the document has been issued and cleared for publication
    When the clock reaches 2026-12-22 23:00 Beijing time and the timers run
    Then the publish task is neither reminded nor overdue
    When the clock reaches 2026-12-23 09:00 Beijing time and the timers run
    Then the publish task was reminded at 2026-12-23 09:00 Beijing time but is not overdue
    When the clock reaches 2026-12-28 23:59 Beijing time and the timers run
    Then the publish task is not overdue
    When the clock reaches 2026-12-29 09:00 Beijing time and the timers run
    Then the publish task is overdue
    And the history records a reminder, then an overdue mark, for the publish task
    And zhou still has the publish task of it
    When zhou publishes the document on the website
    Then the catalogue shows the document as "published" at 2026-12-29 09:00 Beijing time
    And the document is in the public list
    And the event chain verifies

  # -- bad input changes nothing ---------------------------------------------------------

  Scenario Outline: A draft with bad input is refused and changes nothing
    Given zhang has started a document
    When zhang submits a draft with <defect>
    Then the form is refused naming "<field>"
    And the draft task is still waiting for zhang
    And the instance version and history are unchanged

    Examples:
      | defect                                     | field     |
      | an empty title                             | title     |
      | the disclosure attribute "secret"          | attribute |
      | an attachment larger than the 1 KB limit   | attachment |
      | the attachment "setup.exe"                 | attachment |
      | the attachment "通知.pdf" that is not a PDF | attachment |

  Scenario: A PDF attachment is kept with the draft and downloads unchanged
    Given zhang has started a document
    When zhang submits a general document "关于印发实施方案的通知" marked proactive with the attachment "实施方案.pdf"
    Then the attachment "实施方案.pdf" is stored with the draft and downloads with the same bytes
    And li has the department review of it

  Scenario: A form posted twice is taken only once
    Given zhang has drafted a general document "关于重复提交的测试" marked proactive
    When li approves the department review
    And li posts the same form again
    Then li gets a conflict error
    And the instance version and history are unchanged
    And wang has the office review of it

  Scenario: Someone without the role cannot do the task
    Given zhang has drafted a general document "关于越权操作的测试" marked proactive
    When zhou tries to complete the department review
    Then zhou is refused because he does not hold the role
    And the instance version and history are unchanged

  # -- 审签单: the approval sheet ----------------------------------------------------------

  Scenario: The approval sheet (审签单) shows every opinion and every automatic return
    Given zhang has started a document
    When zhang submits the draft with no disclosure attribute
    And an hour passes
    And zhang submits a general document "关于规范行政审批的通知" marked proactive
    And an hour passes
    And li approves the department review with the comment "同意"
    And an hour passes
    And wang approves the office review with the comment "属性标注无误"
    And an hour passes
    And zhao approves the sign-off with the comment "同意印发"
    And an hour passes
    And sun concludes the confidentiality review with "disclose"
    Then the approval sheet reads
      | at    | step                        | kind           | actor | decision | remark            |
      | 09:00 | draft                       | task_completed | zhang |          |                   |
      | 09:00 | draft                       | returned       |       |          | missing_attribute |
      | 10:00 | draft                       | task_completed | zhang |          |                   |
      | 11:00 | dept_review                 | task_completed | li    | approve  | 同意              |
      | 12:00 | office_review               | task_completed | wang  | approve  | 属性标注无误      |
      | 13:00 | sign_off                    | task_completed | zhao  | approve  | 同意印发          |
      | 14:00 | confidentiality_review_task | task_completed | sun   | disclose |                   |
    And the approval sheet shows the document "威政办发〔2026〕1号" marked proactive
    And the event chain verifies

  Scenario: A reviewer's form opens without the previous reviewer's opinion
    Given zhang has drafted a general document "关于意见栏的测试" marked proactive
    When li approves the department review with the comment "同意，请办公室审核"
    Then wang's office review form shows the attribute proactive but no decision and no comment

  Scenario: A reviewer who posts no decision is refused, not taken to agree
    Given zhang has drafted a general document "关于空表单的测试" marked proactive
    And the document has reached the sign-off
    When zhao posts the sign-off form with nothing filled in
    Then the form is refused, naming "decision" among the fields
    And the instance version and history are unchanged

  Scenario: The approval sheet records as changes only what a reviewer changed in the document
    Given zhang has drafted a general document "关于变更记录的测试" marked proactive
    When li approves the department review with the comment "同意"
    And wang approves the office review with the comment "属性标注无误"
    And zhao approves the sign-off with the comment "同意印发"
    Then the approval sheet records no change of the document by li, wang or zhao

  # -- drafts: a draft exists from its first save; withdraw and delete ------------------

  Scenario: A draft exists from its first save, and only a save makes it
    When zhang saves a draft titled "未完成的通知" without submitting it
    Then zhang's inbox holds the draft "未完成的通知"
    And li, liu, wang and zhao have nothing to review
    And the history records zhang's save of the draft
    And the event chain verifies

  Scenario: The drafter deletes a draft he never submitted; the history keeps it
    Given zhang has saved a draft titled "不再需要的通知"
    When wang tries to delete zhang's draft
    Then the deletion is refused because "draft.not_yours"
    # li may not read the draft: he learns nothing of it, not even that it exists
    When li tries to delete zhang's draft
    Then the deletion is refused because "read.refused"
    When zhang deletes his draft
    Then zhang's inbox is empty
    And zhang's documents list the draft as deleted
    And the history records the deletion by zhang

  Scenario: A submitted draft cannot be deleted
    Given zhang has drafted a general document "已提交的通知" marked proactive
    When zhang tries to delete his draft
    Then the deletion is refused because "draft.submitted"

  Scenario: The drafter withdraws a submitted draft before his department head starts it
    Given zhang has drafted a general document "需要撤回的通知" marked proactive
    When zhang withdraws the draft
    Then the draft comes back to zhang
    And li, liu, wang and zhao have nothing to review
    And zhang's documents list the draft as drafting
    And the event chain verifies

  Scenario: Once the department head has claimed the draft it cannot be withdrawn
    Given zhang has drafted a general document "已被认领的通知" marked proactive
    And li has claimed the department review
    When zhang tries to withdraw the draft
    Then the withdrawal is refused because "draft.review_started"
    And li sees the department review, claimed by him

  Scenario: Nobody but the drafter withdraws a draft
    Given zhang has drafted a general document "别人的通知" marked proactive
    When wang tries to withdraw the draft
    Then the withdrawal is refused because "draft.not_yours"
    # qian may not read the case: he learns nothing of it, not even that it exists
    When qian tries to withdraw the draft
    Then the withdrawal is refused because "read.refused"
