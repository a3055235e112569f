Feature: Oversight of each department's disclosure work (督查)
  The office checks regularly how each department does its disclosure work (seed
  八(二)). For a year, a quarter or a month it reads, department by department: the
  documents issued; whether the drafters stated the disclosure attribute themselves
  or had their drafts returned for a missing one; the returns (退文) and why; the
  confidentiality reviews done; what share of the publications, policy
  interpretations and replies to requests that fell due in the period were done on
  time; and what is overdue today. The figures are drawn as charts, listed in a table
  and exported as CSV and XLSX. The office, administrators and auditors read every
  department; a department head reads his own.

  Background:
    Given the staff of 综合处 and 法规处, the office, an administrator and an auditor
    And a request to 法规处 received on 2026-07-01 was answered with disclosure on 2026-07-15
    And a request to 法规处 received on 2026-07-02 was never answered
    And zhang's general document "关于做好防汛工作的通知" was issued on 2026-07-06 and published on 2026-07-08
    And a request to 综合处 received on 2026-07-06 was answered on 2026-08-10 that the information is not held
    And zhang's draft "关于促进就业的若干措施" came back at once for a missing attribute on 2026-07-07
    And it was issued as a policy that day, published on 2026-08-20 and interpreted on 2026-08-24
    And qian's policy document "关于优化营商环境的意见" was issued on 2026-07-08 and published on 2026-07-09, and never interpreted
    And qian's draft "关于内部值班安排的通知" came back at once, to be withheld with neither reason nor legal basis, on 2026-07-10
    And it was issued that day, to be disclosed on request
    And zhang's general document "关于国庆期间安全生产的通知" was issued on 2026-09-21 and never published
    And it is 2026-11-30 09:00 Beijing time

  Scenario: The office reads each department's figures for the quarter
    When wang reads the oversight figures of the third quarter of 2026
    Then the figures read
      | department | issued | drafts | attribute stated | returned for no attribute | returns | reviews | overdue now |
      | 综合处     | 3      | 3      | 2                | 1                         | 1       | 2       | 1           |
      | 法规处     | 2      | 2      | 2                | 0                         | 1       | 2       | 2           |
      | 合计       | 5      | 5      | 4                | 1                         | 2       | 4       | 3           |

  Scenario: The on-time rates count what was done in time of what fell due in the period
    When wang reads the oversight figures of the third quarter of 2026
    Then the on-time figures read
      | department | publications | interpretations | replies     |
      | 综合处     | 1 of 2: 50.0%  | 1 of 1: 100.0%  | 0 of 1: 0.0%  |
      | 法规处     | 1 of 1: 100.0% | 0 of 1: 0.0%    | 1 of 2: 50.0% |
      | 合计       | 2 of 3: 66.7%  | 1 of 2: 50.0%   | 1 of 3: 33.3% |
    When wang reads the oversight figures of July 2026
    Then the on-time figures read
      | department | publications | interpretations | replies       |
      | 综合处     | none due     | none due        | none due      |
      | 法规处     | none due     | 0 of 1: 0.0%    | 1 of 2: 50.0% |

  Scenario: Returns are counted by their reasons
    When wang reads the oversight figures of the third quarter of 2026
    Then the returns by reason read
      | department | reason                       | returns |
      | 综合处     | 未标明公开属性               | 1       |
      | 法规处     | 拟不予公开，但未说明理由     | 1       |
      | 法规处     | 拟不予公开，但未写明法律依据 | 1       |

  Scenario: An overdue catalogue entry counts against its department today
    Given wang added on 2026-07-01 the entry "财政收支月报" of 综合处, due every month by day 10
    When wang reads the oversight figures of the third quarter of 2026
    Then 综合处 has 2 items overdue today: 1 publication and 1 catalogue entry
    And 法规处 has 2 items overdue today: 1 interpretation and 1 request

  Scenario: A department head reads his own department only; a drafter reads nothing
    When li reads the oversight figures of the third quarter of 2026
    Then he reads the figures of 综合处 only
    And zhang may not read the oversight figures

  Scenario: The office exports the figures as CSV and XLSX
    When wang exports the figures of the third quarter of 2026
    Then the CSV has a row for 综合处 with 3 documents issued and on-time publications at 50.0%
    And the XLSX sheet "2026-Q3" has a row for 综合处 with 3 documents issued and on-time publications at 50.0%

  Scenario: A period that does not exist is refused, saying what is wrong
    When wang asks for the oversight figures of the fifth quarter of 2026
    Then he is refused with "oversight.bad_quarter"
