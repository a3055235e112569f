Feature: The basic catalogue of proactive disclosure (主动公开基本目录)
  The disclosure office keeps the catalogue the seed asks for (七(一)): what each
  department discloses, by field (领域) and by the "five disclosures" (决策、执行、管理、
  服务、结果公开), with the responsible department, what is disclosed, the time limit
  and the manner. The time limit is one the system can count: within so many working
  days of the information being formed or changed, or by a day every year, quarter
  or month. Every published proactive document is filed under an entry; an entry whose
  time limit passes without a publication is overdue for its department. Every change
  of an entry is recorded: who, when, the old and the new value.

  Background:
    Given the staff of 综合处 and 法规处, the office, an administrator and an auditor

  Scenario: The office adds an entry and the catalogue lists it with its next due day
    Given it is 2026-11-30 09:00 Beijing time
    When wang adds the entry "财政收支月报" of 综合处 in the field "财政预决算" as a result disclosure, due every month by day 10, on the website and in the gazette
    Then the catalogue lists "财政收支月报" in the field "财政预决算" for 综合处, due on 2026-12-10
    And the change log of "财政收支月报" reads
      | change | field | old | new          | by   |
      | 新增   |       |     | 财政收支月报 | 王五 |

  Scenario: Every change of an entry is recorded with its old and new value
    Given it is 2026-11-30 09:00 Beijing time
    And wang has added the entry "财政收支月报" of 综合处, due every month by day 10
    When root changes the entry "财政收支月报" to "财政预决算报告", due every year by March 31
    Then the catalogue lists "财政预决算报告" in the field "财政预决算" for 综合处, due on 2027-03-31
    And the change log of "财政预决算报告" reads
      | change | field    | old          | new            | by     |
      | 修改   | 公开时限 | 每月10日前   | 每年3月31日前  | 管理员 |
      | 修改   | 事项名称 | 财政收支月报 | 财政预决算报告 | 管理员 |
      | 新增   |          |              | 财政收支月报   | 王五   |

  Scenario: An entry whose time passes without a publication is overdue until one is filed
    Given it is 2026-07-01 09:00 Beijing time
    And wang has added the entry "财政收支月报" of 综合处, due every month by day 10
    And zhang's document "关于公布六月财政收支情况的通知" was issued on 2026-07-06 and published on 2026-07-08
    When it is 2026-07-11 09:00 Beijing time
    Then "财政收支月报" is overdue for 综合处, due on 2026-07-10
    And 法规处 has no overdue entry
    When wang files "关于公布六月财政收支情况的通知" under "财政收支月报"
    Then "财政收支月报" is not overdue, and due next on 2026-08-10
    And the change log of "财政收支月报" begins with wang filing "关于公布六月财政收支情况的通知"

  Scenario: An entry due within working days counts from the day its information was formed
    Given it is 2026-11-02 09:00 Beijing time
    And wang has added the entry "重大建设项目批准结果" of 法规处, due within 20 working days of the information being formed
    When wang records that the information of "重大建设项目批准结果" was formed on 2026-11-02
    Then "重大建设项目批准结果" is not overdue, and due next on 2026-11-30
    When it is 2026-12-01 09:00 Beijing time
    Then "重大建设项目批准结果" is overdue for 法规处, due on 2026-11-30

  Scenario: Published documents wait on the office's to-do list until they are filed
    Given it is 2026-07-01 09:00 Beijing time
    And wang has added the entry "招标投标信息" of 法规处, due every month by day 10
    And zhang's document "关于做好防汛工作的通知" was issued on 2026-07-06 and published on 2026-07-08
    And qian's document "关于规范招标投标的通知" was issued on 2026-07-07 and published on 2026-07-13
    Then the office's to-do lists "关于规范招标投标的通知" and "关于做好防汛工作的通知", newest published first
    When wang files "关于规范招标投标的通知" under "招标投标信息"
    Then the office's to-do lists "关于做好防汛工作的通知"

  Scenario: Only a published proactive document is filed, and only under an entry in use
    Given it is 2026-07-01 09:00 Beijing time
    And wang has added the entry "招标投标信息" of 法规处, due every month by day 10
    And qian's document "关于内部值班安排的通知" was issued on 2026-07-10 to be disclosed on request
    When wang tries to file "关于内部值班安排的通知" under "招标投标信息"
    Then he is refused with "catalogue.not_filable"
    Given qian's document "关于规范招标投标的通知" was issued on 2026-07-07 and published on 2026-07-13
    When wang retires the entry "招标投标信息"
    And wang tries to file "关于规范招标投标的通知" under "招标投标信息"
    Then he is refused with "catalogue.already_retired"

  Scenario: A time limit that cannot be counted is refused and nothing is written
    When wang tries to add an entry due every year by February 30
    Then the entry is refused naming "limit_day"
    When wang tries to add an entry due within working days without saying how many
    Then the entry is refused naming "limit_days"
    And the catalogue has no entry

  Scenario: The office keeps the catalogue; a department head reads his department's entries
    Given it is 2026-11-30 09:00 Beijing time
    And wang has added the entry "财政收支月报" of 综合处, due every month by day 10
    And wang has added the entry "招标投标信息" of 法规处, due every month by day 10
    Then li reads "财政收支月报" only
    And the auditor reads "财政收支月报" and "招标投标信息"
    And li may not add an entry
    And zhang may not read the catalogue
