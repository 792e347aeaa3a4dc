"""`baton deploy` and `baton teardown` of EventBridge and Scheduler resources: an
AWS::Events::EventBus, an AWS::Events::Rule with a queue target and an InputTransformer, an
AWS::Events::Archive of a bus (by !GetAtt), an
AWS::Scheduler::ScheduleGroup and Schedule, and a state machine's EventBridgeRule and ScheduleV2
events, as a SAM template declares them; deployed, used, deployed again with a target fewer,
and torn down.

usage: python3 tests/serve/test_deploy_events.py PATH_TO_BATON
"""

import json
import os
import subprocess
import tempfile
import unittest

import boto3
from botocore.config import Config

import harness

ACCOUNT = harness.ACCOUNT
REGION = harness.REGION

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersBus:
    Type: AWS::Events::EventBus
    Properties:
      Name: orders
  AuditQueue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: audit
  SpareQueue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: spare
  AuditRule:
    Type: AWS::Events::Rule
    Properties:
      Name: audit-orders
      EventBusName: !Ref OrdersBus
      EventPattern:
        source: [shop.orders]
      Targets:
        - Id: audit
          Arn: !GetAtt AuditQueue.Arn
          InputTransformer:
            InputPathsMap:
              order: $.detail.order
            InputTemplate: '{"audited": <order>, "rule": <aws.events.rule-name>}'
%(spare)s
  Nightly:
    Type: AWS::Scheduler::ScheduleGroup
    Properties:
      Name: nightly
  AuditSchedule:
    Type: AWS::Scheduler::Schedule
    Properties:
      Name: audit-daily
      GroupName: !Ref Nightly
      ScheduleExpression: cron(0 3 * * ? *)
      ScheduleExpressionTimezone: Europe/Paris
      FlexibleTimeWindow:
        Mode: "OFF"
      StartDate: "2030-01-01T00:00:00Z"
      Target:
        Arn: !GetAtt AuditQueue.Arn
        RoleArn: arn:aws:iam::123456789012:role/scheduler
        Input: '{"audit": "daily"}'
  Fulfil:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: fulfil
      Definition:
        StartAt: Done
        States:
          Done: {Type: Pass, End: true}
      Events:
        OnOrder:
          Type: EventBridgeRule
          Properties:
            EventBusName: !GetAtt OrdersBus.Name
            Pattern:
              source: [shop.orders]
              detail:
                order: [{numeric: [">", 10]}]
            InputPath: $.detail
        Hourly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(1 hour)
            State: DISABLED
            Input: '{"hourly": true}'
Outputs:
  RuleArn:
    Value: !GetAtt AuditRule.Arn
"""

SPARE = """        - Id: spare
          Arn: !GetAtt SpareQueue.Arn"""


ARCHIVE_TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  LedgerBus:
    Type: AWS::Events::EventBus
    Properties:
      Name: ledger
  LedgerArchive:
    Type: AWS::Events::Archive
    Properties:
      ArchiveName: ledger-archive
      SourceArn: !GetAtt LedgerBus.Arn
      Description: ledger entries
      RetentionDays: %(days)d
      EventPattern:
        source: [ledger]
"""


def baton(*args):
    return subprocess.run([harness.BATON, *args], capture_output=True, text=True, timeout=120)


