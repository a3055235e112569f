Feature: Workflow engine
  The engine deploys BPMN definitions, runs their instances and records every
  step in a hash-chained audit log, so that nothing is lost and nobody
  approves his own work.

  Background:
    Given the users
      | name  | roles     |
      | alice | drafter   |
      | bob   | dept_head |
      | carol | dept_head |
    And the simple approval workflow is deployed

  Scenario: A new version does not disturb an instance of the old one
    Given alice has started a simple approval
    When a new version of the simple approval workflow is deployed
    Then the running instance stays on the first version
    And a newly started simple approval uses the new version
    And alice can still finish her draft of the first instance

  Scenario Outline: A malformed BPMN file is refused and nothing is deployed
    When someone deploys a simple approval file with <defect>
    Then the deployment is refused naming the file, the element "<element>" and "<problem>"
    And no new definition version exists

    Examples:
      | defect                          | element        | problem                     |
      | broken XML                      | (whole file)   | bad XML                     |
      | an unknown form schema          | draft          | unknown form schema 'memo'  |
      | a lane naming no known group, deployed strictly | boss | names no known group |
      | a condition that does not compile | flow_approved | does not compile           |
      | a condition that imports a module | flow_approved | not allowed in scripts     |

  Scenario: A lane naming a group gongkai does not know is a group of its own
    When someone deploys a simple approval file with a lane naming no known group
    Then the deployment is accepted
    And the review task of a new instance is for the group "boss"

  Scenario: Invalid form data is refused and changes nothing
    Given alice has started a simple approval
    When alice submits her draft with an empty title
    Then she is told that "title" must not be empty
    And the draft task is still waiting for alice
    And the instance version and history are unchanged

  Scenario: Nobody reviews his own draft
    Given alice also holds the role dept_head
    And alice has started a simple approval
    When alice submits her draft titled "关于开展政务公开工作的通知"
    Then the review task is offered to bob and carol but not to alice
    And alice is refused when she tries to complete the review

  Scenario: A draft sent back returns to the drafter with the history kept
    Given alice has started a simple approval
    When alice submits her draft titled "初稿"
    And bob sends the draft back with the comment "请补充公开属性"
    Then the draft task is waiting for alice again
    And the history reads instance_started, task_completed, task_completed, sent_back
    And the event chain verifies

  Scenario: Two reviewers complete the same task at the same moment
    Given alice has started a simple approval
    And alice has submitted her draft titled "并发测试"
    When bob and carol approve the review at the same moment
    Then exactly one of them succeeds and the other gets a conflict error
    And the review is recorded once in the history
