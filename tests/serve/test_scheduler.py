"""EventBridge Scheduler through boto3 (its rest-json protocol) against `baton serve
--clock-control`, the clock moved forward by the test: schedule groups and tags; rate(), cron()
in a time zone and one-time at() schedules firing on time with the context attributes in their
input; templated targets (queue, state machine) and a universal aws-sdk target; a target that
cannot be reached going to its dead-letter queue; AWS's errors; schedules kept across a restart.

usage: python3 tests/serve/test_scheduler.py PATH_TO_BATON
"""

import datetime
import json
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

import harness

REGION = harness.REGION
ACCOUNT = harness.ACCOUNT
ROLE = f"arn:aws:iam::{ACCOUNT}:role/scheduler"
OFF = {"Mode": "OFF"}


def client(server, service):
    return boto3.session.Session().client(
        service, endpoint_url=server.endpoint, region_name=REGION,
        config=Config(retries={"max_attempts": 1}))


class SchedulerTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server(harness.BATON, args=["--clock-control"])
        cls.server.start()
        cls.scheduler = client(cls.server, "scheduler")
        cls.sqs = client(cls.server, "sqs")
        cls.sfn = client(cls.server, "stepfunctions")

    @classmethod
    def tearDownClass(cls):
        for c in (cls.scheduler, cls.sqs, cls.sfn):
            c.close()
        cls.server.stop()

    def queue(self, name):
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        return url, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"

    def take(self, url, count):
        """Receives `count` messages and deletes them (the moved clock would redeliver them)."""
        got = []
        for _ in range(20):
            got += self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                            WaitTimeSeconds=1,
                                            MessageAttributeNames=["All"]).get("Messages", [])
            if len(got) >= count:
                break
        for m in got:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return got

    def error(self, code, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        self.assertEqual(caught.exception.response["Error"]["Code"], code)
        return caught.exception.response["Error"]["Message"]

    def test_groups_and_tags(self):
        groups = self.scheduler.list_schedule_groups()["ScheduleGroups"]
        self.assertIn("default", [g["Name"] for g in groups])
        arn = self.scheduler.create_schedule_group(
            Name="team-a", Tags=[{"Key": "team", "Value": "a"}])["ScheduleGroupArn"]
        self.assertEqual(arn, f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/team-a")
        self.assertEqual(self.scheduler.get_schedule_group(Name="team-a")["State"], "ACTIVE")
        self.assertEqual(self.error("ConflictException", self.scheduler.create_schedule_group,
                                    Name="team-a"), "Schedule group team-a already exists.")
        self.scheduler.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}])
        self.scheduler.untag_resource(ResourceArn=arn, TagKeys=["team"])
        self.assertEqual(self.scheduler.list_tags_for_resource(ResourceArn=arn)["Tags"],
                         [{"Key": "env", "Value": "dev"}])
        self.error("ValidationException", self.scheduler.delete_schedule_group, Name="default")
        _, queue_arn = self.queue("group-q")
        self.scheduler.create_schedule(
            Name="in-team", GroupName="team-a", ScheduleExpression="rate(1 day)",
            FlexibleTimeWindow=OFF, State="DISABLED",
            Target={"Arn": queue_arn, "RoleArn": ROLE})
        self.scheduler.delete_schedule_group(Name="team-a")
        self.assertEqual(self.error("ResourceNotFoundException", self.scheduler.get_schedule,
                                    Name="in-team", GroupName="team-a"),
                         "Schedule group team-a does not exist.")

    def test_rate_schedule_fires_with_its_context(self):
        url, arn = self.queue("rate-q")
        schedule = self.scheduler.create_schedule(
            Name="every-10", ScheduleExpression="rate(10 minutes)", FlexibleTimeWindow=OFF,
            Target={"Arn": arn, "RoleArn": ROLE,
                    "Input": '{"schedule": "<aws.scheduler.schedule-arn>", '
                             '"at": "<aws.scheduler.scheduled-time>", '
                             '"attempt": <aws.scheduler.attempt-number>}'})["ScheduleArn"]
        self.assertEqual(schedule, f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/every-10")
        # Without a StartDate, a rate schedule fires at once, then every period.
        [first] = self.take(url, 1)
        body = json.loads(first["Body"])
        self.assertEqual((body["schedule"], body["attempt"]), (schedule, 1))
        harness.advance_clock(self.server, 600)
        [second] = self.take(url, 1)
        self.assertNotEqual(json.loads(second["Body"])["at"], body["at"])
        got = self.scheduler.get_schedule(Name="every-10")
        self.assertEqual((got["ScheduleExpression"], got["State"], got["GroupName"],
                          got["Target"]["Arn"]),
                         ("rate(10 minutes)", "ENABLED", "default", arn))
        listed = self.scheduler.list_schedules(NamePrefix="every-")["Schedules"]
        self.assertEqual([(s["Name"], s["Target"]["Arn"]) for s in listed], [("every-10", arn)])
        self.scheduler.update_schedule(Name="every-10", ScheduleExpression="rate(10 minutes)",
                                       FlexibleTimeWindow=OFF, State="DISABLED",
                                       Target={"Arn": arn, "RoleArn": ROLE})
        harness.advance_clock(self.server, 1200)
        self.assertEqual(self.take(url, 0), [])
        self.scheduler.delete_schedule(Name="every-10")

    def test_cron_in_a_time_zone_and_one_time_schedule(self):
        url, arn = self.queue("cron-q")
        self.scheduler.create_schedule(
            Name="nine-in-new-york", ScheduleExpression="cron(0 9 * * ? *)",
            ScheduleExpressionTimezone="America/New_York", FlexibleTimeWindow=OFF,
            Target={"Arn": arn, "RoleArn": ROLE, "Input": '"<aws.scheduler.scheduled-time>"'})
        harness.advance_clock(self.server, 24 * 3600)
        [nine] = self.take(url, 1)
        at = json.loads(nine["Body"])
        # 09:00 in New York is 14:00 UTC in winter and 13:00 in summer.
        self.assertRegex(at, r"T1[34]:00:00Z$")
        self.scheduler.delete_schedule(Name="nine-in-new-york")

        # Two hours from baton's now, in UTC (at() reads the schedule's zone, UTC by default).
        now = datetime.datetime.fromisoformat(harness.advance_clock(self.server, 0)["now"][:19])
        soon = (now + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")
        machine = self.sfn.create_state_machine(
            name="scheduled-run", roleArn=ROLE, definition=json.dumps(
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))
        self.scheduler.create_schedule(
            Name="once", ScheduleExpression=f"at({soon})", FlexibleTimeWindow=OFF,
            Target={"Arn": machine["stateMachineArn"], "RoleArn": ROLE, "Input": '{"once": 1}'})
        self.assertEqual(self.sfn.list_executions(
            stateMachineArn=machine["stateMachineArn"])["executions"], [])
        harness.advance_clock(self.server, 24 * 3600)
        runs = harness.wait_for(lambda: self.sfn.list_executions(
            stateMachineArn=machine["stateMachineArn"])["executions"], what="the run")
        started = self.sfn.describe_execution(executionArn=runs[0]["executionArn"])
        self.assertEqual(json.loads(started["input"]), {"once": 1})
        # Done; kept (ActionAfterCompletion NONE; DELETE is tested with the JavaScript SDK, whose
        # model has it), and it does not fire again.
        harness.advance_clock(self.server, 24 * 3600)
        self.assertEqual(len(self.sfn.list_executions(
            stateMachineArn=machine["stateMachineArn"])["executions"]), 1)
        self.scheduler.delete_schedule(Name="once")

    def test_universal_target_and_dead_letters(self):
        url, _ = self.queue("universal-q")
        dlq_url, dlq_arn = self.queue("scheduler-dlq")
        self.scheduler.create_schedule(
            Name="universal", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow=OFF,
            Target={"Arn": "arn:aws:scheduler:::aws-sdk:sqs:sendMessage", "RoleArn": ROLE,
                    "Input": json.dumps({"QueueUrl": url, "MessageBody": "from the SDK"})})
        [sent] = self.take(url, 1)
        self.assertEqual(sent["Body"], "from the SDK")
        self.scheduler.create_schedule(
            Name="lost", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow=OFF,
            Target={"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:no-such-queue", "RoleArn": ROLE,
                    "Input": '{"lost": true}', "DeadLetterConfig": {"Arn": dlq_arn}})
        [dead] = self.take(dlq_url, 1)
        self.assertEqual(json.loads(dead["Body"]), {"lost": True})
        attributes = {k: v["StringValue"] for k, v in dead["MessageAttributes"].items()}
        self.assertIn("ERROR_CODE", attributes)
        self.assertEqual(attributes["RETRY_ATTEMPTS"], "0")
        for name in ("universal", "lost"):
            self.scheduler.delete_schedule(Name=name)

    def test_errors(self):
        target = {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:x", "RoleArn": ROLE}
        message = self.error("ValidationException", self.scheduler.create_schedule,
                             Name="bad", ScheduleExpression="rate(10 seconds)",
                             FlexibleTimeWindow=OFF, Target=target)
        self.assertTrue(message.startswith("Invalid Schedule Expression rate(10 seconds)."),
                        message)
        message = self.error("ValidationException", self.scheduler.create_schedule,
                             Name="bad", ScheduleExpression="rate(1 hour)",
                             ScheduleExpressionTimezone="Mars/Olympus", FlexibleTimeWindow=OFF,
                             Target=target)
        self.assertIn("Mars/Olympus", message)
        self.error("ValidationException", self.scheduler.create_schedule, Name="bad",
                   ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "FLEXIBLE"},
                   Target=target)
        self.error("ValidationException", self.scheduler.create_schedule, Name="bad",
                   ScheduleExpression="rate(1 hour)", FlexibleTimeWindow=OFF,
                   Target={"Arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default",
                           "RoleArn": ROLE})
        self.assertEqual(self.error("ResourceNotFoundException", self.scheduler.get_schedule,
                                    Name="nothing"), "Schedule nothing does not exist.")
        self.scheduler.create_schedule(Name="twice", ScheduleExpression="rate(1 day)",
                                       FlexibleTimeWindow=OFF, State="DISABLED", Target=target)
        self.assertEqual(self.error("ConflictException", self.scheduler.create_schedule,
                                    Name="twice", ScheduleExpression="rate(1 day)",
                                    FlexibleTimeWindow=OFF, Target=target),
                         "Schedule twice already exists.")
        self.scheduler.delete_schedule(Name="twice")


class RestartTest(unittest.TestCase):

    def test_schedules_survive_a_restart(self):
        with harness.Server(harness.BATON) as server:
            scheduler = client(server, "scheduler")
            scheduler.create_schedule_group(Name="kept")
            scheduler.create_schedule(
                Name="kept", GroupName="kept", ScheduleExpression="cron(0 12 * * ? *)",
                ScheduleExpressionTimezone="Europe/Paris", FlexibleTimeWindow=OFF,
                Target={"Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f", "RoleArn": ROLE})
            scheduler.close()
            server.stop()
            server.start()
            scheduler = client(server, "scheduler")
            got = scheduler.get_schedule(Name="kept", GroupName="kept")
            self.assertEqual((got["ScheduleExpression"], got["ScheduleExpressionTimezone"]),
                             ("cron(0 12 * * ? *)", "Europe/Paris"))
            scheduler.close()


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
