"""EventBridge through boto3 (its JSON 1.1 protocol) against `baton serve`: buses, rules and
targets with AWS's errors, TestEventPattern, PutEvents with its per-entry errors, delivery to
queues (the event envelope, Input, InputPath, InputTransformer, FIFO group), topics, state
machines and other buses, the dead-letter queue of a target that cannot be reached, the status
changes of executions on the default bus, and rules kept across a restart.

usage: python3 tests/serve/test_eventbridge.py PATH_TO_BATON
"""

import json
import re
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

import harness

REGION = harness.REGION
ACCOUNT = harness.ACCOUNT


def client(server, service):
    return boto3.session.Session().client(
        service, endpoint_url=server.endpoint, region_name=REGION,
        config=Config(retries={"max_attempts": 1}))


def order_event(**detail):
    return {"Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": json.dumps(detail)}


class EventBridgeTest(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.events = client(cls.server, "events")
        cls.sqs = client(cls.server, "sqs")
        cls.sns = client(cls.server, "sns")

    @classmethod
    def tearDownClass(cls):
        for c in (cls.events, cls.sqs, cls.sns):
            c.close()
        super().tearDownClass()

    def queue(self, name, **attributes):
        url = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn

    def receive(self, url, count=1):
        got = []
        for _ in range(10):
            answer = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                              WaitTimeSeconds=1, MessageAttributeNames=["All"])
            got += answer.get("Messages", [])
            if len(got) >= count:
                break
        return got

    def test_buses(self):
        default = self.events.describe_event_bus()
        self.assertEqual(default["Name"], "default")
        self.assertEqual(default["Arn"], f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default")
        # (Debian's botocore predates CreateEventBus's Description.)
        arn = self.events.create_event_bus(Name="bus-a")["EventBusArn"]
        self.assertEqual(arn, f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/bus-a")
        self.assertEqual(self.events.describe_event_bus(Name=arn)["Name"], "bus-a")
        message = self.error("ResourceAlreadyExistsException", self.events.create_event_bus,
                             Name="bus-a")
        self.assertEqual(message, "Event bus bus-a already exists.")
        names = [b["Name"] for b in self.events.list_event_buses(NamePrefix="bus-")["EventBuses"]]
        self.assertEqual(names, ["bus-a"])
        self.assertEqual(self.error("ValidationException", self.events.delete_event_bus,
                                    Name="default"), "Cannot delete event bus default.")
        self.events.delete_event_bus(Name="bus-a")
        self.events.delete_event_bus(Name="bus-a")  # not there: still succeeds
        self.assertEqual(self.error("ResourceNotFoundException", self.events.describe_event_bus,
                                    Name="bus-a"), "Event bus bus-a does not exist.")

    def test_rules_and_their_errors(self):
        self.events.create_event_bus(Name="rules-bus")
        message = self.error("InvalidEventPatternException", self.events.put_rule,
                             Name="bad", EventPattern='{"source": []}')
        self.assertTrue(message.startswith("Event pattern is not valid. Reason: "), message)
        self.error("ValidationException", self.events.put_rule, Name="none")
        arn = self.events.put_rule(Name="r1", EventBusName="rules-bus",
                                   EventPattern='{"source": ["shop.orders"]}',
                                   Description="orders")["RuleArn"]
        self.assertEqual(arn, f"arn:aws:events:{REGION}:{ACCOUNT}:rule/rules-bus/r1")
        described = self.events.describe_rule(Name="r1", EventBusName="rules-bus")
        self.assertEqual((described["State"], described["Description"], described["EventBusName"]),
                         ("ENABLED", "orders", "rules-bus"))
        self.events.disable_rule(Name="r1", EventBusName="rules-bus")
        listed = self.events.list_rules(EventBusName="rules-bus")["Rules"]
        self.assertEqual([(r["Name"], r["State"]) for r in listed], [("r1", "DISABLED")])
        message = self.error("ResourceNotFoundException", self.events.describe_rule,
                             Name="r1")  # on the default bus: not there
        self.assertEqual(message, "Rule r1 does not exist on EventBus default.")
        _, queue_arn = self.queue("rules-q")
        self.events.put_targets(Rule="r1", EventBusName="rules-bus",
                                Targets=[{"Id": "q", "Arn": queue_arn}])
        self.assertEqual(self.events.list_rule_names_by_target(
            TargetArn=queue_arn, EventBusName="rules-bus")["RuleNames"], ["r1"])
        self.assertEqual(self.error("ValidationException", self.events.delete_rule,
                                    Name="r1", EventBusName="rules-bus"),
                         "Rule can't be deleted since it has targets.")
        self.error("LimitExceededException", self.events.put_targets, Rule="r1",
                   EventBusName="rules-bus",
                   Targets=[{"Id": f"t{i}", "Arn": queue_arn} for i in range(5)])
        self.error("ValidationException", self.events.put_targets, Rule="r1",
                   EventBusName="rules-bus",
                   Targets=[{"Id": "x", "Arn": queue_arn, "Input": "{not json"}])
        self.events.remove_targets(Rule="r1", EventBusName="rules-bus", Ids=["q"])
        self.events.delete_rule(Name="r1", EventBusName="rules-bus")
        self.assertEqual(self.events.list_rules(EventBusName="rules-bus")["Rules"], [])

    def test_test_event_pattern(self):
        event = json.dumps({"id": "1", "account": ACCOUNT, "source": "shop.orders",
                            "time": "2026-12-05T10:00:00Z", "region": REGION, "resources": [],
                            "detail-type": "OrderPlaced", "detail": {"total": 120}})
        pattern = '{"source": ["shop.orders"], "detail": {"total": [{"numeric": [">", 100]}]}}'
        self.assertTrue(self.events.test_event_pattern(EventPattern=pattern, Event=event)["Result"])
        low = event.replace('"total": 120', '"total": 80')
        self.assertFalse(self.events.test_event_pattern(EventPattern=pattern, Event=low)["Result"])
        self.assertEqual(self.error("ValidationException", self.events.test_event_pattern,
                                    EventPattern=pattern, Event='{"source": "x"}'),
                         "Parameter Event is not valid.")

    def test_put_events_to_a_queue(self):
        url, arn = self.queue("orders-q")
        _, whole_arn = self.queue("orders-whole")
        self.events.put_rule(Name="big-orders", EventPattern=json.dumps(
            {"source": ["shop.orders"], "detail": {"total": [{"numeric": [">=", 100]}]}}))
        self.events.put_targets(Rule="big-orders", Targets=[
            {"Id": "detail", "Arn": arn, "InputPath": "$.detail"},
            {"Id": "whole", "Arn": whole_arn},
            {"Id": "constant", "Arn": arn, "Input": '{"fixed": true}'}])
        answer = self.events.put_events(Entries=[
            dict(order_event(total=150, id="o-1"), Resources=["arn:aws:shop:order/o-1"]),
            order_event(total=20, id="o-2"),
            {"Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": "[1, 2]"},
            {"Source": "shop.orders", "DetailType": "OrderPlaced"},
            dict(order_event(total=500), EventBusName="no-such-bus")])
        self.assertEqual(answer["FailedEntryCount"], 3)
        entries = answer["Entries"]
        self.assertTrue(re.fullmatch(r"[0-9a-f-]{36}", entries[0]["EventId"]))
        self.assertEqual(entries[2]["ErrorCode"], "MalformedDetail")
        self.assertEqual(entries[3], {
            "ErrorCode": "InvalidArgument",
            "ErrorMessage": "Parameter Detail is not valid. Reason: Detail is a required argument."})
        self.assertEqual(entries[4]["ErrorCode"], "ResourceNotFoundException")
        bodies = sorted(m["Body"] for m in self.receive(url, 2))
        self.assertEqual([json.loads(b) for b in bodies], [{"fixed": True},
                                                           {"total": 150, "id": "o-1"}])
        whole_url = self.sqs.get_queue_url(QueueName="orders-whole")["QueueUrl"]
        [message] = self.receive(whole_url)
        event = json.loads(message["Body"])
        self.assertEqual(event["id"], entries[0]["EventId"])
        self.assertEqual((event["version"], event["source"], event["detail-type"],
                          event["account"], event["region"], event["resources"]),
                         ("0", "shop.orders", "OrderPlaced", ACCOUNT, REGION,
                          ["arn:aws:shop:order/o-1"]))
        self.assertTrue(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"]))
        self.assertEqual(event["detail"], {"total": 150, "id": "o-1"})

    def test_targets_topic_state_machine_and_bus(self):
        url, arn = self.queue("via-topic")
        topic = self.sns.create_topic(Name="order-topic")["TopicArn"]
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                           Attributes={"RawMessageDelivery": "true"})
        machine = self.sfn.create_state_machine(
            name="on-order", roleArn=f"arn:aws:iam::{ACCOUNT}:role/r",
            definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass",
                                                                     "End": True}}}))
        self.events.create_event_bus(Name="downstream")
        bus_url, bus_queue = self.queue("downstream-q")
        self.events.put_rule(Name="all-orders", EventBusName="downstream",
                             EventPattern='{"detail-type": ["Refund"]}')
        self.events.put_targets(Rule="all-orders", EventBusName="downstream",
                                Targets=[{"Id": "q", "Arn": bus_queue}])
        self.events.put_rule(Name="refunds", EventPattern='{"detail-type": ["Refund"]}')
        self.events.put_targets(Rule="refunds", Targets=[
            {"Id": "topic", "Arn": topic},
            {"Id": "machine", "Arn": machine["stateMachineArn"], "InputPath": "$.detail"},
            {"Id": "bus", "Arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/downstream"}])
        self.events.put_events(Entries=[{"Source": "shop.refunds", "DetailType": "Refund",
                                         "Detail": '{"amount": 12}'}])
        [published] = self.receive(url)
        self.assertEqual(json.loads(published["Body"])["detail"], {"amount": 12})
        [forwarded] = self.receive(bus_url)
        self.assertEqual(json.loads(forwarded["Body"])["detail-type"], "Refund")
        executions = harness.wait_for(lambda: self.sfn.list_executions(
            stateMachineArn=machine["stateMachineArn"])["executions"], what="an execution")
        started = self.sfn.describe_execution(executionArn=executions[0]["executionArn"])
        self.assertEqual(json.loads(started["input"]), {"amount": 12})

    def test_unreachable_target_goes_to_its_dead_letter_queue(self):
        dlq_url, dlq_arn = self.queue("events-dlq")
        self.events.put_rule(Name="lost", EventPattern='{"source": ["lost.source"]}')
        self.events.put_targets(Rule="lost", Targets=[{
            "Id": "gone", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:no-such-queue",
            "DeadLetterConfig": {"Arn": dlq_arn}}])
        self.events.put_events(Entries=[{"Source": "lost.source", "DetailType": "X",
                                         "Detail": "{}"}])
        [dead] = self.receive(dlq_url)
        attributes = {k: v["StringValue"] for k, v in dead["MessageAttributes"].items()}
        self.assertEqual(attributes["RULE_ARN"], f"arn:aws:events:{REGION}:{ACCOUNT}:rule/lost")
        self.assertEqual(attributes["TARGET_ARN"],
                         f"arn:aws:sqs:{REGION}:{ACCOUNT}:no-such-queue")
        self.assertIn("ERROR_CODE", attributes)
        self.assertEqual(json.loads(dead["Body"])["source"], "lost.source")

    def test_input_transformer(self):
        url, arn = self.queue("transformed-q")
        self.events.put_rule(Name="transform", EventPattern='{"source": ["ec2.sim"]}')
        paths = {"instance": "$.detail.instance-id", "state": "$.detail.state",
                 "tags": "$.detail.tags"}
        self.events.put_targets(Rule="transform", Targets=[
            {"Id": "json", "Arn": arn, "InputTransformer": {
                "InputPathsMap": paths,
                "InputTemplate": '{"instance": <instance>, "says": "<instance> is <state>", '
                                 '"tags": <tags>, "rule": <aws.events.rule-name>, '
                                 '"original": <aws.events.event.json>}'}},
            {"Id": "text", "Arn": arn, "InputTransformer": {
                "InputPathsMap": paths, "InputTemplate": "<instance> is in state <state>"}}])
        self.events.put_events(Entries=[{"Source": "ec2.sim", "DetailType": "State",
                                         "Detail": json.dumps({"instance-id": "i-1",
                                                               "state": "RUNNING",
                                                               "tags": {"team": "a"}})}])
        bodies = sorted((m["Body"] for m in self.receive(url, 2)), key=len)
        self.assertEqual(bodies[0], "i-1 is in state RUNNING")
        made = json.loads(bodies[1])
        self.assertEqual({k: made[k] for k in ("instance", "says", "tags", "rule")},
                         {"instance": "i-1", "says": "i-1 is RUNNING", "tags": {"team": "a"},
                          "rule": "transform"})
        self.assertEqual(made["original"]["detail"]["state"], "RUNNING")
        message = self.error("ValidationException", self.events.put_targets, Rule="transform",
                             Targets=[{"Id": "bad", "Arn": arn, "InputTransformer": {
                                 "InputPathsMap": {"k": "$.id"},
                                 "InputTemplate": '{<k>: 1}'}}])
        self.assertIn("Target bad", message)

    def test_executions_announce_their_status_on_the_default_bus(self):
        url, arn = self.queue("status-changes")
        self.events.put_rule(Name="sfn-status", EventPattern=json.dumps({
            "source": ["aws.states"], "detail-type": ["Step Functions Execution Status Change"],
            "detail": {"status": ["RUNNING", "SUCCEEDED", "FAILED"]}}))
        self.events.put_targets(Rule="sfn-status", Targets=[{"Id": "q", "Arn": arn}])
        role = f"arn:aws:iam::{ACCOUNT}:role/r"
        ok = self.sfn.create_state_machine(name="announce-ok", roleArn=role, definition=json.dumps(
            {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"r": 1}, "End": True}}}))
        bad = self.sfn.create_state_machine(name="announce-bad", roleArn=role, definition=json.dumps(
            {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Oops", "Cause": "why"}}}))
        express = self.sfn.create_state_machine(
            name="announce-express", roleArn=role, type="EXPRESS", definition=json.dumps(
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))
        run = self.sfn.start_execution(stateMachineArn=ok["stateMachineArn"], name="one",
                                       input='{"a": 1}')
        self.sfn.start_execution(stateMachineArn=bad["stateMachineArn"], name="two")
        self.sfn.start_execution(stateMachineArn=express["stateMachineArn"], name="three")
        events = [json.loads(m["Body"]) for m in self.receive(url, 4)]
        by_status = {(e["detail"]["name"], e["detail"]["status"]): e for e in events}
        # Standard executions only, as on AWS.
        self.assertEqual(sorted(by_status), [("one", "RUNNING"), ("one", "SUCCEEDED"),
                                             ("two", "FAILED"), ("two", "RUNNING")])
        done = by_status[("one", "SUCCEEDED")]
        self.assertEqual((done["source"], done["detail-type"], done["resources"]),
                         ("aws.states", "Step Functions Execution Status Change",
                          [run["executionArn"]]))
        detail = done["detail"]
        self.assertEqual((detail["executionArn"], detail["stateMachineArn"]),
                         (run["executionArn"], ok["stateMachineArn"]))
        self.assertEqual((json.loads(detail["input"]), json.loads(detail["output"])),
                         ({"a": 1}, {"r": 1}))
        self.assertIsInstance(detail["startDate"], int)
        self.assertGreaterEqual(detail["stopDate"], detail["startDate"])
        self.assertEqual(detail["outputDetails"], {"included": True})
        started = by_status[("one", "RUNNING")]["detail"]
        self.assertEqual((started["stopDate"], started["output"]), (None, None))
        failed = by_status[("two", "FAILED")]["detail"]
        self.assertEqual((failed["error"], failed["cause"], failed["redriveStatus"]),
                         ("Oops", "why", "REDRIVABLE"))
        # PutEvents may not claim an AWS source.
        answer = self.events.put_events(Entries=[{
            "Source": "aws.states", "DetailType": "Step Functions Execution Status Change",
            "Detail": "{}"}])
        self.assertEqual(answer["Entries"][0]["ErrorCode"], "NotAuthorizedForSourceException")

    def test_workflow_puts_events(self):
        url, arn = self.queue("from-workflows")
        self.events.put_rule(Name="from-sfn", EventPattern='{"source": ["my.workflow"]}')
        self.events.put_targets(Rule="from-sfn", Targets=[{"Id": "q", "Arn": arn}])
        role = f"arn:aws:iam::{ACCOUNT}:role/r"
        task = {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents", "End": True,
                "Parameters": {"Entries": [{"Source": "my.workflow", "DetailType": "Done",
                                            "Detail": {"order.$": "$.order"},
                                            "Resources": ["arn:aws:shop:order/1"]}]}}
        machine = self.sfn.create_state_machine(name="puts-events", roleArn=role, definition=
                                                json.dumps({"StartAt": "T", "States": {"T": task}}))
        run = self.sfn.start_execution(stateMachineArn=machine["stateMachineArn"],
                                       input='{"order": 7}')
        done = harness.wait_for(lambda: (lambda d: d if d["status"] != "RUNNING" else None)(
            self.sfn.describe_execution(executionArn=run["executionArn"])), what="the end")
        self.assertEqual(done["status"], "SUCCEEDED", done)
        output = json.loads(done["output"])
        self.assertEqual(output["FailedEntryCount"], 0)
        [message] = self.receive(url)
        event = json.loads(message["Body"])
        self.assertEqual(event["id"], output["Entries"][0]["EventId"])
        self.assertEqual(event["detail"], {"order": 7})
        self.assertEqual(event["resources"], ["arn:aws:shop:order/1", run["executionArn"],
                                              machine["stateMachineArn"]])
        # An entry EventBridge refuses fails the task.
        task["Parameters"]["Entries"][0]["EventBusName"] = "no-such-bus"
        failing = self.sfn.create_state_machine(
            name="puts-events-badly", roleArn=role,
            definition=json.dumps({"StartAt": "T", "States": {"T": task}}))
        run = self.sfn.start_execution(stateMachineArn=failing["stateMachineArn"],
                                       input='{"order": 8}')
        done = harness.wait_for(lambda: (lambda d: d if d["status"] != "RUNNING" else None)(
            self.sfn.describe_execution(executionArn=run["executionArn"])), what="the end")
        self.assertEqual((done["status"], done["error"]), ("FAILED", "EventBridge.FailedEntry"))
        self.assertIn("ResourceNotFoundException", done["cause"])


class ScheduledRuleTest(unittest.TestCase):
    """Scheduled rules on a clock the test moves (baton serve --clock-control)."""

    def test_rate_and_cron_rules_fire_on_time(self):
        with harness.Server(harness.BATON, args=["--clock-control"]) as server:
            events, sqs = client(server, "events"), client(server, "sqs")
            url = sqs.create_queue(QueueName="ticks")["QueueUrl"]
            queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:ticks"
            arn = events.put_rule(Name="every-5", ScheduleExpression="rate(5 minutes)")["RuleArn"]
            events.put_targets(Rule="every-5", Targets=[{"Id": "q", "Arn": queue_arn}])
            described = events.describe_rule(Name="every-5")
            self.assertEqual(described["ScheduleExpression"], "rate(5 minutes)")
            self.assertNotIn("EventPattern", described)
            self.assertEqual(sqs.receive_message(QueueUrl=url).get("Messages", []), [])

            def ticks(count):
                # Deleted as they come: the moved clock would make them visible again.
                got = []
                for _ in range(20):
                    got += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                               WaitTimeSeconds=1).get("Messages", [])
                    if len(got) >= count:
                        break
                for m in got:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                return [json.loads(m["Body"]) for m in got]

            harness.advance_clock(server, 301)
            [tick] = ticks(1)
            self.assertEqual((tick["source"], tick["detail-type"], tick["detail"],
                              tick["resources"]),
                             ("aws.events", "Scheduled Event", {}, [arn]))
            harness.advance_clock(server, 600)
            later = ticks(2)
            self.assertEqual(len(later), 2, [tick] + later)
            times = sorted(e["time"] for e in [tick] + later)
            self.assertEqual(len(set(times)), 3)

            # Disabled, it does not fire; enabled again, it does not catch up on what it missed.
            events.disable_rule(Name="every-5")
            harness.advance_clock(server, 900)
            self.assertEqual(ticks(0), [])
            events.enable_rule(Name="every-5")
            self.assertEqual(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
                             .get("Messages", []), [])
            events.remove_targets(Rule="every-5", Ids=["q"])
            events.delete_rule(Name="every-5")

            # cron: 10:15 UTC every day.
            events.put_rule(Name="daily", ScheduleExpression="cron(15 10 * * ? *)")
            events.put_targets(Rule="daily", Targets=[{"Id": "q", "Arn": queue_arn,
                                                       "Input": '{"daily": true}'}])
            harness.advance_clock(server, 24 * 3600)
            [daily] = ticks(1)
            self.assertEqual(daily, {"daily": True})

            code, message = self.error_of(events.put_rule, Name="bad",
                                          ScheduleExpression="rate(1 minutes)")
            self.assertEqual(code, "ValidationException")
            self.assertTrue(message.startswith("Parameter ScheduleExpression is not valid."),
                            message)
            events.create_event_bus(Name="custom")
            self.assertEqual(self.error_of(events.put_rule, Name="bad", EventBusName="custom",
                                           ScheduleExpression="rate(1 minute)"),
                             ("ValidationException",
                              "ScheduleExpression is supported only on the default event bus."))
            events.close()
            sqs.close()

    def error_of(self, call, **kwargs):
        try:
            call(**kwargs)
        except botocore.exceptions.ClientError as e:
            return e.response["Error"]["Code"], e.response["Error"]["Message"]
        self.fail("no error")


class RestartTest(unittest.TestCase):

    def test_rules_and_targets_survive_a_restart(self):
        with harness.Server(harness.BATON) as server:
            events, sqs = client(server, "events"), client(server, "sqs")
            url = sqs.create_queue(QueueName="kept")["QueueUrl"]
            events.create_event_bus(Name="kept-bus")
            events.put_rule(Name="kept-rule", EventBusName="kept-bus",
                            EventPattern='{"source": ["a"]}')
            events.put_targets(Rule="kept-rule", EventBusName="kept-bus", Targets=[
                {"Id": "q", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:kept"}])
            events.disable_rule(Name="kept-rule", EventBusName="kept-bus")
            events.close()
            sqs.close()
            server.stop()
            server.start()
            events, sqs = client(server, "events"), client(server, "sqs")
            rule = events.describe_rule(Name="kept-rule", EventBusName="kept-bus")
            self.assertEqual(rule["State"], "DISABLED")
            events.enable_rule(Name="kept-rule", EventBusName="kept-bus")
            events.put_events(Entries=[{"Source": "a", "DetailType": "t", "Detail": "{}",
                                        "EventBusName": "kept-bus"}])
            got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2).get("Messages", [])
            self.assertEqual(len(got), 1)
            events.close()
            sqs.close()


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
