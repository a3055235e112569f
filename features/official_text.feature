Feature: The official text (正式文本) and the approval sheet's drafting fields (发文稿纸)
  An issued document is printed and downloaded as PDF in the national layout of
  official documents (GB/T 9704-2012 党政机关公文格式): the red header with the
  issuing agency, the number, the title, the main recipients, the body, the
  attachments, the agency and the date, the disclosure attribute in its note, and
  the imprint (版记: 抄送, 印发机关和印发日期) at the foot of the last page.
  The approval sheet states what the clerks fill in: the drafting unit, the drafter,
  who checked the draft, the main recipients, the copies' recipients, how many
  copies are printed and how urgent it is. A policy document goes for approval
  together with its interpretation plan (重要政策出台前，要将文件和解读方案一并报批).

  Background:
    Given the users
      | name  | roles            | department |
      | zhang | drafter          | 综合处     |
      | li    | dept_head        | 综合处     |
      | wang  | office           |            |
      | zhao  | leader           |            |
      | sun   | secrecy_reviewer |            |
      | zhou  | publisher        |            |
      | qian  | drafter          | 法规处     |
    And they are known as
      | zhang | 张三 |
      | li    | 李四 |
      | qian  | 钱一 |
    And the agency is "威海市人民政府办公室"
    And the document workflows are deployed

  # -- 发文稿纸: the approval sheet's drafting fields ----------------------------------------

  Scenario: The approval sheet says who drafted the document, who checked it and where it goes
    Given zhang has drafted a general document "关于做好2027年元旦春节期间有关工作的通知" with
      | 紧急程度 | 加急                           |
      | 主送机关 | 各区市人民政府，市政府各部门   |
      | 抄送机关 | 市委办公室，市人大常委会办公室 |
      | 印发份数 | 40                             |
    When li approves it
    Then the approval sheet shows
      | 拟稿单位 | 综合处                         |
      | 拟稿人   | 张三                           |
      | 核稿人   | 李四                           |
      | 主送     | 各区市人民政府，市政府各部门   |
      | 抄送     | 市委办公室，市人大常委会办公室 |
      | 印发份数 | 40                             |
      | 紧急程度 | 加急                           |

  Scenario Outline: A wrong number of copies or an unknown urgency is refused, naming the field
    Given zhang has started a document
    When zhang submits a general draft giving <label> as "<value>"
    Then the draft is refused naming "<field>", and nothing changes

    Examples:
      | label    | value    | field   |
      | 印发份数 | -3       | copies  |
      | 印发份数 | 0        | copies  |
      | 印发份数 | 三十份   | copies  |
      | 印发份数 | 2.5      | copies  |
      | 紧急程度 | 十万火急 | urgency |

  # -- 解读方案一并报批: the interpretation plan goes with the policy -----------------------------

  Scenario: A policy document without its interpretation plan comes back at once (退文)
    Given zhang has started a document
    When zhang submits the policy draft "关于支持小微企业发展的若干措施" without an interpretation plan
    Then the draft comes back to zhang at once: "政策性文件未附解读方案（解读方案须与文件一并报批）"
    And li has nothing to review
    When zhang submits it again with the interpretation plan "起草处室撰写图文解读，随文件同步发布。"
    Then li has the department review of it

  Scenario: Every reviewer reads the interpretation plan, and the issued document keeps it
    Given zhang has drafted a policy document "关于支持小微企业发展的若干措施" with the interpretation plan "起草处室撰写图文解读，随文件同步在政府网站发布。"
    Then li, wang and zhao each read the interpretation plan on their task before approving
    And the approval sheet shows the interpretation plan
    And the issued document keeps the interpretation plan

  # -- 正式文本: the PDF in the national layout ----------------------------------------------

  Scenario: The issued document downloads as its official text in the national layout
    Given zhang has drafted a general document "关于做好2027年元旦春节期间有关工作的通知" with
      | 主送机关 | 各区市人民政府，市政府各部门 |
      | 抄送机关 | 市委办公室                   |
    And the document has been issued
    When zhang downloads the official text
    Then it is a PDF of A4 pages
    And its first page opens with "威海市人民政府办公室文件" and the document's number
    And it reads, in this order
      | the title                          |
      | 各区市人民政府，市政府各部门：     |
      | the body                           |
      | 威海市人民政府办公室               |
      | 2026年11月30日                     |
      | （此件公开发布）                   |
      | 抄送：市委办公室。                 |
      | 2026年11月30日印发                 |

  Scenario: A long document runs onto more pages, and the imprint closes the last one
    Given zhang has drafted a general document "关于进一步加强政务公开工作的意见" of 40 paragraphs, copied to "市委办公室"
    And the document has been issued
    When zhang downloads the official text
    Then it is a PDF of A4 pages
    And it has more than one page, each numbered "— n —" at its foot
    And the imprint "抄送：市委办公室。" and "2026年11月30日印发" is on the last page only

  Scenario: The public downloads only the published, de-identified text
    Given zhang has drafted a general document "关于某路段占道施工的公告" whose body gives the mobile number 13912345678, copied to "市委办公室"
    And the document has been issued
    Then the public cannot download its official text
    And qian may not download its official text
    When sun clears it hiding the personal information and zhou publishes it
    Then the public downloads its official text with "139****5678", without "13912345678" or "市委办公室"
    And zhang downloads the official text with "13912345678" and "抄送：市委办公室。"
