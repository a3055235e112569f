Feature: Disclosure requests (依申请公开)
  Anyone may ask the agency for government information, on the public page or
  on paper. The registrar checks the request and gives it to a handling
  department, or asks the applicant once to make it clear (补正). The handler
  investigates and replies; material to be disclosed passes the
  confidentiality review first, and the office head signs every reply. The
  reply is due 20 working days after receipt (the day of receipt not counted);
  consultations and fee notices stop the clock, a correction restarts it, and
  the office head may extend it once by at most 20 working days. The applicant
  follows the request with its tracking number and query code.

  Background:
    Given the users
      | name  | roles            | department |
      | reg   | registrar        | 办公室     |
      | han   | handler          | 法规处     |
      | hu    | handler          | 综合处     |
      | boss  | office           | 办公室     |
      | sun   | secrecy_reviewer | 保密办     |
    And the disclosure request workflow is deployed

  Scenario: A request on the public page is registered and due 20 working days after receipt
    Given it is 2026-09-18 10:00 Beijing time
    When an applicant asks on the public page for "2026年城区道路改造计划"
    Then the applicant gets a tracking number and a query code
    And the reply is due on 2026-10-22
    And reg has the check of it

  Scenario: The status page answers the right code and refuses a wrong one
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "2026年城区道路改造计划"
    When the applicant looks the request up with its query code
    Then the status page shows "已登记，待受理审查" due on 2026-10-22
    And the status page shows no personal data of the applicant
    When someone looks the request up with a wrong query code
    Then the lookup is refused without saying whether the number exists

  Scenario: Wrong query codes are throttled, the right one too
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "2026年城区道路改造计划"
    When someone tries 5 wrong query codes for the request
    Then even the right query code must wait

  Scenario: A paper request counts from the day it arrived
    Given it is 2026-09-21 09:00 Beijing time
    When reg enters a paper request for "农村公路养护资金使用情况" received on 2026-09-18
    Then the reply is due on 2026-10-22

  Scenario Outline: The reply is due 20 working days after receipt, across the holidays
    Given it is <received> 09:00 Beijing time
    When reg enters a paper request for "有关信息" received on <received>
    Then the reply is due on <due>
    When reg accepts the request for 法规处
    And han asks to extend the period by 20 working days
    And boss approves the extension
    Then the reply is due on <extended>

    Examples:
      | received   | due        | extended   | holidays on the way                              |
      | 2025-01-24 | 2025-02-27 | 2025-03-27 | Spring Festival 2025; Sun 01-26, Sat 02-08 worked |
      | 2026-02-13 | 2026-03-19 | 2026-04-17 | Spring Festival 2026; Sat 02-14, Sat 02-28 worked |
      | 2025-04-03 | 2025-05-06 | 2025-06-04 | Qingming and Labour Day 2025; Sun 04-27 worked    |
      | 2025-04-30 | 2025-06-03 | 2025-07-01 | Labour Day and Dragon Boat 2025                   |
      | 2026-04-30 | 2026-06-01 | 2026-06-30 | Labour Day 2026; Sat 05-09 worked                 |
      | 2025-09-30 | 2025-11-04 | 2025-12-02 | National Day 2025; Sat 10-11 worked               |
      | 2026-09-30 | 2026-11-03 | 2026-12-01 | National Day 2026; Sat 10-10 worked               |

  Scenario: The handler's task is for the handlers of the department it was given to
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "2026年城区道路改造计划"
    When reg accepts the request for 法规处
    Then han has the handling of it
    And hu has nothing of it

  Scenario: A request cannot be given to a department without handlers
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "2026年城区道路改造计划"
    When reg tries to accept the request for 人事处
    Then it is refused because "request.no_handlers"
    And reg has the check of it

  Scenario: The handler is reminded before the due day and the request is marked overdue after it
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "2026年城区道路改造计划"
    And reg has accepted the request for 法规处
    When the clock reaches 2026-10-16 12:00 Beijing time and the timers run
    Then han's handling of it is neither reminded nor overdue
    When the clock reaches 2026-10-19 00:30 Beijing time and the timers run
    Then han's handling of it is reminded
    When the clock reaches 2026-10-23 00:30 Beijing time and the timers run
    Then han's handling of it is overdue
    And the status page shows the request 1 working day overdue

  Scenario: A paper request entered after its due day is overdue from the start
    Given it is 2026-10-26 09:00 Beijing time
    When reg enters a paper request for "农村公路养护资金使用情况" received on 2026-09-18
    Then reg's check of it is overdue already
    And the status page shows the request 2 working days overdue
    When reg accepts the request for 法规处
    Then han's handling of it is overdue

  Scenario: Only the registrar and the request's handlers read who applied
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "2026年城区道路改造计划"
    When reg accepts the request for 法规处
    Then reg and han can read the applicant's name
    And boss and hu cannot read the applicant's name
    And the instance's history holds no personal data of the applicant

  Scenario: A correction restarts the clock from the day the corrected request arrives (Art. 30)
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "有关文件"
    And it is 2026-09-29 10:00 Beijing time
    When reg asks the applicant to make the request clear within 15 working days
    Then the status page shows "待申请人补正"
    And the status page tells the applicant what to correct and by when
    When it is 2026-10-12 16:00 Beijing time
    And the corrected request arrives on 2026-10-12
    Then the reply is due on 2026-11-09
    And the status page asks nothing more of the applicant

  Scenario: A correction received tomorrow, or before it was asked for, is refused
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "有关文件"
    And it is 2026-09-29 10:00 Beijing time
    When reg asks the applicant to make the request clear within 15 working days
    And reg records a correction received on 2026-09-30
    Then the correction's day is refused with "request.future_day"
    When reg records a correction received on 2026-09-28
    Then the correction's day is refused with "clock.before_correction_asked"
    And the status page shows "待申请人补正"

  Scenario: A correction cannot be asked after 7 working days of receipt
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "有关文件"
    And it is 2026-09-30 10:00 Beijing time
    When reg tries to ask the applicant to make the request clear within 15 working days
    Then it is refused because "clock.correction_too_late"

  Scenario: No correction within the period closes the request as abandoned
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "有关文件"
    When reg asks the applicant to make the request clear within 5 working days
    And the clock reaches 2026-09-26 00:30 Beijing time and the timers run
    Then the status page shows "逾期未补正，视为放弃申请"

  Scenario: A third-party consultation stops the clock while it runs (Art. 32)
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "某企业环评报告"
    And reg has accepted the request for 法规处
    And it is 2026-09-21 10:00 Beijing time
    When han consults a third party
    Then the status page shows "征求意见中（不计入答复期限）"
    When it is 2026-10-12 10:00 Beijing time
    And han tries to record the opinion received on 2026-10-13
    Then it is refused because "request.future_day"
    When han records the opinion received on 2026-10-12
    Then the reply is due on 2026-11-05
    And the history records the pause and the restart

  Scenario: The office head extends the period once by at most 20 working days (Art. 33)
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "某企业环评报告"
    And reg has accepted the request for 法规处
    When han asks to extend the period by 20 working days
    And boss approves the extension
    Then the reply is due on 2026-11-19
    And the status page tells the applicant of the 20-day extension
    When han tries to ask to extend the period by 5 working days
    Then it is refused because "clock.extension_used"

  Scenario: An unpaid fee ends the request as abandoned after 20 working days
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "全部会议纪要"
    And reg has accepted the request for 法规处
    When han sends a fee notice by volume for 120 pages
    Then the fee is 1100 yuan
    And the status page tells the applicant to pay 1100 yuan and by when
    And the history records the fee notice with the fee's fields only
    When the clock reaches 2026-10-23 00:30 Beijing time and the timers run
    Then the status page shows "逾期未缴费，视为放弃申请"

  Scenario: The handler sees the applicant's earlier requests, the similar ones marked (重复申请)
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "2026年城区道路改造计划"
    And an applicant has asked on the public page for "农村低保名单"
    And an applicant has asked on the public page for "城区道路改造计划的全文"
    When reg accepts the request for 法规处
    Then han sees 2 earlier requests of the applicant, "2026年城区道路改造计划" marked similar

  Scenario: A request within the free quota gets no fee notice, and its clock runs on
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "一份会议纪要"
    And reg has accepted the request for 法规处
    When han tries to send a fee notice by volume for 30 pages
    Then it is refused because "request.fee_free_volume"
    When han tries to send a fee notice by count
    Then it is refused because "request.fee_free_count"
    And han has the handling of it
    And the status page shows "办理中" due on 2026-10-22

  Scenario: The eleventh request of an applicant in a month costs 100 yuan by count
    Given it is 2026-09-18 10:00 Beijing time
    And the applicant has made 10 requests this month
    And an applicant has asked on the public page for "第十一件申请的内容"
    And reg has accepted the request for 法规处
    When han sends a fee notice by count
    Then the fee is 100 yuan

  Scenario: A withholding reply is signed by the office head and read with the query code
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "某涉密文件"
    And reg has accepted the request for 法规处
    When han replies "withhold.state_secret" with "所申请信息属于国家秘密。"
    And boss signs the reply
    Then the status page shows "已答复"
    And the reply letter reads "不予公开" with the basis "第十四条"

  Scenario Outline: Each kind of reply states its decision and its legal basis (Art. 36-39)
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "有关信息"
    And reg has accepted the request for 法规处
    When han replies "<reply type>" with "<reply>"
    And boss signs the reply
    Then the status page shows "已答复"
    And the reply letter reads "<decision>" with the basis "<basis>"

    Examples:
      | reply type                      | decision                   | basis          | reply                                   |
      | already_disclosed               | 已主动公开                 | 第三十六条第（一）项 | 该信息已在本机关网站主动公开。          |
      | withhold.third_party_rights     | 不予公开（保护第三方合法权益） | 第十五条       | 公开会损害第三方合法权益。              |
      | withhold.internal_affairs       | 不予公开（属于三类内部事务信息） | 第十六条第一款 | 所申请信息属于内部事务信息。            |
      | cannot_provide.not_held         | 无法提供（本机关不掌握相关政府信息） | 第三十六条第（四）项 | 经检索，本机关没有该信息。        |
      | cannot_provide.needs_production | 无法提供（没有现成信息需要另行制作） | 第三十八条 | 需要另行加工制作。                      |
      | not_processed.repeat            | 不予处理（重复申请）       | 第三十六条第（六）项 | 您已就同一内容提出申请并获答复。    |
      | not_processed.petition          | 不予处理（信访举报投诉类申请） | 第三十九条第一款 | 请通过信访渠道反映。               |
      | other.not_responsible           | 其他处理（不属于本机关负责公开） | 第三十六条第（五）项 | 请向市自然资源局申请。          |

  Scenario Outline: Disclosed material passes the confidentiality review before the reply is signed
    Given it is 2026-09-18 10:00 Beijing time
    And an applicant has asked on the public page for "道路改造计划"
    And reg has accepted the request for 法规处
    When han replies "<reply type>" with "计划如下：联系人张三，电话13812345678。"
    Then sun has the confidentiality review of it
    When sun concludes the review with "disclose_redacted"
    And boss signs the reply
    Then the reply letter reads "<decision>" with the basis "<basis>"
    And the reply letter hides "13812345678"

    Examples:
      | reply type | decision | basis               |
      | disclose   | 予以公开 | 第三十六条第（二）项 |
      | partial    | 部分公开 | 第三十七条          |

  Scenario: A reply that points to a catalogue document names one that is there
    Given it is 2026-09-18 10:00 Beijing time
    And an issued document "关于城区停车收费标准的批复" disclosed only on request
    And an applicant has asked on the public page for "停车收费标准"
    And reg has accepted the request for 法规处
    When han tries to reply "already_disclosed" naming the document "威政办发〔2026〕99号"
    Then it is refused because "request.unknown_document"
    When han tries to reply "already_disclosed" naming "关于城区停车收费标准的批复"
    Then it is refused because "request.document_not_public"
    When han replies "disclose" naming "关于城区停车收费标准的批复" typed with round brackets
    Then sun has the confidentiality review of it

  Scenario: What three applicants were given is proposed for proactive disclosure (Art. 44)
    Given it is 2026-09-18 10:00 Beijing time
    And an issued document "关于城区停车收费标准的批复" disclosed only on request
    When 3 different applicants are each given "关于城区停车收费标准的批复"
    Then boss has the proposal to disclose "关于城区停车收费标准的批复" proactively
    When boss accepts the proposal
    And sun concludes the review with "disclose"
    And zhou publishes the document
    Then "关于城区停车收费标准的批复" is in the public list

  Scenario: Two applicants are not yet enough to propose proactive disclosure
    Given it is 2026-09-18 10:00 Beijing time
    And an issued document "关于城区停车收费标准的批复" disclosed only on request
    When 2 different applicants are each given "关于城区停车收费标准的批复"
    Then nobody has a proposal to disclose it proactively

  Scenario: A file given out to three applicants becomes proactive information (Art. 44)
    Given it is 2026-09-18 10:00 Beijing time
    When 3 different applicants are each given the file "2026年停车场规划图.pdf"
    Then boss has the proposal to disclose "2026年停车场规划图" proactively
    When boss accepts the proposal
    And sun concludes the review with "disclose"
    And zhou publishes the document
    Then "2026年停车场规划图" is in the public list
