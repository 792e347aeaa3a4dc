"""EventBridge archives and replays through boto3 against `baton serve`: archives with and
without a pattern and their counts, the managed rule each makes on its bus, a replay of a time
window into a rule's queue (the events arrive with replay-name and are not archived again),
FilterArns, cancelling, AWS's errors, the status changes of executions archived on the default
bus, a replay resumed after `kill -9` (every event replayed exactly once), and retention with the
controllable clock.

usage: python3 tests/serve/test_event_archives.py PATH_TO_BATON
"""

import datetime
import json
import unittest

import boto3
from botocore.config import Config

import harness

REGION = harness.REGION
ACCOUNT = harness.ACCOUNT
BUS_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/"
ARCHIVE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:archive/"
# Events put with a Time this far back, so a replay window can end before now.
HOUR = datetime.timedelta(hours=1)


def client(server, service):
    return boto3.session.Session().client(
        service, endpoint_url=server.endpoint, region_name=REGION,
        config=Config(retries={"max_attempts": 1}))


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


class Clients:
    """events and sqs clients of one server, with the helpers the tests share."""

    def __init__(self, server):
        self.events = client(server, "events")
        self.sqs = client(server, "sqs")

    def close(self):
        self.events.close()
        self.sqs.close()

    def queue(self, name):
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        return url, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"

    def rule_to_queue(self, bus, rule, queue_arn, pattern=None):
        arn = self.events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(
            pattern or {"source": ["shop"]}))["RuleArn"]
        self.events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "q", "Arn": queue_arn}])
        return arn

    def put(self, bus, numbers, at=None):
        """Puts one event per number on `bus` (10 a call); returns {n: EventId}."""
        ids = {}
        numbers = list(numbers)
        for i in range(0, len(numbers), 10):
            chunk = numbers[i:i + 10]
            entries = []
            for n in chunk:
                entry = {"Source": "shop", "DetailType": "Order", "EventBusName": bus,
                         "Detail": json.dumps({"n": n})}
                if at is not None:
                    entry["Time"] = at(n)
                entries.append(entry)
            out = self.events.put_events(Entries=entries)
            assert out["FailedEntryCount"] == 0, out
            ids.update({n: e["EventId"] for n, e in zip(chunk, out["Entries"])})
        return ids

    def drain(self, url, expected=None):
        """Every message of the queue (deleted as read): until `expected` are read, or the
        queue stays empty for a second."""
        got = []
        for _ in range(100000):
            out = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            messages = out.get("Messages", [])
            if not messages:
                break
            got += [json.loads(m["Body"]) for m in messages]
            self.sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
            if expected is not None and len(got) >= expected:
                break
        return got

    def replay_done(self, name, timeout=60):
        def done():
            d = self.events.describe_replay(ReplayName=name)
            return d if d["State"] in ("COMPLETED", "CANCELLED", "FAILED") else None
        return harness.wait_for(done, timeout, what=f"replay {name} to end")


