"""examples/cloudevents-books end to end: its book services (Node.js, the `cloudevents` SDK)
run beside `baton serve`, `baton deploy` makes its bus, connection, API destination, rules,
observer queue and workflow; a run fetches, summarises, scores and reports through CloudEvents
only, the sentiment service failing once and the workflow retrying it; an observer sees the
notifications and answers; a genre the library does not have fails the run with the service's
error.

usage: python3 tests/serve/test_example_cloudevents_books.py PATH_TO_BATON
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import boto3
from botocore.config import Config

import harness

ROOT = os.path.dirname(os.path.dirname(harness.HERE))
EXAMPLE = os.path.join(ROOT, "examples", "cloudevents-books")
SERVICES = os.path.join(EXAMPLE, "services")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BooksExample(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(os.path.join(SERVICES, "node_modules", "cloudevents")):
            raise unittest.SkipTest("run scripts/setup first (npm ci in the example's services)")
        super().setUpClass()
        port = free_port()
        cls.services = subprocess.Popen(
            ["node", os.path.join(SERVICES, "services.js")],
            env=dict(os.environ, PORT=str(port), BATON_URL=cls.server.endpoint),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert "book services on" in cls.services.stdout.readline()
        # The example with the services' port in place of its default.
        cls.project = tempfile.mkdtemp(prefix="books-")
        shutil.copytree(EXAMPLE, os.path.join(cls.project, "books"),
                        ignore=shutil.ignore_patterns("node_modules"))
        template = os.path.join(cls.project, "books", "template.yaml")
        with open(template) as f:
            text = f.read().replace("http://127.0.0.1:4010", f"http://127.0.0.1:{port}")
        with open(template, "w") as f:
            f.write(text)
        cls.deployed = subprocess.run(
            [harness.BATON, "deploy", os.path.join(cls.project, "books"), "--endpoint",
             cls.server.endpoint], capture_output=True, text=True, timeout=60)
        config = Config(retries={"max_attempts": 1})
        cls.sqs = boto3.session.Session().client(
            "sqs", endpoint_url=cls.server.endpoint, region_name=harness.REGION, config=config)

    @classmethod
    def tearDownClass(cls):
        cls.services.terminate()
        cls.services.wait(10)
        cls.sqs.close()
        shutil.rmtree(cls.project, ignore_errors=True)
        super().tearDownClass()

    def run_books(self, genre):
        arn = self.sfn.start_execution(stateMachineArn=harness.machine_arn("books"),
                                       input=json.dumps({"genre": genre}))["executionArn"]
        return arn, harness.wait_for_status(self.sfn, arn, timeout=30)

    def test_a_report_through_cloudevents(self):
        self.assertEqual(self.deployed.returncode, 0, self.deployed.stderr)
        self.assertIn("API destination book-services created", self.deployed.stdout)
        arn, done = self.run_books("science-fiction")
        self.assertEqual(done["status"], "SUCCEEDED", done)
        report = json.loads(done["output"])["report"]
        self.assertTrue(report.startswith("2 science-fiction books, positive overall"), report)
        self.assertIn("Dune: A desert planet holds the spice.", report)
        history = self.sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        failures = [e["taskFailedEventDetails"]["error"] for e in history
                    if e["type"] == "TaskFailed"]
        self.assertEqual(failures, ["Sentiment.Overloaded"])
        # The observer saw the run: its notifications and the services' answers.
        url = self.sqs.get_queue_url(QueueName="books-observer")["QueueUrl"]
        seen = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "notif.completed" not in seen:
            for m in self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                              WaitTimeSeconds=1).get("Messages", []):
                seen.append(json.loads(m["Body"])["detail-type"])
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        for kind in ("notif.started", "evt.fetch-books.succeeded", "evt.sentiment.failed",
                     "evt.sentiment.succeeded", "evt.compile-report.succeeded",
                     "notif.completed"):
            self.assertIn(kind, seen)

    def test_an_error_of_a_service_fails_the_run(self):
        self.assertEqual(self.deployed.returncode, 0, self.deployed.stderr)
        _, done = self.run_books("poetry")
        self.assertEqual((done["status"], done["error"], done["cause"]),
                         ("FAILED", "Library.UnknownGenre", "no books of poetry"))


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
