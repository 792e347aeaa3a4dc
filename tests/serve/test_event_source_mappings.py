"""Lambda's event source mappings from SQS queues on `baton serve`, driven with boto3 and the
`aws lambda` CLI: the mapping operations and Lambda's validation errors; messages sent to a queue
reaching a function in batches with SQS's exact Records[]; a failing function's messages moving
to the dead-letter queue after maxReceiveCount; ReportBatchItemFailures; disabling and enabling;
a FIFO queue's group order; and a mapping polling again after kill -9. The functions write what
they receive to a folder the test reads.

usage: python3 tests/serve/test_event_source_mappings.py PATH_TO_BATON
"""

import base64
import glob
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

import harness
from test_functions import LAMBDA_ARN, LAMBDA_ROLE, zip_bytes

QUEUE_ARN = f"arn:aws:sqs:{harness.REGION}:{harness.ACCOUNT}"

# Writes each event to a file of its own under MARK_DIR. A record whose body starts with "fail"
# fails the whole invocation; with REPORT set, records whose body starts with "bad" are reported
# as batchItemFailures.
RECORDER = r"""
import json, os, time

def handler(event, context):
    path = os.path.join(os.environ["MARK_DIR"], "%d.json" % time.time_ns())
    with open(path + ".tmp", "w") as f:
        json.dump({"event": event, "at": time.time()}, f)
    os.rename(path + ".tmp", path)
    records = event.get("Records", [])
    if os.environ.get("SLEEP"):
        time.sleep(float(os.environ["SLEEP"]))
        with open(path + ".end", "w") as f:
            f.write(str(time.time()))
    if any(r["body"].startswith("fail") for r in records):
        raise RuntimeError("a record asked to fail")
    if os.environ.get("REPORT"):
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records
                                      if r["body"].startswith("bad")]}
    return {"seen": len(records)}
"""


def events(folder):
    """The events a recorder was given, oldest first."""
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        with open(path) as f:
            out.append(json.load(f)["event"])
    return out


def records(folder):
    return [r for e in events(folder) for r in e["Records"]]


