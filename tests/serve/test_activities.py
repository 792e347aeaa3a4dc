"""The activity pattern of examples/activities, end to end through `baton deploy`: a workflow
publishes one message per plugin to a topic and waits for each task token; each plugin's
subscription (filter policy on the message attributes) puts it in the plugin's queue, whose
event source mapping runs the plugin's function, which answers with SendTaskSuccess or
SendTaskFailure. Also: a plugin added while an activity waits at its gate is included, and
`activity-status` reads each plugin's status from the execution's history."""

import json
import os
import shutil
import subprocess
import tempfile
import zipfile

import boto3
from botocore.config import Config

import harness

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "activities")
ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:{harness.REGION}:{ACCOUNT}:activity-ingest"


def baton(*args):
    return subprocess.run([harness.BATON, *args], capture_output=True, text=True, timeout=180)


class ActivitiesTest(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        config = Config(retries={"max_attempts": 1}, read_timeout=60)
        session = boto3.session.Session()

        def client(name):
            return session.client(name, endpoint_url=cls.server.endpoint,
                                  region_name=harness.REGION, config=config)
        cls.lam, cls.sqs, cls.sns = client("lambda"), client("sqs"), client("sns")
        cls.deployed = baton("deploy", EXAMPLE, "--endpoint", cls.server.endpoint)

    @classmethod
    def tearDownClass(cls):
        for c in (cls.lam, cls.sqs, cls.sns):
            c.close()
        super().tearDownClass()

    def setUp(self):
        self.assertEqual(self.deployed.returncode, 0, self.deployed.stderr)

    def start(self, name, payload):
        arn = self.sfn.start_execution(stateMachineArn=harness.machine_arn("activity"),
                                       name=name, input=json.dumps(payload))["executionArn"]
        return arn

    def finish(self, arn):
        done = harness.wait_for_status(self.sfn, arn, timeout=90)
        self.assertEqual(done["status"], "SUCCEEDED", done)
        return json.loads(done["output"])

    def status(self, arn):
        answer = self.lam.invoke(FunctionName="activity-status",
                                 Payload=json.dumps({"executionArn": arn}))
        payload = answer["Payload"].read()
        self.assertNotIn("FunctionError", answer, payload)
        return json.loads(payload)["plugins"]

    def test_the_deploy_creates_the_messaging_resources(self):
        out = self.deployed.stdout
        self.assertIn(f"topic activity-ingest: {TOPIC}", out)
        self.assertIn("queue activity-plugin-scan created", out)
        urls = self.sqs.list_queues(QueueNamePrefix="activity-")["QueueUrls"]
        self.assertEqual(sorted(u.rsplit("/", 1)[1] for u in urls), [
            "activity-gate", "activity-plugin-dlq", "activity-plugin-lint",
            "activity-plugin-scan", "activity-plugin-tag"])
        subscriptions = self.sns.list_subscriptions_by_topic(TopicArn=TOPIC)["Subscriptions"]
        self.assertEqual(len(subscriptions), 3)
        for s in subscriptions:
            attributes = self.sns.get_subscription_attributes(
                SubscriptionArn=s["SubscriptionArn"])["Attributes"]
            self.assertEqual(attributes["RawMessageDelivery"], "true")
            plugin = s["Endpoint"].rsplit("-", 1)[1]
            self.assertEqual(json.loads(attributes["FilterPolicy"]),
                             {"activity": ["ingest"], "plugin": [plugin]})
        scan = self.sqs.get_queue_attributes(
            QueueUrl=f"{self.server.endpoint}/{ACCOUNT}/activity-plugin-scan",
            AttributeNames=["RedrivePolicy", "VisibilityTimeout"])["Attributes"]
        self.assertEqual(scan["VisibilityTimeout"], "20")
        self.assertEqual(json.loads(scan["RedrivePolicy"])["maxReceiveCount"], 3)
        mappings = self.lam.list_event_source_mappings(
            FunctionName="activity-plugin-scan")["EventSourceMappings"]
        self.assertEqual([(m["BatchSize"], m["State"]) for m in mappings], [(1, "Enabled")])

    def test_plugins_report_through_their_queues_and_a_failing_one_is_recorded(self):
        arn = self.start("plain", {"activity": "ingest",
                                   "input": {"document": "hello plugins"}})
        output = self.finish(arn)
        self.assertEqual(output, {"activity": "ingest", "words": 2,
                                  "succeeded": ["scan", "tag"],
                                  "failed": [{"plugin": "lint", "error": "PluginFailed"}]})
        self.assertEqual(self.status(arn),
                         {"lint": "FAILED", "scan": "SUCCEEDED", "tag": "SUCCEEDED"})

    def test_a_plugin_subscribed_while_an_activity_waits_takes_part(self):
        arn = self.start("gated", {"activity": "ingest", "gate": True,
                                   "input": {"document": "one two three"}})
        gate = f"{self.server.endpoint}/{ACCOUNT}/activity-gate"
        received = harness.wait_for(
            lambda: self.sqs.receive_message(QueueUrl=gate, WaitTimeSeconds=5).get("Messages"),
            timeout=30, what="the gate's task token")
        body = json.loads(received[0]["Body"])
        self.assertEqual(body["execution"], arn)
        self.assertEqual(self.status(arn), {})

        # The plugin "count": a queue, its subscription, its function and mapping.
        url = self.sqs.create_queue(QueueName="activity-plugin-count")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.addCleanup(self.sqs.delete_queue, QueueUrl=url)
        subscription = self.sns.subscribe(
            TopicArn=TOPIC, Protocol="sqs", Endpoint=queue_arn, Attributes={
                "RawMessageDelivery": "true",
                "FilterPolicy": json.dumps({"activity": ["ingest"], "plugin": ["count"]})})
        # It leaves by unsubscribing, as it joined.
        self.addCleanup(self.sns.unsubscribe, SubscriptionArn=subscription["SubscriptionArn"])
        work = tempfile.mkdtemp()
        try:
            archive = os.path.join(work, "plugin.zip")
            with zipfile.ZipFile(archive, "w") as z:
                z.write(os.path.join(EXAMPLE, "functions", "plugin", "index.js"), "index.js")
            with open(archive, "rb") as f:
                code = f.read()
        finally:
            shutil.rmtree(work)
        self.lam.create_function(
            FunctionName="activity-plugin-count", Runtime="nodejs20.x", Handler="index.handler",
            Role=f"arn:aws:iam::{ACCOUNT}:role/plugin", Code={"ZipFile": code},
            Environment={"Variables": {"PLUGIN_NAME": "count"}})
        self.addCleanup(self.lam.delete_function, FunctionName="activity-plugin-count")
        mapping = self.lam.create_event_source_mapping(FunctionName="activity-plugin-count",
                                                       EventSourceArn=queue_arn, BatchSize=1)
        self.addCleanup(self.lam.delete_event_source_mapping, UUID=mapping["UUID"])

        self.sfn.send_task_success(taskToken=body["token"], output="{}")
        output = self.finish(arn)
        self.assertEqual(output["succeeded"], ["count", "scan", "tag"])
        self.assertEqual(output["words"], 3)
        self.assertEqual(self.status(arn), {"count": "SUCCEEDED", "lint": "FAILED",
                                            "scan": "SUCCEEDED", "tag": "SUCCEEDED"})
        # Nothing was left behind in any plugin's queue or the dead-letter queue.
        for name in ("count", "scan", "tag", "lint", "dlq"):
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=f"{self.server.endpoint}/{ACCOUNT}/activity-plugin-{name}",
                AttributeNames=["ApproximateNumberOfMessages",
                                "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
            self.assertEqual(attributes, {"ApproximateNumberOfMessages": "0",
                                          "ApproximateNumberOfMessagesNotVisible": "0"}, name)


class TeardownTest(harness.ServerTest):
    """`baton teardown` removes what the deploy made, connections before what they connect."""

    def test_teardown_removes_queues_topics_subscriptions_and_mappings(self):
        deployed = baton("deploy", EXAMPLE, "--endpoint", self.server.endpoint)
        self.assertEqual(deployed.returncode, 0, deployed.stderr)
        gone = baton("teardown", EXAMPLE, "--endpoint", self.server.endpoint)
        self.assertEqual(gone.returncode, 0, gone.stderr)
        lines = gone.stdout.splitlines()
        self.assertEqual(lines[0], f"state machine activity deleted: "
                                   f"{harness.machine_arn('activity')}")
        scan = f"arn:aws:sqs:{harness.REGION}:{ACCOUNT}:activity-plugin-scan"
        order = [f"event source mapping {scan} -> activity-plugin-scan deleted",
                 f"subscription sqs {scan} to {TOPIC} deleted",
                 "function activity-plugin-scan deleted",
                 f"topic activity-ingest deleted: {TOPIC}",
                 "queue activity-plugin-scan deleted"]
        self.assertEqual([line for line in lines if line in order], order)
        self.assertEqual(len(lines), 1 + 3 + 3 + 7 + 1 + 5, lines)

        session = boto3.session.Session()
        sqs = session.client("sqs", endpoint_url=self.server.endpoint,
                             region_name=harness.REGION)
        sns = session.client("sns", endpoint_url=self.server.endpoint,
                             region_name=harness.REGION)
        lam = session.client("lambda", endpoint_url=self.server.endpoint,
                             region_name=harness.REGION)
        self.addCleanup(sqs.close)
        self.addCleanup(sns.close)
        self.addCleanup(lam.close)
        self.assertNotIn("QueueUrls", sqs.list_queues())
        self.assertEqual(sns.list_topics()["Topics"], [])
        self.assertEqual(sns.list_subscriptions()["Subscriptions"], [])
        self.assertEqual(lam.list_event_source_mappings()["EventSourceMappings"], [])
        self.assertEqual(lam.list_functions()["Functions"], [])

        again = baton("teardown", EXAMPLE, "--endpoint", self.server.endpoint)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertTrue(all(line.endswith(" is not there") for line in again.stdout.splitlines()),
                        again.stdout)


if __name__ == "__main__":
    harness.baton_binary()
    harness.unittest.main()
