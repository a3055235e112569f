Feature: Confidentiality review (保密审查)
  A document to be disclosed proactively (主动公开) goes out only after a
  secrecy reviewer has reviewed exactly the content that will go out (先审查、
  后公开), one item at a time (一事一审). The review shows the personal
  information found in the text; the reviewer confirms or dismisses each
  finding, may hide further passages by hand, and concludes: disclose,
  disclose after de-identification (去标识化后公开), withhold, or refer the
  question to the secrecy administration (条例第十七条). Each conclusion is an
  immutable record of who reviewed what, when, on which basis, and what was
  hidden (谁审查、谁负责). Nothing is published unless the newest record of the
  document allows exactly the content about to go out.

  Background:
    Given the users
      | name  | roles            |
      | zhang | drafter          |
      | li    | dept_head        |
      | wang  | office           |
      | zhao  | leader           |
      | sun   | secrecy_reviewer |
      | qian  | secrecy_reviewer |
      | zhou  | publisher        |
    And the document workflows are deployed

  # -- 先审查、后公开: review first, then disclose -----------------------------------------

  Scenario: A proactive document reaches the publisher only after its review (先审查、后公开)
    Given zhang has drafted a proactive document "关于表彰2026年度优秀志愿者的通知" with personal information of 张三
    When the document is approved and signed off
    Then sun has the confidentiality review of it
    And qian has the confidentiality review of it
    And nobody has a publish task for it
    And the catalogue shows the document as "awaiting_review"
    When zhou tries to conclude the review with "disclose_redacted", confirming every finding
    Then zhou is refused because he is not a secrecy reviewer
    And the instance version and history are unchanged
    When sun concludes the review with "disclose_redacted", confirming every finding
    Then zhou has the publish task of it
    And the catalogue shows the document as "awaiting_publication"

  Scenario: A text altered in the database after its review is not published
    Given zhang has drafted a proactive document "关于发放见义勇为奖励金的通知" with personal information of 张三
    And the document has been issued
    And sun has concluded the review with "disclose_redacted", confirming every finding
    When an insider alters the official text in the database
    And zhou tries to publish the document
    Then publishing is refused: no review allows exactly this content
    And the instance version and history are unchanged
    And the catalogue still shows the document as "awaiting_publication"
    And zhou still has the publish task of it
    And the document is not in the public list

  Scenario: The publisher sends a changed text back for a new review, after which it goes out
    Given zhang has drafted a proactive document "关于发放慰问金的通知" with personal information of 张三
    And the document has been issued
    And sun has concluded the review with "disclose_redacted", confirming every finding
    When an insider alters the official text in the database
    And zhou sends the document back for a new review
    Then sun has the confidentiality review of it
    And nobody has a publish task for it
    When sun concludes the review with "disclose_redacted", confirming every finding
    And zhou publishes the document
    Then the public text shows 3701**********1237, 139****5678, z*******@example.com and 6222********7894
    And the approval sheet lists the review records "disclose_redacted, disclose_redacted", each covering the content as it was then

  Scenario: An attachment replaced in the database after its review is not published
    Given zhang has drafted a proactive document "关于公布资助对象名单的通知" with personal information of 张三 and the attachment "资助名单.pdf"
    And the document has been issued
    And sun has concluded the review with "disclose_redacted", confirming every finding
    When an insider replaces the attachment's bytes in the database
    And zhou tries to publish the document
    Then publishing is refused: no review allows exactly this content
    And the instance version and history are unchanged
    And the document is not in the public list

  Scenario: A later review record that withholds the document stops its publication
    Given zhang has drafted a proactive document "关于某项目征收补偿情况的公告" with personal information of 张三
    And the document has been issued
    And sun has concluded the review with "disclose_redacted", confirming every finding
    When a later review record of the document withholds it on the basis "补偿对象信息涉及国家秘密"
    And zhou tries to publish the document
    Then publishing is refused: no review allows exactly this content
    And the instance version and history are unchanged
    And the document is not in the public list

  # -- 谁审查、谁负责: the review record -------------------------------------------------

  Scenario Outline: The review record keeps who reviewed what, when and why, and nobody can change it (谁审查、谁负责)
    Given it is 2026-12-01 10:30 Beijing time
    And zhang has drafted a proactive document "关于公布困难群众救助名单的通知" with personal information of 张三 and the attachment "救助名单.pdf"
    And the document has been issued
    When sun concludes the review with "disclose_redacted", confirming every finding and hiding "张三", on the basis "个人信息去标识化后可以公开"
    Then the review record names sun, 2026-12-01 10:30 Beijing time, the conclusion "disclose_redacted" and the basis "个人信息去标识化后可以公开"
    And the review record holds the exact text and attachment reviewed, and their hash
    And the review record keeps the redactions of the name, resident ID, mobile number, bank card, e-mail and the hand-marked "张三"
    When an insider tries to <change> with SQL
    Then the database refuses it
    And the review record is unchanged

    Examples:
      | change                                            |
      | change the record's conclusion to "disclose"      |
      | delete the record                                 |
      | overwrite the record with a replacing insert      |
      | empty the table of review records                 |

  # -- 一事一审: one review for one item -------------------------------------------------

  Scenario: Each document is reviewed on its own (一事一审)
    Given zhang has drafted a proactive document "关于表彰优秀社区工作者的决定" with personal information of 张三
    And the document has been issued
    And zhang has drafted a proactive document "关于发放2026年度高龄津贴的通知" with personal information of 李梅
    And the document has been issued
    Then sun has a separate confidentiality review of each document, showing only its own text
    When sun tries to conclude the review of "关于表彰优秀社区工作者的决定" with "disclose_redacted", confirming the findings of "关于发放2026年度高龄津贴的通知"
    Then the form is refused naming "confirmed_findings"
    And the instance version and history are unchanged
    When sun concludes the review of "关于表彰优秀社区工作者的决定" with "disclose_redacted", confirming every finding and slipping in the review item of "关于发放2026年度高龄津贴的通知"
    Then the review record of "关于表彰优秀社区工作者的决定" covers its own text and nothing of "关于发放2026年度高龄津贴的通知"
    And qian still has the confidentiality review of "关于发放2026年度高龄津贴的通知"
    And the catalogue shows "关于表彰优秀社区工作者的决定" as "awaiting_publication" and "关于发放2026年度高龄津贴的通知" as "awaiting_review"

  # -- 去标识化: the personal information finder ------------------------------------------

  Scenario: The review lists the personal information found, and the public text hides it (去标识化)
    Given zhang has drafted a proactive document "关于表彰见义勇为先进个人的通知" with personal information of 张三
    And the document has been issued
    Then sun's review shows the text with these findings of 张三's identifiers
      | kind        | masked               |
      | name        | 张*                  |
      | resident_id | 3701**********1237   |
      | mobile      | 139****5678          |
      | email       | z*******@example.com |
      | bank_card   | 6222********7894     |
    When sun concludes the review with "disclose_redacted", confirming every finding and hiding "张三"
    And zhou publishes the document
    Then the public text shows 3701**********1237, 139****5678, z*******@example.com and 6222********7894
    And the public text shows none of 张三's identifiers, nor "张三"
    And the official text still holds every one of 张三's identifiers and "张三"

  Scenario: A finding the reviewer dismisses stays in the disclosed text
    Given zhang has drafted a proactive document "关于公布举报受理渠道的通知" with personal information of 张三
    And the document has been issued
    When sun concludes the review with "disclose_redacted", confirming every finding but the e-mail
    And zhou publishes the document
    Then the public text shows 3701**********1237, 139****5678 and 6222********7894
    And the public text shows 张三's e-mail as it is
    And the review record keeps no redaction of the e-mail

  # -- conclusions that do not fit ------------------------------------------------------

  Scenario Outline: A conclusion that does not fit what the reviewer marked is refused
    Given zhang has drafted a proactive document "关于慰问困难职工的通知" with personal information of 张三
    And the document has been issued
    When sun tries to conclude the review with "<conclusion>"<marking>
    Then the form is refused naming "<field>"
    And the instance version and history are unchanged
    And sun still has the confidentiality review of it

    Examples:
      | conclusion        | marking                                                                  | field              |
      | disclose          | , confirming every finding                                               | review_conclusion  |
      | disclose          | , confirming nothing and hiding "张三"                                    | review_conclusion  |
      | disclose_redacted | , confirming nothing                                                     | confirmed_findings |
      | disclose_redacted | , confirming every finding, exempt as disciplinary because "惩戒公示"     | review_conclusion  |

  Scenario: A passage to hide that is not in the text is refused
    Given zhang has drafted a proactive document "关于调整低保标准的通知" with personal information of 张三
    And the document has been issued
    When sun tries to conclude the review with "disclose_redacted", confirming every finding and hiding "王大锤"
    Then the form is refused naming "manual_passages"
    And the instance version and history are unchanged

  # -- exemptions from de-identification --------------------------------------------------

  Scenario Outline: An item exempt from de-identification is disclosed as it is
    Given zhang has drafted a proactive document "<title>" with personal information of 张三
    And the document has been issued
    When sun tries to conclude the review with "disclose", confirming every finding, exempt as <exemption> without a reason
    Then the form is refused naming "exemption_reason"
    And the instance version and history are unchanged
    When sun concludes the review with "disclose", confirming every finding, exempt as <exemption> because "<reason>"
    And zhou publishes the document
    Then the public text is the official text, nothing hidden
    And the review record keeps the exemption "<exemption>" with the reason "<reason>" and no redactions

    Examples: 惩戒公示 (disciplinary publicity), 强制性信息披露 (mandatory disclosure)
      | title                                | exemption    | reason                                             |
      | 关于对失信被执行人予以惩戒公示的公告 | disciplinary | 依据《社会信用体系建设条例》对失信被执行人惩戒公示 |
      | 关于公布行政处罚决定的公告           | mandatory    | 依法须公开行政处罚决定及当事人信息                 |

  # -- 不予公开: withholding ------------------------------------------------------------

  Scenario: A review that withholds the document must give its basis, and nothing is published
    Given zhang has drafted a proactive document "关于某工程建设情况的报告" with personal information of 张三
    And the document has been issued
    When sun tries to conclude the review with "withhold", giving no basis
    Then the form is refused naming "review_basis"
    And the instance version and history are unchanged
    When sun concludes the review with "withhold", confirming nothing, on the basis "涉及国家秘密，不得公开"
    Then nobody has a publish task for it
    And the catalogue shows the document as "withheld_after_review"
    And the document is not in the public list
    And the review record keeps the conclusion "withhold", the basis "涉及国家秘密，不得公开" and no disclosed text

  # -- 报请确定: referral to the secrecy administration (条例第十七条) ----------------------

  Scenario: An undecided review is referred; the answer "disclose after de-identification" publishes it de-identified
    Given zhang has drafted a proactive document "关于某重点项目选址情况的说明" with personal information of 张三
    And the document has been issued
    When sun tries to conclude the review with "refer", confirming every finding, giving no basis
    Then the form is refused naming "review_basis"
    When sun concludes the review with "refer", confirming every finding, on the basis "是否属于国家秘密无法确定，报市国家保密局确定"
    Then the catalogue shows the document as "referred"
    And sun has the referral answer task of it
    And nobody has a publish task for it
    When sun records the secrecy administration's answer "威保函〔2026〕8号": "disclose_redacted" on the basis "不属于国家秘密，个人信息去标识化后公开"
    Then the approval sheet lists the review records "refer, disclose_redacted", the second following the first with the reference "威保函〔2026〕8号"
    And the first review record is unchanged
    And the catalogue shows the document as "awaiting_publication"
    When zhou publishes the document
    Then the public text shows 3701**********1237, 139****5678, z*******@example.com and 6222********7894
    And the public text shows none of 张三's identifiers

  Scenario: A referred review answered "withhold" is not published
    Given zhang has drafted a proactive document "关于某重点项目选址情况的说明" with personal information of 张三
    And the document has been issued
    When sun concludes the review with "refer", confirming every finding, on the basis "是否属于国家秘密无法确定，报市国家保密局确定"
    And sun tries to record the secrecy administration's answer "威保函〔2026〕9号": "withhold" giving no basis
    Then the form is refused naming "referral_basis"
    And the instance version and history are unchanged
    When sun records the secrecy administration's answer "威保函〔2026〕9号": "withhold" on the basis "属于国家秘密"
    Then the approval sheet lists the review records "refer, withhold", the second following the first with the reference "威保函〔2026〕9号"
    And the first review record is unchanged
    And nobody has a publish task for it
    And the catalogue shows the document as "withheld_after_review"
    And the document is not in the public list

  # -- steps that show engine bugs (see the assertion messages) ---------------------------

  Scenario: An answer "disclose after de-identification" never clears the personal information as it is
    Given zhang has drafted a proactive document "关于某安置项目情况的说明" with personal information of 张三
    And the document has been issued
    When sun concludes the review with "refer", confirming nothing, on the basis "是否属于国家秘密无法确定"
    And sun tries to record the secrecy administration's answer "威保函〔2026〕10号": "disclose_redacted" on the basis "去标识化后公开"
    Then no text showing 张三's identifiers is cleared for publication

  Scenario: A name the reviewer hides appears nowhere on the public page, title included
    Given zhang has drafted a proactive document "关于对张三同志通报表扬的决定" with personal information of 张三
    And the document has been issued
    When sun concludes the review with "disclose_redacted", confirming every finding and hiding "张三"
    And zhou publishes the document
    Then the public entry of the document shows "张三" nowhere, neither in its title nor in its text

  Scenario: The publisher sees exactly what goes out, and the review that cleared it
    Given zhang has drafted a proactive document "关于发放困难补助的通知" with personal information of 张三
    And the document has been issued
    And sun has concluded the review with "disclose_redacted", confirming every finding
    When zhou opens the publish task
    Then the preview shows 3701**********1237, 139****5678, z*******@example.com and 6222********7894
    And the preview shows none of 张三's identifiers
    And the preview names the review "disclose_redacted" by sun
    When an insider alters the official text in the database
    And zhou opens the publish task
    Then the preview says nothing is cleared to go out