class ArchivesTest(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.c = Clients(cls.server)
        cls.events = cls.c.events

    @classmethod
    def tearDownClass(cls):
        cls.c.close()
        super().tearDownClass()

    def test_archives_with_and_without_a_pattern(self):
        self.events.create_event_bus(Name="arch-a")
        made = self.events.create_archive(ArchiveName="all-a", EventSourceArn=BUS_ARN + "arch-a",
                                          Description="everything")
        self.assertEqual((made["ArchiveArn"], made["State"]), (ARCHIVE_ARN + "all-a", "ENABLED"))
        self.events.create_archive(ArchiveName="big-a", EventSourceArn=BUS_ARN + "arch-a",
                                   EventPattern=json.dumps({"detail": {"n": [{"numeric": [">", 1]}]}}),
                                   RetentionDays=30)
        self.c.put("arch-a", [1, 2, 3])
        every = self.events.describe_archive(ArchiveName="all-a")
        big = self.events.describe_archive(ArchiveName="big-a")
        self.assertEqual((every["EventCount"], big["EventCount"]), (3, 2))
        self.assertGreater(every["SizeBytes"], big["SizeBytes"])
        self.assertGreater(big["SizeBytes"], 200)
        self.assertEqual((every["EventSourceArn"], every["Description"], every["RetentionDays"],
                          every["State"]), (BUS_ARN + "arch-a", "everything", 0, "ENABLED"))
        self.assertNotIn("EventPattern", every)
        self.assertEqual((json.loads(big["EventPattern"]), big["RetentionDays"]),
                         ({"detail": {"n": [{"numeric": [">", 1]}]}}, 30))

        # The rules AWS makes for archives, managed by EventBridge and shown by ListRules.
        rules = {r["Name"]: r for r in self.events.list_rules(EventBusName="arch-a")["Rules"]}
        self.assertEqual(sorted(rules), ["Events-Archive-all-a", "Events-Archive-big-a"])
        managed = self.events.describe_rule(Name="Events-Archive-big-a", EventBusName="arch-a")
        self.assertEqual(managed["ManagedBy"], "prod.vhs.events.aws.internal")
        self.assertEqual(json.loads(managed["EventPattern"]), {
            "detail": {"n": [{"numeric": [">", 1]}]}, "replay-name": [{"exists": False}]})
        for call, kwargs in [
                (self.events.put_rule, {"EventPattern": '{"source": ["x"]}'}),
                (self.events.delete_rule, {}), (self.events.disable_rule, {})]:
            self.error("ManagedRuleException", call, Name="Events-Archive-all-a",
                       EventBusName="arch-a", **kwargs)
        self.error("ManagedRuleException", self.events.put_targets, Rule="Events-Archive-all-a",
                   EventBusName="arch-a", Targets=[{"Id": "q", "Arn": BUS_ARN + "default"}])

        listed = self.events.list_archives(NamePrefix="big")["Archives"]
        self.assertEqual([(a["ArchiveName"], a["EventCount"]) for a in listed], [("big-a", 2)])
        on_bus = self.events.list_archives(EventSourceArn=BUS_ARN + "arch-a")["Archives"]
        self.assertEqual([a["ArchiveName"] for a in on_bus], ["all-a", "big-a"])
        page = self.events.list_archives(EventSourceArn=BUS_ARN + "arch-a", Limit=1)
        self.assertEqual(len(page["Archives"]), 1)
        rest = self.events.list_archives(EventSourceArn=BUS_ARN + "arch-a",
                                         NextToken=page["NextToken"])["Archives"]
        self.assertEqual([a["ArchiveName"] for a in rest], ["big-a"])

        # A new pattern applies to the events that come after it.
        updated = self.events.update_archive(ArchiveName="big-a", EventPattern=json.dumps(
            {"detail": {"n": [{"numeric": [">", 10]}]}}), Description="over ten")
        self.assertEqual(updated["ArchiveArn"], ARCHIVE_ARN + "big-a")
        self.c.put("arch-a", [4, 11])
        big = self.events.describe_archive(ArchiveName="big-a")
        self.assertEqual((big["EventCount"], big["Description"]), (3, "over ten"))

        self.events.delete_archive(ArchiveName="big-a")
        self.error("ResourceNotFoundException", self.events.describe_archive, ArchiveName="big-a")
        self.assertEqual([r["Name"] for r in self.events.list_rules(EventBusName="arch-a")["Rules"]],
                         ["Events-Archive-all-a"])

    def test_archive_errors(self):
        self.events.create_event_bus(Name="arch-e")
        self.events.create_archive(ArchiveName="dup-e", EventSourceArn=BUS_ARN + "arch-e")
        message = self.error("ResourceAlreadyExistsException", self.events.create_archive,
                             ArchiveName="dup-e", EventSourceArn=BUS_ARN + "arch-e")
        self.assertEqual(message, "Archive dup-e already exists.")
        message = self.error("ResourceNotFoundException", self.events.create_archive,
                             ArchiveName="nobus-e", EventSourceArn=BUS_ARN + "nope")
        self.assertEqual(message, "Event bus nope does not exist.")
        message = self.error("InvalidEventPatternException", self.events.create_archive,
                             ArchiveName="bad-e", EventSourceArn=BUS_ARN + "arch-e",
                             EventPattern='{"source": []}')
        self.assertTrue(message.startswith("Event pattern is not valid."), message)
        self.error("ValidationException", self.events.create_archive, ArchiveName="bad name",
                   EventSourceArn=BUS_ARN + "arch-e")
        message = self.error("ResourceNotFoundException", self.events.delete_archive,
                             ArchiveName="nope")
        self.assertEqual(message, "Archive nope does not exist.")
        self.error("ResourceNotFoundException", self.events.update_archive, ArchiveName="nope")

    def test_replay_of_a_time_window_into_a_queue(self):
        c = self.c
        self.events.create_event_bus(Name="replay-w")
        archive = self.events.create_archive(ArchiveName="window-w",
                                             EventSourceArn=BUS_ARN + "replay-w")["ArchiveArn"]
        base = now() - 5 * HOUR
        # n hours after base: 0 and 3 fall outside the window [base + 1h, base + 3h).
        ids = c.put("replay-w", range(4), at=lambda n: base + n * HOUR)
        url, queue = c.queue("replayed-w")
        rule = c.rule_to_queue("replay-w", "later-w", queue)
        started = self.events.start_replay(
            ReplayName="window-w", EventSourceArn=archive, EventStartTime=base + HOUR,
            EventEndTime=base + 3 * HOUR, Destination={"Arn": BUS_ARN + "replay-w"},
            Description="the middle two")
        self.assertEqual(started["ReplayArn"], f"arn:aws:events:{REGION}:{ACCOUNT}:replay/window-w")
        self.assertIn(started["State"], ("STARTING", "RUNNING", "COMPLETED"))
        done = c.replay_done("window-w")
        self.assertEqual(done["State"], "COMPLETED")
        self.assertEqual(done["EventLastReplayedTime"], base + 2 * HOUR)
        self.assertEqual((done["EventStartTime"], done["EventEndTime"], done["Description"]),
                         (base + HOUR, base + 3 * HOUR, "the middle two"))
        self.assertEqual(done["Destination"], {"Arn": BUS_ARN + "replay-w"})
        self.assertIn("ReplayEndTime", done)
        got = sorted(c.drain(url, 2), key=lambda e: e["detail"]["n"])
        self.assertEqual([e["detail"]["n"] for e in got], [1, 2])
        for event in got:
            self.assertEqual(event["replay-name"], "window-w")
            self.assertEqual(event["id"], ids[event["detail"]["n"]])
            self.assertEqual(event["time"], (base + event["detail"]["n"] * HOUR).strftime(
                "%Y-%m-%dT%H:%M:%SZ"))
        # Replayed events are not archived again.
        self.assertEqual(self.events.describe_archive(ArchiveName="window-w")["EventCount"], 4)
        # A rule can tell them apart: one that wants no replays gets none.
        self.assertEqual(self.events.test_event_pattern(
            EventPattern='{"replay-name": [{"exists": false}]}', Event=json.dumps(
                {k: v for k, v in got[0].items() if k != "replay-name"}))["Result"], True)

        listed = self.events.list_replays(EventSourceArn=archive)["Replays"]
        self.assertEqual([(r["ReplayName"], r["State"]) for r in listed],
                         [("window-w", "COMPLETED")])
        self.assertEqual(self.events.list_replays(State="RUNNING", NamePrefix="window")["Replays"],
                         [])
        message = self.error("IllegalStatusException", self.events.cancel_replay,
                             ReplayName="window-w")
        self.assertIn("COMPLETED", message)
        self.assertTrue(rule.endswith(":rule/replay-w/later-w"))

    def test_filter_arns_choose_the_rules(self):
        c = self.c
        self.events.create_event_bus(Name="replay-f")
        archive = self.events.create_archive(ArchiveName="filter-f",
                                             EventSourceArn=BUS_ARN + "replay-f")["ArchiveArn"]
        base = now() - 2 * HOUR
        c.put("replay-f", [1, 2, 3], at=lambda n: base)
        url_a, queue_a = c.queue("chosen-f")
        url_b, queue_b = c.queue("other-f")
        chosen = c.rule_to_queue("replay-f", "chosen-f", queue_a)
        c.rule_to_queue("replay-f", "other-f", queue_b)
        self.events.start_replay(
            ReplayName="filter-f", EventSourceArn=archive, EventStartTime=base - HOUR,
            EventEndTime=base + HOUR,
            Destination={"Arn": BUS_ARN + "replay-f", "FilterArns": [chosen]})
        done = c.replay_done("filter-f")
        self.assertEqual(done["State"], "COMPLETED")
        self.assertEqual(done["Destination"]["FilterArns"], [chosen])
        self.assertEqual(sorted(e["detail"]["n"] for e in c.drain(url_a, 3)), [1, 2, 3])
        self.assertEqual(c.drain(url_b), [])

    def test_replay_errors(self):
        c = self.c
        self.events.create_event_bus(Name="replay-e")
        self.events.create_event_bus(Name="replay-e2")
        archive = self.events.create_archive(ArchiveName="errors-e",
                                             EventSourceArn=BUS_ARN + "replay-e")["ArchiveArn"]
        start, end = now() - 2 * HOUR, now() - HOUR
        good = {"ReplayName": "errors-e", "EventSourceArn": archive, "EventStartTime": start,
                "EventEndTime": end, "Destination": {"Arn": BUS_ARN + "replay-e"}}

        def refused(code, **changes):
            return self.error(code, self.events.start_replay, **dict(good, **changes))

        self.assertEqual(refused("ValidationException",
                                 Destination={"Arn": BUS_ARN + "replay-e2"}),
                         "Parameter Destination.Arn is not valid. Reason: Cross event bus replay "
                         "is not permitted.")
        self.assertIn("EventEndTime", refused("ValidationException",
                                              EventEndTime=now() + HOUR))
        self.assertIn("EventStartTime", refused("ValidationException", EventStartTime=end))
        self.assertEqual(refused("ResourceNotFoundException",
                                 EventSourceArn=ARCHIVE_ARN + "nope"),
                         "Archive nope does not exist.")
        self.assertIn("does not exist", refused(
            "ResourceNotFoundException", Destination={
                "Arn": BUS_ARN + "replay-e",
                "FilterArns": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/replay-e/nope"]}))
        self.events.start_replay(**good)
        self.assertEqual(refused("ResourceAlreadyExistsException"),
                         "Replay errors-e already exists.")
        c.replay_done("errors-e")
        message = self.error("ResourceNotFoundException", self.events.describe_replay,
                             ReplayName="nope")
        self.assertEqual(message, "Replay nope does not exist.")
        self.error("ResourceNotFoundException", self.events.cancel_replay, ReplayName="nope")

    def test_cancel_a_running_replay(self):
        c = self.c
        self.events.create_event_bus(Name="replay-c")
        archive = self.events.create_archive(ArchiveName="cancel-c",
                                             EventSourceArn=BUS_ARN + "replay-c")["ArchiveArn"]
        base = now() - 2 * HOUR
        c.put("replay-c", range(2000), at=lambda n: base)
        url, queue = c.queue("cancelled-c")
        c.rule_to_queue("replay-c", "cancelled-c", queue)
        self.events.start_replay(ReplayName="cancel-c", EventSourceArn=archive,
                                 EventStartTime=base - HOUR, EventEndTime=base + HOUR,
                                 Destination={"Arn": BUS_ARN + "replay-c"})
        cancelled = self.events.cancel_replay(ReplayName="cancel-c")
        self.assertEqual(cancelled["State"], "CANCELLING")
        done = c.replay_done("cancel-c")
        self.assertEqual(done["State"], "CANCELLED")
        self.assertIn("ReplayEndTime", done)
        replayed = c.drain(url)
        self.assertLessEqual(len(replayed), 2000)
        self.assertTrue(all(e["replay-name"] == "cancel-c" for e in replayed))

    def test_execution_status_changes_are_archived(self):
        archive = self.events.create_archive(
            ArchiveName="sfn-default", EventSourceArn=BUS_ARN + "default",
            EventPattern=json.dumps({"source": ["aws.states"]}))["ArchiveArn"]
        self.assertTrue(archive.endswith(":archive/sfn-default"))
        machine = self.sfn.create_state_machine(
            name="archived-runs", roleArn=harness.ROLE, definition=json.dumps(
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))
        run = self.sfn.start_execution(stateMachineArn=machine["stateMachineArn"])
        harness.wait_for_status(self.sfn, run["executionArn"])
        # RUNNING, then SUCCEEDED.
        harness.wait_for(lambda: self.events.describe_archive(
            ArchiveName="sfn-default")["EventCount"] == 2, what="two status changes archived")
        self.events.delete_archive(ArchiveName="sfn-default")


class ReplayRestartTest(unittest.TestCase):

    def test_kill_nine_during_a_replay(self):
        server = harness.Server(harness.BATON).start()
        try:
            c = Clients(server)
            c.events.create_event_bus(Name="crash-r")
            archive = c.events.create_archive(ArchiveName="crash-r",
                                              EventSourceArn=BUS_ARN + "crash-r")["ArchiveArn"]
            base = now() - 2 * HOUR
            total = 2000
            ids = c.put("crash-r", range(total), at=lambda n: base + datetime.timedelta(
                seconds=n))
            url, queue = c.queue("crash-r")
            c.rule_to_queue("crash-r", "crash-r", queue)
            c.events.start_replay(ReplayName="crash-r", EventSourceArn=archive,
                                  EventStartTime=base, EventEndTime=base + HOUR,
                                  Destination={"Arn": BUS_ARN + "crash-r"})
            state = c.events.describe_replay(ReplayName="crash-r")["State"]
            c.close()
            server.kill()
            server.start()
            c = Clients(server)
            done = c.replay_done("crash-r")
            self.assertEqual(done["State"], "COMPLETED")
            self.assertEqual(done["EventLastReplayedTime"],
                             base + datetime.timedelta(seconds=total - 1))
            got = c.drain(url, total)
            replayed = [e["id"] for e in got]
            # Each batch commits with its deliveries and its position: none lost, none twice.
            self.assertEqual(len(replayed), total)
            self.assertEqual(set(replayed), set(ids.values()))
            self.assertEqual(c.events.describe_archive(ArchiveName="crash-r")["EventCount"], total)
            print(f"killed while the replay was {state}; {len(replayed)} events replayed once each")
            c.close()
        finally:
            server.close()


class RetentionTest(unittest.TestCase):

    def test_events_past_retention_are_dropped(self):
        with harness.Server(harness.BATON, args=["--clock-control"]) as server:
            c = Clients(server)
            c.events.create_event_bus(Name="keep-t")
            c.events.create_archive(ArchiveName="day-t", EventSourceArn=BUS_ARN + "keep-t",
                                    RetentionDays=1)
            c.events.create_archive(ArchiveName="forever-t", EventSourceArn=BUS_ARN + "keep-t")
            c.put("keep-t", range(3))
            self.assertEqual(c.events.describe_archive(ArchiveName="day-t")["EventCount"], 3)
            harness.advance_clock(server, 2 * 24 * 3600)
            harness.wait_for(lambda: c.events.describe_archive(
                ArchiveName="day-t")["EventCount"] == 0, what="the day's archive to expire")
            self.assertEqual(c.events.describe_archive(ArchiveName="day-t")["SizeBytes"], 0)
            self.assertEqual(c.events.describe_archive(ArchiveName="forever-t")["EventCount"], 3)
            # What is put afterwards is kept.
            c.put("keep-t", [3])
            self.assertEqual(c.events.describe_archive(ArchiveName="day-t")["EventCount"], 1)
            c.close()


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