class MappingTest(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scratch = tempfile.mkdtemp(prefix="baton-esm-")
        session = boto3.session.Session()
        config = Config(read_timeout=70, retries={"max_attempts": 1})
        cls.lam = session.client("lambda", endpoint_url=cls.server.endpoint,
                                 region_name=harness.REGION, config=config)
        cls.sqs = session.client("sqs", endpoint_url=cls.server.endpoint,
                                 region_name=harness.REGION, config=config)

    @classmethod
    def tearDownClass(cls):
        cls.lam.close()
        cls.sqs.close()
        shutil.rmtree(cls.scratch, ignore_errors=True)
        super().tearDownClass()

    def recorder(self, name, report=False, sleep=None):
        folder = os.path.join(self.scratch, name)
        os.mkdir(folder)
        variables = {"MARK_DIR": folder}
        if report:
            variables["REPORT"] = "1"
        if sleep:
            variables["SLEEP"] = str(sleep)
        self.lam.create_function(FunctionName=name, Runtime="python3.12", Handler="app.handler",
                                 Role=LAMBDA_ROLE,
                                 Code={"ZipFile": zip_bytes({"app.py": RECORDER})},
                                 Environment={"Variables": variables})
        return folder

    def queue(self, name, **attributes):
        url = self.sqs.create_queue(QueueName=name, Attributes={
            k: str(v) for k, v in attributes.items()})["QueueUrl"]
        return url, f"{QUEUE_ARN}:{name}"

    def wait_state(self, uuid, state):
        return harness.wait_for(
            lambda: (lambda m: m if m["State"] == state else None)(
                self.lam.get_event_source_mapping(UUID=uuid)),
            timeout=10, what=f"mapping {uuid} to be {state}")

    def lambda_error(self, code, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        error = caught.exception.response["Error"]
        self.assertEqual(error["Code"], code, error.get("Message"))
        return error["Message"]

    def rest(self, method, path, body):
        """A Lambda REST call by hand (for members Debian's older botocore does not know):
        (status, parsed JSON answer)."""
        import http.client
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        connection.request(method, path, body=json.dumps(body),
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = json.loads(response.read() or b"null")
        connection.close()
        return response.status, answer

    def knows(self, operation, member):
        shape = self.lam.meta.service_model.operation_model(operation).input_shape
        return member in shape.members

    def counts(self, url):
        a = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        return (int(a["ApproximateNumberOfMessages"]),
                int(a["ApproximateNumberOfMessagesNotVisible"]))

    def cli(self, *args):
        done = subprocess.run([harness.aws_cli(), "lambda", "--endpoint-url",
                               self.server.endpoint, "--output", "json", *args],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        return json.loads(done.stdout) if done.stdout.strip() else None

    # --- the operations ----------------------------------------------------------------------

    def test_mapping_crud(self):
        self.recorder("crud-fn")
        _, arn = self.queue("crud-queue")
        created = self.cli("create-event-source-mapping", "--function-name", "crud-fn",
                           "--event-source-arn", arn, "--batch-size", "5")
        uuid = created["UUID"]
        self.assertRegex(uuid, r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                               r"[0-9a-f]{12}$")
        self.assertEqual(created["State"], "Creating")
        self.assertEqual(created["StateTransitionReason"], "USER_INITIATED")
        self.assertEqual(created["BatchSize"], 5)
        self.assertEqual(created["MaximumBatchingWindowInSeconds"], 0)
        self.assertEqual(created["EventSourceArn"], arn)
        self.assertEqual(created["FunctionArn"], f"{LAMBDA_ARN}:crud-fn")
        self.assertEqual(created["FunctionResponseTypes"], [])
        # The CLI shows timestamps as ISO 8601 text.
        self.assertRegex(created["LastModified"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
        got = self.wait_state(uuid, "Enabled")
        self.assertEqual(got["EventSourceArn"], arn)
        # A second mapping of the same queue and function.
        message = self.lambda_error("ResourceConflictException",
                                    self.lam.create_event_source_mapping,
                                    FunctionName="crud-fn", EventSourceArn=arn)
        self.assertEqual(message, f'An event source mapping with SQS arn (" {arn} ") and '
                                  f'function (" crud-fn ") already exists. Please update or '
                                  f'delete the existing mapping with UUID {uuid}')
        # Listing, by queue, by function, and page by page.
        _, other_arn = self.queue("crud-queue-2")
        second = self.lam.create_event_source_mapping(FunctionName="crud-fn",
                                                      EventSourceArn=other_arn)["UUID"]
        by_queue = self.lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]
        self.assertEqual([m["UUID"] for m in by_queue], [uuid])
        by_function = self.lam.list_event_source_mappings(FunctionName="crud-fn")
        self.assertEqual({m["UUID"] for m in by_function["EventSourceMappings"]}, {uuid, second})
        page = self.lam.list_event_source_mappings(FunctionName="crud-fn", MaxItems=1)
        self.assertEqual(len(page["EventSourceMappings"]), 1)
        rest = self.lam.list_event_source_mappings(FunctionName="crud-fn", MaxItems=1,
                                                   Marker=page["NextMarker"])
        self.assertEqual({page["EventSourceMappings"][0]["UUID"],
                          rest["EventSourceMappings"][0]["UUID"]}, {uuid, second})
        self.assertNotIn("NextMarker", rest)
        # Update: a batching window makes room for larger batches.
        change = {"BatchSize": 100, "MaximumBatchingWindowInSeconds": 1,
                  "FunctionResponseTypes": ["ReportBatchItemFailures"],
                  "ScalingConfig": {"MaximumConcurrency": 2}}
        if self.knows("UpdateEventSourceMapping", "ScalingConfig"):
            updated = self.lam.update_event_source_mapping(UUID=uuid, **change)
        else:
            status, updated = self.rest("PUT", f"/2015-03-31/event-source-mappings/{uuid}",
                                        change)
            self.assertEqual(status, 202, updated)
        self.assertEqual(updated["State"], "Updating")
        self.assertEqual((updated["BatchSize"], updated["MaximumBatchingWindowInSeconds"]),
                         (100, 1))
        self.assertEqual(updated["FunctionResponseTypes"], ["ReportBatchItemFailures"])
        self.assertEqual(updated["ScalingConfig"], {"MaximumConcurrency": 2})
        self.wait_state(uuid, "Enabled")
        deleted = self.lam.delete_event_source_mapping(UUID=uuid)
        self.assertEqual(deleted["State"], "Deleting")
        message = self.lambda_error("ResourceNotFoundException",
                                    self.lam.get_event_source_mapping, UUID=uuid)
        self.assertEqual(message, "The resource you requested does not exist.")
        self.lam.delete_event_source_mapping(UUID=second)

    def test_mapping_validation(self):
        self.recorder("valid-fn")
        _, arn = self.queue("valid-queue")
        _, fifo_arn = self.queue("valid-queue.fifo", FifoQueue="true")
        message = self.lambda_error("InvalidParameterValueException",
                                    self.lam.create_event_source_mapping, FunctionName="valid-fn",
                                    EventSourceArn=arn, BatchSize=11)
        self.assertEqual(message, "Maximum batch window in seconds must be greater than 0 if "
                                  "maximum batch size is greater than 10")
        message = self.lambda_error("ValidationException", self.lam.create_event_source_mapping,
                                    FunctionName="valid-fn", EventSourceArn=arn,
                                    BatchSize=10001, MaximumBatchingWindowInSeconds=1)
        self.assertIn("less than or equal to 10000", message)
        # Past botocore's own checks of minimums (and members older ones do not know).
        status, answer = self.rest("POST", "/2015-03-31/event-source-mappings", {
            "FunctionName": "valid-fn", "EventSourceArn": arn,
            "ScalingConfig": {"MaximumConcurrency": 1}})
        self.assertEqual(status, 400)
        message = answer["message"]
        self.assertIn("greater than or equal to 2", message)
        message = self.lambda_error("InvalidParameterValueException",
                                    self.lam.create_event_source_mapping, FunctionName="valid-fn",
                                    EventSourceArn=fifo_arn, MaximumBatchingWindowInSeconds=5)
        self.assertEqual(message, "Batching window is not supported for FIFO queues")
        message = self.lambda_error("ResourceNotFoundException",
                                    self.lam.create_event_source_mapping, FunctionName="nobody",
                                    EventSourceArn=arn)
        self.assertEqual(message, f"Function not found: {LAMBDA_ARN}:nobody")
        message = self.lambda_error("InvalidParameterValueException",
                                    self.lam.create_event_source_mapping, FunctionName="valid-fn",
                                    EventSourceArn=f"{QUEUE_ARN}:no-such-queue")
        self.assertIn("Error occurred while ReceiveMessage", message)
        self.assertIn("NonExistentQueue", message)
        self.lambda_error("InvalidParameterValueException", self.lam.create_event_source_mapping,
                          FunctionName="valid-fn", EventSourceArn=arn,
                          StartingPosition="LATEST")
        self.lambda_error("ResourceNotFoundException", self.lam.update_event_source_mapping,
                          UUID="00000000-0000-4000-8000-000000000000", BatchSize=2)
        uuid = self.lam.create_event_source_mapping(FunctionName="valid-fn",
                                                    EventSourceArn=arn)["UUID"]
        message = self.lambda_error("InvalidParameterValueException",
                                    self.lam.update_event_source_mapping, UUID=uuid,
                                    BatchSize=50)
        self.assertIn("Maximum batch window in seconds must be greater than 0", message)
        self.lam.delete_event_source_mapping(UUID=uuid)

    # --- polling -----------------------------------------------------------------------------

    def test_messages_reach_the_function_in_batches_with_sqs_records(self):
        folder = self.recorder("batch-fn")
        url, arn = self.queue("batch-queue")
        sent = {}
        for i in range(25):
            body = f"message {i}"
            attributes = {"colour": {"DataType": "String", "StringValue": "blue"},
                          "raw": {"DataType": "Binary", "BinaryValue": b"\x00\x01" + bytes([i])}}
            r = self.sqs.send_message(QueueUrl=url, MessageBody=body,
                                      MessageAttributes=attributes if i % 2 == 0 else {})
            sent[r["MessageId"]] = (body, r, i)
        uuid = self.lam.create_event_source_mapping(FunctionName="batch-fn", EventSourceArn=arn,
                                                    BatchSize=10)["UUID"]
        got = harness.wait_for(lambda: len(records(folder)) >= 25 and records(folder),
                               timeout=30, what="25 records")
        self.assertEqual(len(got), 25)
        self.assertEqual({r["messageId"] for r in got}, set(sent))
        for e in events(folder):
            self.assertLessEqual(len(e["Records"]), 10)
            self.assertEqual(set(e), {"Records"})
        for record in got:
            body, answer, i = sent[record["messageId"]]
            self.assertEqual(record["body"], body)
            self.assertEqual(record["md5OfBody"], hashlib.md5(body.encode()).hexdigest())
            self.assertEqual(record["eventSource"], "aws:sqs")
            self.assertEqual(record["eventSourceARN"], arn)
            self.assertEqual(record["awsRegion"], harness.REGION)
            self.assertTrue(record["receiptHandle"])
            self.assertEqual(list(record["attributes"]), [
                "ApproximateReceiveCount", "SentTimestamp", "SenderId",
                "ApproximateFirstReceiveTimestamp"])
            self.assertEqual(record["attributes"]["ApproximateReceiveCount"], "1")
            self.assertRegex(record["attributes"]["SentTimestamp"], r"^\d{13}$")
            expected_keys = ["messageId", "receiptHandle", "body", "attributes",
                             "messageAttributes", "md5OfBody", "eventSource", "eventSourceARN",
                             "awsRegion"]
            if i % 2 == 0:
                expected_keys.insert(5, "md5OfMessageAttributes")
                self.assertEqual(record["md5OfMessageAttributes"],
                                 answer["MD5OfMessageAttributes"])
                self.assertEqual(record["messageAttributes"], {
                    "colour": {"stringValue": "blue", "stringListValues": [],
                               "binaryListValues": [], "dataType": "String"},
                    "raw": {"binaryValue": base64.b64encode(b"\x00\x01" + bytes([i])).decode(),
                            "stringListValues": [], "binaryListValues": [],
                            "dataType": "Binary"}})
            else:
                self.assertEqual(record["messageAttributes"], {})
            self.assertEqual(list(record), expected_keys)
        # Handled messages are deleted.
        harness.wait_for(lambda: self.counts(url) == (0, 0), timeout=10, what="an empty queue")
        self.lam.delete_event_source_mapping(UUID=uuid)

    def test_failing_messages_reach_the_dead_letter_queue(self):
        folder = self.recorder("dlq-fn")
        _, dlq_arn = self.queue("dlq-target")
        dlq_url = self.sqs.get_queue_url(QueueName="dlq-target")["QueueUrl"]
        url, arn = self.queue("dlq-source", VisibilityTimeout=1, RedrivePolicy=json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}))
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="fail please")["MessageId"]
        uuid = self.lam.create_event_source_mapping(FunctionName="dlq-fn", EventSourceArn=arn,
                                                    BatchSize=1)["UUID"]
        moved = harness.wait_for(
            lambda: self.sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=1).get("Messages"),
            timeout=20, what="the message in the dead-letter queue")
        self.assertEqual(moved[0]["MessageId"], sent)
        self.assertEqual(moved[0]["Body"], "fail please")
        seen = [r for r in records(folder) if r["messageId"] == sent]
        self.assertEqual([r["attributes"]["ApproximateReceiveCount"] for r in seen], ["1", "2"])
        self.lam.delete_event_source_mapping(UUID=uuid)

    def test_report_batch_item_failures_keeps_only_the_failed(self):
        folder = self.recorder("partial-fn", report=True)
        url, arn = self.queue("partial-queue", VisibilityTimeout=1)
        uuid = self.lam.create_event_source_mapping(
            FunctionName="partial-fn", EventSourceArn=arn, BatchSize=10, Enabled=False,
            FunctionResponseTypes=["ReportBatchItemFailures"])["UUID"]
        self.assertEqual(self.lam.get_event_source_mapping(UUID=uuid)["State"], "Disabled")
        ids = {}
        for body in ("ok-1", "bad-2", "ok-3", "bad-4"):
            ids[body] = self.sqs.send_message(QueueUrl=url, MessageBody=body)["MessageId"]
        self.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
        self.wait_state(uuid, "Enabled")

        def seen(body):
            return [r for r in records(folder) if r["messageId"] == ids[body]]
        # The reported ones come back after their visibility timeout; the others never.
        harness.wait_for(lambda: len(seen("bad-2")) >= 2 and len(seen("bad-4")) >= 2,
                         timeout=20, what="the failed items again")
        self.assertEqual(len(seen("ok-1")), 1)
        self.assertEqual(len(seen("ok-3")), 1)
        self.lam.update_event_source_mapping(UUID=uuid, Enabled=False)
        self.lam.delete_event_source_mapping(UUID=uuid)

    def test_disabled_mapping_stops_polling_and_enabled_resumes(self):
        folder = self.recorder("toggle-fn")
        url, arn = self.queue("toggle-queue")
        uuid = self.lam.create_event_source_mapping(FunctionName="toggle-fn",
                                                    EventSourceArn=arn)["UUID"]
        self.wait_state(uuid, "Enabled")
        self.sqs.send_message(QueueUrl=url, MessageBody="first")
        harness.wait_for(lambda: len(records(folder)) == 1, timeout=10, what="the first message")
        disabled = self.lam.update_event_source_mapping(UUID=uuid, Enabled=False)
        self.assertEqual(disabled["State"], "Disabling")
        self.wait_state(uuid, "Disabled")
        self.sqs.send_message(QueueUrl=url, MessageBody="second")
        # Nobody takes it while the mapping is disabled.
        time.sleep(1.5)
        self.assertEqual(len(records(folder)), 1)
        self.assertEqual(self.counts(url), (1, 0))
        enabled = self.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
        self.assertEqual(enabled["State"], "Enabling")
        harness.wait_for(lambda: len(records(folder)) == 2, timeout=10, what="the second message")
        self.assertEqual(records(folder)[1]["body"], "second")
        self.lam.delete_event_source_mapping(UUID=uuid)

    def test_maximum_concurrency_bounds_concurrent_invocations(self):
        folder = self.recorder("bounded-fn", sleep=0.4)
        url, arn = self.queue("bounded-queue")
        for i in range(12):
            self.sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
        change = {"FunctionName": "bounded-fn", "EventSourceArn": arn, "BatchSize": 1,
                  "ScalingConfig": {"MaximumConcurrency": 2}}
        if self.knows("CreateEventSourceMapping", "ScalingConfig"):
            uuid = self.lam.create_event_source_mapping(**change)["UUID"]
        else:
            status, created = self.rest("POST", "/2015-03-31/event-source-mappings", change)
            self.assertEqual(status, 202, created)
            uuid = created["UUID"]
        harness.wait_for(lambda: len(glob.glob(os.path.join(folder, "*.end"))) >= 12,
                         timeout=30, what="12 invocations to end")
        spans = []
        for path in glob.glob(os.path.join(folder, "*.json")):
            with open(path) as f:
                start = json.load(f)["at"]
            with open(path + ".end") as f:
                spans.append((start, float(f.read())))
        most = max(sum(1 for s, e in spans if s <= t < e) for t, _ in spans)
        self.assertEqual(most, 2)
        self.lam.delete_event_source_mapping(UUID=uuid)

    def test_fifo_queue_keeps_group_order(self):
        folder = self.recorder("fifo-fn")
        url, arn = self.queue("order.fifo", FifoQueue="true", ContentBasedDeduplication="true")
        for i in range(30):
            self.sqs.send_message(QueueUrl=url, MessageBody=f"{i % 3}:{i}",
                                  MessageGroupId=f"g{i % 3}")
        uuid = self.lam.create_event_source_mapping(FunctionName="fifo-fn", EventSourceArn=arn,
                                                    BatchSize=3)["UUID"]
        got = harness.wait_for(lambda: len(records(folder)) >= 30 and records(folder),
                               timeout=30, what="30 records")
        for group in range(3):
            bodies = [int(r["body"].split(":")[1]) for r in got
                      if r["attributes"]["MessageGroupId"] == f"g{group}"]
            self.assertEqual(bodies, sorted(bodies))
            self.assertEqual(len(bodies), 10)
        record = got[0]
        self.assertEqual(list(record["attributes"]), [
            "ApproximateReceiveCount", "SentTimestamp", "SequenceNumber", "MessageGroupId",
            "SenderId", "MessageDeduplicationId", "ApproximateFirstReceiveTimestamp"])
        self.lam.delete_event_source_mapping(UUID=uuid)


class MappingRestartTest(unittest.TestCase):
    """An enabled mapping polls again after kill -9."""

    def test_mapping_resumes_after_kill(self):
        scratch = tempfile.mkdtemp(prefix="baton-esm-crash-")
        server = harness.Server(harness.BATON)
        try:
            server.start()

            def clients():
                session = boto3.session.Session()
                config = Config(retries={"max_attempts": 1})
                return (session.client("lambda", endpoint_url=server.endpoint,
                                       region_name=harness.REGION, config=config),
                        session.client("sqs", endpoint_url=server.endpoint,
                                       region_name=harness.REGION, config=config))
            lam, sqs = clients()
            folder = os.path.join(scratch, "marks")
            os.mkdir(folder)
            lam.create_function(FunctionName="restart-fn", Runtime="python3.12",
                                Handler="app.handler", Role=LAMBDA_ROLE,
                                Code={"ZipFile": zip_bytes({"app.py": RECORDER})},
                                Environment={"Variables": {"MARK_DIR": folder}})
            url = sqs.create_queue(QueueName="restart-queue")["QueueUrl"]
            uuid = lam.create_event_source_mapping(
                FunctionName="restart-fn", EventSourceArn=f"{QUEUE_ARN}:restart-queue")["UUID"]
            sqs.send_message(QueueUrl=url, MessageBody="before")
            harness.wait_for(lambda: len(records(folder)) == 1, timeout=10, what="a record")
            server.kill()
            lam.close()
            sqs.close()
            server.start()
            lam, sqs = clients()
            self.assertEqual(lam.get_event_source_mapping(UUID=uuid)["State"], "Enabled")
            sqs.send_message(QueueUrl=url, MessageBody="after")
            harness.wait_for(lambda: "after" in [r["body"] for r in records(folder)],
                             timeout=10, what="the message sent after the restart")
            lam.close()
            sqs.close()
        finally:
            server.close()
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
