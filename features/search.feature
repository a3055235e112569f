Feature: Finding documents (检索)
  A clerk finds an issued document in the catalogue (公文目录) by a word of its
  title or text, or by part of its number (文号), and sees there only what he may
  read. A citizen searches the public list (公开信息) without signing in: it holds
  only published proactive documents, as they were published (de-identified),
  never an unpublished or withheld one, nor the personal data taken out of it.
  A policy is shown with its interpretation (政策解读), and the interpretation
  with its policy.

  Background:
    Given the document approval workflow is deployed
    And the users
      | name  | roles            | department |
      | zhang | drafter          | 综合处     |
      | li    | dept_head        | 综合处     |
      | wang  | office           |            |
      | zhao  | leader           |            |
      | sun   | secrecy_reviewer |            |
      | zhou  | publisher        |            |
      | liu   | drafter          | 法规处     |

  Scenario: A clerk finds a document by a word of its text
    Given zhang's document "关于开展近海养殖调查的通知" saying "请于月底前报送海洋牧场建设情况。" has been issued
    And zhang's document "关于做好防汛工作的通知" saying "各单位要做好汛期值班。" has been issued
    When wang searches the catalogue for "海洋牧场"
    Then he finds only "关于开展近海养殖调查的通知"

  Scenario: A clerk finds a document by its number
    Given zhang's document "关于做好防汛工作的通知" saying "各单位要做好汛期值班。" has been issued
    And zhang's document "关于开展近海养殖调查的通知" saying "请报送建设情况。" has been issued
    When wang searches the catalogue for the number "[2026]2号"
    Then he finds only "关于开展近海养殖调查的通知"
    And it is numbered "威政办发〔2026〕2号"

  Scenario: A clerk of another department does not find what he may not read
    Given zhang's document "关于内部值班安排的通知" saying "值班安排见附表。" marked on_request has been issued
    When liu searches the catalogue for "值班安排"
    Then he finds nothing
    When wang searches the catalogue for "值班安排"
    Then he finds only "关于内部值班安排的通知"

  Scenario: A citizen finds a published document without the personal data taken out of it
    Given zhang's document "关于政务公开办人员任职的通知" saying "王小明同志，手机13912345678，任政务公开办主任。" has been published with "王小明" and the mobile number hidden
    When a citizen searches the public list for "政务公开办主任"
    Then he finds only "关于政务公开办人员任职的通知"
    And the text he sees shows neither "王小明" nor "13912345678"
    When a citizen searches the public list for "13912345678"
    Then he finds nothing
    When a citizen searches the public list for "王小明同志"
    Then he finds nothing

  Scenario: A citizen never finds an unpublished or withheld document
    Given zhang's document "关于节日值班的通知（依申请公开）" saying "节日值班由综合处负责。" marked on_request has been issued
    And zhang's document "关于节日值班的通知（不予公开）" saying "节日值班由综合处负责。" marked withheld has been issued
    And zhang's document "关于节日值班的通知（待发布）" saying "节日值班由综合处负责。" has been reviewed but not yet published
    And zhang's document "关于节日值班的通知" saying "节日值班由综合处负责。" has been published
    When a citizen searches the public list for "节日值班"
    Then he finds only "关于节日值班的通知"

  Scenario: A citizen filters the public list by year and category
    Given zhang's policy document "威海市住房补贴办法" saying "第一条 为了保障住房。" has been published
    And zhang's document "关于住房补贴申领的通知" saying "申领住房补贴的时间。" has been published
    When a citizen searches the public list for "住房补贴" in the category policy of the year 2026
    Then he finds only "威海市住房补贴办法"
    When a citizen searches the public list for "住房补贴" of the year 2025
    Then he finds nothing

  Scenario: A bad filter is named, not an error
    When a citizen searches the public list for "住房" of the year "二〇二六"
    Then the search is refused, naming the year

  Scenario: A policy shows its interpretation, and the interpretation its policy
    Given zhang's policy document "威海市住房补贴办法" saying "第一条 为了保障住房。" has been published
    And zhang's document "《威海市住房补贴办法》政策解读" saying "一、为什么出台这个办法？" has been published
    When zhang publishes the interpretation of "威海市住房补贴办法" at the public page of "《威海市住房补贴办法》政策解读"
    Then the public page of "威海市住房补贴办法" shows beside its text the interpretation "一、为什么出台这个办法？"
    And the public page of "《威海市住房补贴办法》政策解读" names the policy "威海市住房补贴办法"
    And the public list shows "威海市住房补贴办法" with its interpretation

  Scenario: A policy whose interpretation is published elsewhere links to it
    Given zhang's policy document "威海市住房补贴办法" saying "第一条 为了保障住房。" has been published
    When zhang publishes the interpretation of "威海市住房补贴办法" at "https://www.weihai.gov.cn/jd/1.html"
    Then the public page of "威海市住房补贴办法" links to "https://www.weihai.gov.cn/jd/1.html"
