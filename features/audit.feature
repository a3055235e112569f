Feature: Auditors verify workflow histories (审计)
  Every step of an approval is recorded in a hash-chained history, and the
  agency signs checkpoints of every history's head with a key kept apart from
  the database.  An auditor re-executes each history's recorded inputs on the
  exact deployed BPMN and verifies the histories against the checkpoint file:
  whoever edits, removes, inserts or reorders a recorded step, rewrites a
  whole history, edits an instance's state, changes a deployed BPMN, deletes
  an instance or rolls the database back is found, and a history handed out
  as an export is checked without the database.

  Background:
    Given the users
      | name  | roles     |
      | alice | drafter   |
      | bob   | dept_head |
    And the simple approval workflow is deployed
    And the agency keeps its signing key apart from the database
    And it is 2026-12-01 09:00 Beijing time
    And alice and bob have completed the approvals "通知一" and "通知二"

  Scenario: Untouched histories verify, at the checkpoint and after more work
    Given the agency has signed a checkpoint
    When the auditor verifies the histories
    Then the verification reports 0 problems in 2 histories
    When alice starts the approval "通知三" and the agency signs another checkpoint
    And alice submits her draft of "通知三"
    And the auditor verifies the histories
    Then the verification reports 0 problems in 3 histories

  Scenario: An edited step is found
    Given the agency has signed a checkpoint
    When someone edits the data of event 2 of "通知二" in the database
    And the auditor verifies the histories
    Then the verification reports
      | instance | event | kind   |
      | 通知二   | 2     | edited |

  Scenario: A removed step is found
    Given the agency has signed a checkpoint
    When someone removes event 2 of "通知二" from the database
    And the auditor verifies the histories
    Then the verification reports
      | instance | event | kind      |
      | 通知二   | 2     | removed   |
      | 通知二   | 4     | rewritten |

  Scenario: An inserted step is found
    When someone inserts a note by mallory as event 3 of "通知二" in the database
    And the auditor verifies the histories
    Then the verification reports
      | instance | event | kind     |
      | 通知二   | 3     | inserted |

  Scenario: Two swapped steps are found
    When someone swaps events 2 and 3 of "通知二" in the database
    And the auditor verifies the histories
    Then the verification reports
      | instance | event | kind      |
      | 通知二   | 2     | reordered |

  Scenario: A history rewritten consistently is caught by the checkpoint
    Given the agency has signed a checkpoint
    When someone makes mallory the actor of event 2 of "通知二" and recomputes its whole chain
    Then the history of "通知二" alone looks whole
    When the auditor verifies the histories
    Then the verification reports
      | instance | event | kind      |
      | 通知二   | 4     | rewritten |

  Scenario: An instance deleted after a checkpoint is missing
    Given the agency has signed a checkpoint
    When someone deletes the instance "通知二" and everything of it from the database
    And the auditor verifies the histories
    Then the verification reports
      | instance | event | kind    |
      | 通知二   |       | missing |

  Scenario: A database rolled back behind the checkpoint file is found
    Given the agency has signed two checkpoints
    When someone rolls the database back to before the second checkpoint
    And the auditor verifies the histories
    Then the verification reports
      | instance | event | kind        |
      |          |       | rolled_back |

  Scenario: An exported history verifies on another machine, an edited one is refused
    Given the agency has signed a checkpoint
    When the agency exports the history of "通知一"
    And the auditor verifies the export with the agency's public key, without the database
    Then the verification reports 0 problems in 1 history
    When someone makes mallory the actor of event 2 in the export
    And the auditor verifies the export with the agency's public key, without the database
    Then the verification reports
      | instance | event | kind   |
      | 通知一   | 2     | edited |

  Scenario Outline: Each workflow's history replays to exactly what was recorded
    Given the agency's demo cases
    When the auditor replays the <case>
    Then the replay gives every recorded event in order and ends in the stored state
    And the replay passed through <elements>
    And replaying wrote nothing to the database

    Examples:
      | case                                   | elements                                                         |
      | published document                     | draft, dept_review, office_review, sign_off, secrecy_review, publish |
      | document waiting for the publisher     | sign_off, confidentiality_review_task, secrecy_review            |
      | replied request                        | check_request, handle, sign_reply                                |

  Scenario: A history rewritten consistently, after no checkpoint, does not replay
    When someone turns bob's approval of "通知二" into a send-back and recomputes its whole chain
    And the auditor verifies the histories
    Then the verification reports
      | instance | event | kind           |
      | 通知二   | 4     | not_reproduced |

  Scenario: An edited instance state is found
    When someone changes the title in the stored state of "通知二"
    And the auditor verifies the histories
    Then the verification reports
      | instance | event | kind         |
      | 通知二   |       | state_edited |

  Scenario: A task handed to its own drafter behind the engine's back is found
    When alice starts the approval "通知三" and the agency signs another checkpoint
    And alice submits her draft of "通知三"
    And someone lets alice review her own draft of "通知三" in the database
    And the auditor verifies the histories
    Then the verification reports
      | instance | event | kind         |
      | 通知三   |       | state_edited |

  Scenario: A changed deployed BPMN is found
    When someone renames a task in the deployed simple approval
    And the auditor verifies the histories
    Then the verification reports
      | instance | event | kind         |
      | 通知一   | 1     | bpmn_changed |
      | 通知二   | 1     | bpmn_changed |