class DeployEventsTest(harness.ServerTest):

    def client(self, service):
        return boto3.session.Session().client(
            service, endpoint_url=self.server.endpoint, region_name=REGION,
            config=Config(retries={"max_attempts": 1}))

    def write(self, folder, spare):
        with open(os.path.join(folder, "template.yaml"), "w") as f:
            f.write(TEMPLATE % {"spare": SPARE if spare else ""})

    def test_deploy_use_redeploy_teardown(self):
        events, sqs = self.client("events"), self.client("sqs")
        self.addCleanup(events.close)
        self.addCleanup(sqs.close)
        with tempfile.TemporaryDirectory() as folder:
            project = os.path.join(folder, "shop")
            os.mkdir(project)
            self.write(project, spare=True)
            done = baton("deploy", project, "--endpoint", self.server.endpoint)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn("event bus orders created", done.stdout)
            self.assertIn(f"rule audit-orders: arn:aws:events:{REGION}:{ACCOUNT}:rule/orders/"
                          "audit-orders (2 targets)", done.stdout)
            self.assertIn("schedule group nightly created", done.stdout)
            scheduler = self.client("scheduler")
            self.addCleanup(scheduler.close)
            daily = scheduler.get_schedule(Name="audit-daily", GroupName="nightly")
            self.assertEqual((daily["ScheduleExpression"], daily["ScheduleExpressionTimezone"],
                              daily["Target"]["Input"], daily["StartDate"].year),
                             ("cron(0 3 * * ? *)", "Europe/Paris", '{"audit": "daily"}', 2030))
            hourly = scheduler.get_schedule(Name="shop-FulfilHourly")
            self.assertEqual((hourly["State"], hourly["Target"]["Arn"], hourly["Target"]["Input"]),
                             ("DISABLED", f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:fulfil",
                              '{"hourly": true}'))
            rules = sorted(r["Name"] for r in events.list_rules(EventBusName="orders")["Rules"])
            self.assertEqual(rules, ["audit-orders", "shop-FulfilOnOrder"])
            [target] = events.list_targets_by_rule(Rule="shop-FulfilOnOrder",
                                                   EventBusName="orders")["Targets"]
            self.assertEqual((target["Id"], target["Arn"], target["InputPath"]),
                             ("FulfilOnOrderStepFunctionsTarget",
                              f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:fulfil", "$.detail"))

            events.put_events(Entries=[{"Source": "shop.orders", "DetailType": "Placed",
                                        "Detail": '{"order": 42}', "EventBusName": "orders"}])
            url = sqs.get_queue_url(QueueName="audit")["QueueUrl"]
            got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
            self.assertEqual(json.loads(got[0]["Body"]),
                             {"audited": 42, "rule": "audit-orders"})
            runs = harness.wait_for(lambda: self.sfn.list_executions(
                stateMachineArn=harness.machine_arn("fulfil"))["executions"], what="a run")
            run = self.sfn.describe_execution(executionArn=runs[0]["executionArn"])
            self.assertEqual(json.loads(run["input"]), {"order": 42})

            # Deployed again without the spare target: the rule loses it.
            self.write(project, spare=False)
            again = baton("deploy", project, "--endpoint", self.server.endpoint)
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertIn("event bus orders kept", again.stdout)
            self.assertIn("schedule audit-daily updated", again.stdout)
            ids = [t["Id"] for t in events.list_targets_by_rule(
                Rule="audit-orders", EventBusName="orders")["Targets"]]
            self.assertEqual(ids, ["audit"])

            gone = baton("teardown", project, "--endpoint", self.server.endpoint)
            self.assertEqual(gone.returncode, 0, gone.stderr)
            self.assertIn("rule audit-orders deleted", gone.stdout)
            self.assertIn("event bus orders deleted", gone.stdout)
            self.assertIn("schedule shop-FulfilHourly deleted", gone.stdout)
            self.assertNotIn("nightly", [g["Name"] for g in
                                         scheduler.list_schedule_groups()["ScheduleGroups"]])
            self.assertNotIn("orders", [b["Name"] for b in events.list_event_buses()["EventBuses"]])
            again = baton("teardown", project, "--endpoint", self.server.endpoint)
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertIn("rule audit-orders is not there", again.stdout)

    def test_archive_deployed_updated_and_torn_down(self):
        events = self.client("events")
        self.addCleanup(events.close)
        with tempfile.TemporaryDirectory() as folder:
            project = os.path.join(folder, "ledger")
            os.mkdir(project)
            path = os.path.join(project, "template.yaml")
            with open(path, "w") as f:
                f.write(ARCHIVE_TEMPLATE % {"days": 30})
            done = baton("deploy", project, "--endpoint", self.server.endpoint)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn("archive ledger-archive created", done.stdout)
            archive = events.describe_archive(ArchiveName="ledger-archive")
            self.assertEqual((archive["EventSourceArn"], archive["RetentionDays"],
                              archive["Description"], json.loads(archive["EventPattern"])),
                             (f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/ledger", 30,
                              "ledger entries", {"source": ["ledger"]}))
            events.put_events(Entries=[
                {"Source": "ledger", "DetailType": "Entry", "Detail": "{}", "EventBusName": "ledger"},
                {"Source": "other", "DetailType": "Entry", "Detail": "{}", "EventBusName": "ledger"}])
            self.assertEqual(events.describe_archive(ArchiveName="ledger-archive")["EventCount"], 1)

            with open(path, "w") as f:
                f.write(ARCHIVE_TEMPLATE % {"days": 7})
            again = baton("deploy", project, "--endpoint", self.server.endpoint)
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertIn("archive ledger-archive updated", again.stdout)
            archive = events.describe_archive(ArchiveName="ledger-archive")
            self.assertEqual((archive["RetentionDays"], archive["EventCount"]), (7, 1))

            gone = baton("teardown", project, "--endpoint", self.server.endpoint)
            self.assertEqual(gone.returncode, 0, gone.stderr)
            self.assertIn("archive ledger-archive deleted", gone.stdout)
            self.assertIn("event bus ledger deleted", gone.stdout)
            self.assertEqual(events.list_archives(NamePrefix="ledger")["Archives"], [])


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
