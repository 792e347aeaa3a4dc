"""CloudEvents into baton: the CloudEvents SDK for JavaScript (npm `cloudevents`) POSTs to
`baton serve`'s ingress (/cloudevents/BUS) in binary, structured and batched mode; rules on the
bus route them by their attributes and data to a queue, where each arrives as the EventBridge
event the documented mapping makes. Events that are not valid CloudEvents are answered 400 with
what is wrong, a bus that is not there 404. A workflow's command (cmd.NAME) is answered by the
evt.NAME.OUTCOME CloudEvent with its subject, once.

usage: python3 tests/serve/test_cloudevents.py PATH_TO_BATON
"""

import json
import os
import subprocess
import unittest
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

import harness

ROOT = os.path.dirname(os.path.dirname(harness.HERE))
JS = os.path.join(harness.HERE, "js")
REGION = harness.REGION
ACCOUNT = harness.ACCOUNT


def post(url, body, headers):
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


class CloudEventsIngress(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not os.path.isdir(os.path.join(JS, "node_modules", "cloudevents")):
            raise unittest.SkipTest("run scripts/setup first (npm ci in tests/serve/js)")
        config = Config(retries={"max_attempts": 1})
        cls.events = boto3.session.Session().client(
            "events", endpoint_url=cls.server.endpoint, region_name=REGION, config=config)
        cls.sqs = boto3.session.Session().client(
            "sqs", endpoint_url=cls.server.endpoint, region_name=REGION, config=config)

    @classmethod
    def tearDownClass(cls):
        cls.events.close()
        cls.sqs.close()
        super().tearDownClass()

    def drain(self, url, count):
        got = []
        for _ in range(20):
            got += self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                            WaitTimeSeconds=1).get("Messages", [])
            if len(got) >= count:
                break
        return [json.loads(m["Body"]) for m in got]

    def test_the_sdk_in_every_content_mode(self):
        self.events.create_event_bus(Name="books")
        urls = {}
        for name, pattern in {
                "results": {"detail-type": [{"prefix": "evt."}], "detail": {"subject": ["run-1"]}},
                "notes": {"detail-type": [{"prefix": "notif."}]},
                "north": {"detail": {"libraryregion": ["north"]}}}.items():
            urls[name] = self.sqs.create_queue(QueueName=f"ce-{name}")["QueueUrl"]
            self.events.put_rule(Name=name, EventBusName="books", EventPattern=json.dumps(pattern))
            self.events.put_targets(Rule=name, EventBusName="books", Targets=[
                {"Id": "q", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:ce-{name}"}])
        env = dict(os.environ, NODE_PATH=os.path.join(JS, "node_modules"), NODE_NO_WARNINGS="1")
        done = subprocess.run(["node", os.path.join(JS, "cloudevents_clients.js"),
                               self.server.endpoint + "/cloudevents/books"],
                              capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(done.returncode, 0, done.stderr)
        out = json.loads(done.stdout)
        for mode in ("binary", "structured", "batch"):
            self.assertEqual(out[mode]["status"], 202, out[mode])
        self.assertEqual(len(out["batch"]["body"]["EventIds"]), 3)

        results = {e["detail-type"]: e for e in self.drain(urls["results"], 3)}
        self.assertEqual(sorted(results), ["evt.fetch-books.succeeded", "evt.sentiment.failed",
                                           "evt.summarise.succeeded"])
        fetched = results["evt.fetch-books.succeeded"]
        # The mapping: source, type as detail-type, subject as the resource, the CloudEvent as
        # the detail, its data as JSON.
        self.assertEqual((fetched["source"], fetched["resources"]),
                         ("/services/library", ["run-1"]))
        self.assertEqual(fetched["detail"]["data"], {"books": ["Dune", "Emma"]})
        self.assertEqual(fetched["detail"]["specversion"], "1.0")
        self.assertEqual(results["evt.summarise.succeeded"]["detail"]["data"], "two books")
        notes = self.drain(urls["notes"], 3)
        self.assertEqual(sorted(n["detail"]["data"]["step"] for n in notes), [1, 2, 3])
        [north] = self.drain(urls["north"], 1)
        self.assertEqual(north["detail"]["libraryregion"], "north")

    def test_what_is_not_a_cloudevent(self):
        url = self.server.endpoint + "/cloudevents"
        status, body = post(url, json.dumps({"specversion": "1.0", "id": "1", "source": "s"}),
                            {"Content-Type": "application/cloudevents+json"})
        self.assertEqual((status, body["message"]), (400, "type is required"))
        status, body = post(url, "{}", {"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertIn("ce-specversion", body["message"])
        status, body = post(url, "[{}]", {"Content-Type": "application/cloudevents-batch+json"})
        self.assertEqual((status, body["message"]), (400, "event 0: specversion is required"))
        status, body = post(url + "/no-such-bus", "{}", {
            "ce-specversion": "1.0", "ce-id": "1", "ce-source": "s", "ce-type": "t",
            "Content-Type": "application/json"})
        self.assertEqual((status, body["message"]), (404, "Event bus no-such-bus does not exist."))
        # The default bus takes what has no bus named.
        status, body = post(url, "{}", {
            "ce-specversion": "1.0", "ce-id": "1", "ce-source": "s", "ce-type": "t",
            "Content-Type": "application/json"})
        self.assertEqual(status, 202)


class Conversation(harness.ServerTest):
    """A workflow sends a command and waits; the event that answers it, POSTed as a
    CloudEvent with the command's subject, resumes it: once, however often it comes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        config = Config(retries={"max_attempts": 1})
        cls.events = boto3.session.Session().client(
            "events", endpoint_url=cls.server.endpoint, region_name=REGION, config=config)
        cls.sqs = boto3.session.Session().client(
            "sqs", endpoint_url=cls.server.endpoint, region_name=REGION, config=config)
        cls.events.create_event_bus(Name="talk")
        cls.commands = cls.sqs.create_queue(QueueName="commands")["QueueUrl"]
        cls.events.put_rule(Name="commands", EventBusName="talk",
                            EventPattern='{"detail-type": [{"prefix": "cmd."}]}')
        cls.events.put_targets(Rule="commands", EventBusName="talk", Targets=[
            {"Id": "q", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:commands"}])
        definition = {"StartAt": "Fetch", "States": {"Fetch": {
            "Type": "Task", "Resource": "arn:aws:states:::events:putEvents.waitForTaskToken",
            "Parameters": {"Entries": [{"Source": "orchestrator", "DetailType": "cmd.fetch-books",
                                        "EventBusName": "talk",
                                        "Detail": {"genre.$": "$.genre"}}]},
            "HeartbeatSeconds": 60, "End": True}}}
        cls.machine = cls.sfn.create_state_machine(
            name="talks", roleArn=f"arn:aws:iam::{ACCOUNT}:role/r",
            definition=json.dumps(definition))["stateMachineArn"]

    @classmethod
    def tearDownClass(cls):
        cls.events.close()
        cls.sqs.close()
        super().tearDownClass()

    def command(self):
        for _ in range(20):
            got = self.sqs.receive_message(QueueUrl=self.commands, WaitTimeSeconds=1)
            for m in got.get("Messages", []):
                self.sqs.delete_message(QueueUrl=self.commands, ReceiptHandle=m["ReceiptHandle"])
                return json.loads(m["Body"])
        self.fail("no command came")

    def answer(self, subject, outcome, data):
        return post(self.server.endpoint + "/cloudevents/talk", json.dumps(data), {
            "ce-specversion": "1.0", "ce-id": f"{outcome}-{subject[-6:]}",
            "ce-source": "/services/library", "ce-type": f"evt.fetch-books.{outcome}",
            "ce-subject": subject, "Content-Type": "application/json"})

    def test_answer_resumes_the_workflow_once(self):
        run = self.sfn.start_execution(stateMachineArn=self.machine,
                                       input='{"genre": "sf"}')["executionArn"]
        cmd = self.command()
        subject = cmd["resources"][0]
        self.assertTrue(subject.startswith(run + "#fetch-books#"), subject)
        self.assertEqual(cmd["detail"], {"genre": "sf"})
        self.assertEqual(self.answer(subject, "progress", {"done": 0.5})[0], 202)
        self.assertEqual(self.answer(subject, "succeeded", {"books": ["Dune"]})[0], 202)
        done = harness.wait_for_status(self.sfn, run, timeout=10)
        self.assertEqual((done["status"], json.loads(done["output"])),
                         ("SUCCEEDED", {"books": ["Dune"]}))
        # The same answer again, and a failure after it: the workflow is done and stays so.
        self.assertEqual(self.answer(subject, "succeeded", {"books": ["Dune"]})[0], 202)
        self.assertEqual(self.answer(subject, "failed", {"error": "Late"})[0], 202)
        self.assertEqual(self.sfn.describe_execution(executionArn=run)["status"], "SUCCEEDED")

    def test_failure_fails_the_task(self):
        run = self.sfn.start_execution(stateMachineArn=self.machine,
                                       input='{"genre": "poetry"}')["executionArn"]
        subject = self.command()["resources"][0]
        self.answer(subject, "failed", {"error": "Library.Closed", "cause": "on Sundays"})
        done = harness.wait_for_status(self.sfn, run, timeout=10)
        self.assertEqual((done["status"], done["error"], done["cause"]),
                         ("FAILED", "Library.Closed", "on Sundays"))


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
