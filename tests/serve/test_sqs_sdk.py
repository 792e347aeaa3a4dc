"""SQS through the current AWS SDK for JavaScript v3 (@aws-sdk/client-sqs, SQS's JSON protocol):
tests/serve/js/sqs_clients.js drives `baton serve` and prints what it saw; the SDK itself checks
every MD5 digest. Errors carry the model's names and, through x-amzn-query-error, AWS's query
codes.

usage: python3 tests/serve/test_sqs_sdk.py PATH_TO_BATON
"""

import hashlib
import json
import os
import subprocess
import unittest

import harness

ROOT = os.path.dirname(os.path.dirname(harness.HERE))
SDK = os.path.join(ROOT, "sdk", "node")
SCRIPT = os.path.join(harness.HERE, "js", "sqs_clients.js")


class SqsSdk(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(os.path.join(SDK, "node_modules", "@aws-sdk", "client-sqs")):
            raise unittest.SkipTest("run `npm ci` in sdk/node first")
        with harness.Server(harness.BATON) as server:
            env = dict(os.environ, NODE_PATH=os.path.join(SDK, "node_modules"),
                       NODE_NO_WARNINGS="1")
            done = subprocess.run(["node", SCRIPT, server.endpoint], capture_output=True,
                                  text=True, timeout=120, env=env)
            cls.endpoint = server.endpoint
        if done.returncode != 0:
            raise AssertionError(done.stderr)
        cls.out = json.loads(done.stdout)

    def error(self, step):
        self.assertIn("error", self.out[step], self.out[step])
        return self.out[step]["error"]

    def test_queue_url_names_the_endpoint(self):
        self.assertEqual(self.out["url"], f"{self.endpoint}/{harness.ACCOUNT}/sdk")
        self.assertEqual(self.out["getUrl"]["ok"]["QueueUrl"], self.out["url"])

    def test_send_and_receive_with_digests(self):
        send = self.out["send"]["ok"]
        self.assertEqual(send["MD5OfMessageBody"],
                         hashlib.md5("héllo from the SDK v3".encode()).hexdigest())
        self.assertEqual(len(send["MD5OfMessageAttributes"]), 32)
        self.assertEqual(len(send["MD5OfMessageSystemAttributes"]), 32)
        got = self.out["receive"]["ok"]
        self.assertEqual((got["count"], got["Body"], got["MessageId"]),
                         (1, "héllo from the SDK v3", send["MessageId"]))
        self.assertEqual(got["raw"], [0, 1, 255])
        self.assertEqual(got["MD5OfMessageAttributes"], send["MD5OfMessageAttributes"])
        self.assertEqual(got["Attributes"]["AWSTraceHeader"],
                         "Root=1-5759e988-bd862e3fe1be46a994272793")
        self.assertEqual(got["Attributes"]["ApproximateReceiveCount"], "1")

    def test_batches_answer_each_entry(self):
        batch = self.out["batch"]["ok"]
        self.assertEqual(batch["successful"], ["one", "three"])
        self.assertEqual([(f["Id"], f["Code"], f["SenderFault"]) for f in batch["failed"]],
                         [("two", "InvalidParameterValue", True)])
        got = self.out["batchReceive"]["ok"]
        self.assertEqual(got["bodies"], ["one", "three"])
        self.assertEqual(got["deleted"], 2)
        self.assertEqual(got["failed"][0]["Code"], "ReceiptHandleIsInvalid")

    def test_errors_have_model_names_and_query_codes(self):
        cases = {
            "missing": ("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400),
            "missingUrl": ("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400),
            "exists": ("QueueNameExists", "QueueAlreadyExists", 400),
            "badAttribute": ("InvalidAttributeValue", "InvalidAttributeValue", 400),
            "unknownAttribute": ("InvalidAttributeName", "InvalidAttributeName", 400),
            "emptyBatch": ("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", 400),
            "tooMany": ("TooManyEntriesInBatchRequest",
                        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400),
            "badHandle": ("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 400),
            "purgeAgain": ("PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress",
                           403),
        }
        for step, (name, code, status) in cases.items():
            e = self.error(step)
            self.assertEqual((e["name"], e["code"], e["status"]), (name, code, status), step)
        self.assertEqual(self.error("missing")["message"], "The specified queue does not exist.")

    def test_long_poll_wakes_on_send(self):
        got = self.out["longPoll"]["ok"]
        self.assertEqual(got["body"], "wake")
        self.assertLess(got["tookMs"], 5000)

    def test_fifo(self):
        got = self.out["fifo"]["ok"]
        self.assertEqual(got["bodies"], ["f0", "f1"])
        self.assertTrue(got["duplicateSameId"])
        self.assertLess(int(got["sequences"][0]), int(got["sequences"][1]))

    def test_dead_letters_and_move_task(self):
        self.assertEqual(self.out["deadLetter"], {"sourceAfterSecondReceive": 0, "dlqCount": "3"})
        self.assertEqual(self.error("moveFromNonDlq")["name"], "InvalidParameterValue")
        move = self.out["move"]["ok"]
        self.assertEqual(move["handle"], "string")
        self.assertEqual(move["task"]["Status"], "COMPLETED")
        self.assertEqual(move["task"]["ApproximateNumberOfMessagesMoved"], 3)
        self.assertEqual(move["back"], ["p0", "p1", "p2"])
        self.assertEqual(move["cancelDone"]["error"]["name"], "ResourceNotFoundException")

    def test_list(self):
        self.assertEqual(self.out["list"]["ok"], ["sdk", "sdk-dlq", "sdk-source", "sdk.fifo"])


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
