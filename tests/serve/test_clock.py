"""`baton serve --clock-control`: POST /_baton/clock moves baton's clock forward, and what waits
on time (a Wait state of an hour, an SQS visibility timeout of ten minutes) happens at once;
without the flag the endpoint refuses, and the clock never moves back.

usage: python3 tests/serve/test_clock.py PATH_TO_BATON
"""

import json
import unittest
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

import harness


def clock(server, advance=None):
    data = None if advance is None else json.dumps({"advanceSeconds": advance}).encode()
    request = urllib.request.Request(server.endpoint + "/_baton/clock", data=data,
                                     method="GET" if data is None else "POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


class ClockControlTest(unittest.TestCase):

    def test_time_moves_forward_on_request(self):
        with harness.Server(harness.BATON, args=["--clock-control"]) as server:
            sfn = boto3.session.Session().client(
                "stepfunctions", endpoint_url=server.endpoint, region_name=harness.REGION,
                config=Config(retries={"max_attempts": 1}))
            sqs = boto3.session.Session().client(
                "sqs", endpoint_url=server.endpoint, region_name=harness.REGION,
                config=Config(retries={"max_attempts": 1}))
            self.assertEqual(clock(server)["offsetSeconds"], 0)
            machine = sfn.create_state_machine(
                name="waits-an-hour", roleArn=f"arn:aws:iam::{harness.ACCOUNT}:role/r",
                definition=json.dumps({"StartAt": "W", "States": {
                    "W": {"Type": "Wait", "Seconds": 3600, "End": True}}}))
            run = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])
            url = sqs.create_queue(QueueName="slow")["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody="m")
            first = sqs.receive_message(QueueUrl=url, VisibilityTimeout=600)["Messages"]
            self.assertEqual(sqs.receive_message(QueueUrl=url).get("Messages", []), [])

            moved = clock(server, 3601)
            self.assertEqual(moved["offsetSeconds"], 3601)
            done = harness.wait_for_status(sfn, run["executionArn"], timeout=10)
            self.assertEqual(done["status"], "SUCCEEDED")
            again = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)["Messages"]
            self.assertEqual(again[0]["MessageId"], first[0]["MessageId"])
            self.assertNotEqual(again[0]["ReceiptHandle"], first[0]["ReceiptHandle"])

            with self.assertRaises(urllib.error.HTTPError) as refused:
                clock(server, -5)
            self.assertEqual(refused.exception.code, 400)
            self.assertEqual(clock(server)["offsetSeconds"], 3601)
            sfn.close()
            sqs.close()

    def test_refused_without_the_flag(self):
        with harness.Server(harness.BATON) as server:
            with self.assertRaises(urllib.error.HTTPError) as refused:
                clock(server, 10)
            self.assertEqual(refused.exception.code, 404)
            self.assertIn("--clock-control", refused.exception.read().decode())


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
