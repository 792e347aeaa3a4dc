"""Lambda's asynchronous invocation on `baton serve`, driven with boto3 and Debian's `aws lambda`
CLI: the event invoke configuration's operations and their errors; Event invokes of a failing
function retried as configured (MaximumRetryAttempts, Lambda's waits scaled down with
--async-retry-delay-ms) and then sent to the on-failure destination with Lambda's record; the
on-success destination; DeadLetterConfig; MaximumRetryAttempts 0; and Event invokes still
waiting for their retry taken up again after kill -9. Destinations are functions that write
what they receive to a folder the test reads; SQS destinations are tried when baton serves SQS.

usage: python3 tests/serve/test_lambda_async.py PATH_TO_BATON
"""

import glob
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

DELAY_MS = 300

# Writes each event it is given (and its request id) to a file of its own under MARK_DIR; fails
# when the event says so, or always when FAIL_ALWAYS is set.
RECORDER = r"""
import json, os, time

def handler(event, context):
    path = os.path.join(os.environ["MARK_DIR"], "%d.json" % time.time_ns())
    with open(path + ".tmp", "w") as f:
        json.dump({"event": event, "requestId": context.aws_request_id,
                   "at": time.time()}, f)
    os.rename(path + ".tmp", path)
    if os.environ.get("FAIL_ALWAYS") or (isinstance(event, dict) and event.get("fail")):
        raise ValueError("asked to fail")
    return {"handled": event}
"""


def marks(folder):
    """What a recorder wrote, oldest first."""
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        with open(path) as f:
            out.append(json.load(f))
    return out


class AsyncBase(harness.ServerTest):
    """A server with short retry waits, a Lambda client, and recorder functions."""
    server_args = ("--async-retry-delay-ms", str(DELAY_MS))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scratch = tempfile.mkdtemp(prefix="baton-async-")
        cls.lam = boto3.session.Session().client(
            "lambda", endpoint_url=cls.server.endpoint, region_name=harness.REGION,
            config=Config(read_timeout=70, retries={"max_attempts": 1}))

    @classmethod
    def tearDownClass(cls):
        cls.lam.close()
        shutil.rmtree(cls.scratch, ignore_errors=True)
        super().tearDownClass()

    def recorder(self, name, fail_always=False, **kwargs):
        """A Python function that records its events; returns its mark folder."""
        folder = os.path.join(self.scratch, name)
        os.mkdir(folder)
        variables = {"MARK_DIR": folder}
        if fail_always:
            variables["FAIL_ALWAYS"] = "1"
        self.lam.create_function(FunctionName=name, Runtime="python3.12", Handler="app.handler",
                                 Role=LAMBDA_ROLE, Code={"ZipFile": zip_bytes({"app.py": RECORDER})},
                                 Environment={"Variables": variables}, **kwargs)
        return folder

    def event(self, name, payload):
        r = self.lam.invoke(FunctionName=name, InvocationType="Event",
                            Payload=json.dumps(payload))
        self.assertEqual(r["StatusCode"], 202)
        return r["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]

    def lambda_error(self, code, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        error = caught.exception.response["Error"]
        self.assertEqual(error["Code"], code, error.get("Message"))
        return error["Message"]

    def cli(self, *args, check=True):
        done = subprocess.run([harness.aws_cli(), "lambda", "--endpoint-url",
                               self.server.endpoint, "--output", "json", *args],
                              capture_output=True, text=True, timeout=60)
        if not check:
            return done.returncode, done.stdout, done.stderr
        self.assertEqual(done.returncode, 0, done.stderr)
        return json.loads(done.stdout) if done.stdout.strip() else None


class AsyncTest(AsyncBase):

    # --- the configuration's operations ---------------------------------------------------

    def test_event_invoke_config_crud(self):
        self.recorder("cfg")
        arn = f"{LAMBDA_ARN}:cfg"
        message = self.lambda_error("ResourceNotFoundException",
                                    self.lam.get_function_event_invoke_config, FunctionName="cfg")
        self.assertEqual(message, f"The function {arn}:$LATEST doesn't have an EventInvokeConfig")
        put = self.lam.put_function_event_invoke_config(FunctionName="cfg",
                                                        MaximumRetryAttempts=1)
        self.assertEqual(put["FunctionArn"], f"{arn}:$LATEST")
        self.assertEqual(put["MaximumRetryAttempts"], 1)
        self.assertNotIn("MaximumEventAgeInSeconds", put)
        self.assertEqual(put["DestinationConfig"], {"OnSuccess": {}, "OnFailure": {}})
        self.assertLess(abs(put["LastModified"].timestamp() - time.time()), 60)
        # Update changes what it names and keeps the rest.
        queue = f"arn:aws:sqs:{harness.REGION}:{harness.ACCOUNT}:failures"
        updated = self.lam.update_function_event_invoke_config(
            FunctionName="cfg", MaximumEventAgeInSeconds=120,
            DestinationConfig={"OnFailure": {"Destination": queue}})
        self.assertEqual((updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]),
                         (1, 120))
        self.assertEqual(updated["DestinationConfig"],
                         {"OnSuccess": {}, "OnFailure": {"Destination": queue}})
        # Put replaces the whole configuration.
        put = self.lam.put_function_event_invoke_config(FunctionName=arn,
                                                        MaximumEventAgeInSeconds=60)
        self.assertNotIn("MaximumRetryAttempts", put)
        self.assertEqual(put["DestinationConfig"], {"OnSuccess": {}, "OnFailure": {}})
        got = self.cli("get-function-event-invoke-config", "--function-name", "cfg")
        self.assertEqual(got["MaximumEventAgeInSeconds"], 60)
        self.assertEqual(got["FunctionArn"], f"{arn}:$LATEST")
        listed = self.lam.list_function_event_invoke_configs(FunctionName="cfg")
        self.assertEqual([c["FunctionArn"] for c in listed["FunctionEventInvokeConfigs"]],
                         [f"{arn}:$LATEST"])
        self.lam.delete_function_event_invoke_config(FunctionName="cfg")
        # Delete names the function as it was given.
        message = self.lambda_error("ResourceNotFoundException",
                                    self.lam.delete_function_event_invoke_config,
                                    FunctionName="cfg")
        self.assertEqual(message, f"The function {arn} doesn't have an EventInvokeConfig")
        self.assertEqual(
            self.lam.list_function_event_invoke_configs(FunctionName="cfg")[
                "FunctionEventInvokeConfigs"], [])

    def test_event_invoke_config_errors(self):
        self.recorder("cfg-errors")
        message = self.lambda_error("ResourceNotFoundException",
                                    self.lam.put_function_event_invoke_config,
                                    FunctionName="no-such-function", MaximumRetryAttempts=1)
        self.assertEqual(message, "The function doesn't exist.")
        message = self.lambda_error("ResourceNotFoundException",
                                    self.lam.get_function_event_invoke_config,
                                    FunctionName="no-such-function")
        self.assertEqual(message, f"The function {LAMBDA_ARN}:no-such-function:$LATEST doesn't "
                                  "have an EventInvokeConfig")
        message = self.lambda_error("ResourceNotFoundException",
                                    self.lam.list_function_event_invoke_configs,
                                    FunctionName="no-such-function")
        self.assertEqual(message, "The function doesn't exist.")
        message = self.lambda_error("ResourceNotFoundException",
                                    self.lam.update_function_event_invoke_config,
                                    FunctionName="cfg-errors", MaximumRetryAttempts=1)
        self.assertIn("doesn't have an EventInvokeConfig", message)
        message = self.lambda_error("InvalidParameterValueException",
                                    self.lam.put_function_event_invoke_config,
                                    FunctionName="cfg-errors")
        self.assertEqual(message,
                         "You must specify at least one of error handling or destination setting.")
        message = self.lambda_error("ValidationException",
                                    self.lam.put_function_event_invoke_config,
                                    FunctionName="cfg-errors", MaximumRetryAttempts=3)
        self.assertIn("maximumRetryAttempts", message)
        self.assertIn("less than or equal to 2", message)
        # botocore checks minimums itself: this client leaves them to the server.
        unchecked = boto3.session.Session().client(
            "lambda", endpoint_url=self.server.endpoint, region_name=harness.REGION,
            config=Config(parameter_validation=False, retries={"max_attempts": 1}))
        message = self.lambda_error("ValidationException",
                                    unchecked.put_function_event_invoke_config,
                                    FunctionName="cfg-errors", MaximumEventAgeInSeconds=59)
        unchecked.close()
        self.assertIn("greater than or equal to 60", message)
        bucket = "arn:aws:s3:::some-bucket"
        message = self.lambda_error(
            "InvalidParameterValueException", self.lam.put_function_event_invoke_config,
            FunctionName="cfg-errors", DestinationConfig={"OnSuccess": {"Destination": bucket}})
        self.assertEqual(message, "The provided destination config DestinationConfig(onSuccess="
                                  f"OnSuccess(destination={bucket}), onFailure=null) is invalid.")
        missing = f"{LAMBDA_ARN}:nobody-here"
        message = self.lambda_error(
            "InvalidParameterValueException", self.lam.put_function_event_invoke_config,
            FunctionName="cfg-errors", DestinationConfig={"OnFailure": {"Destination": missing}})
        self.assertEqual(message, f"The destination ARN {missing} is invalid.")
        message = self.lambda_error(
            "InvalidParameterValueException", self.lam.put_function_event_invoke_config,
            FunctionName="cfg-errors",
            DestinationConfig={"OnFailure": {"Destination": f"{LAMBDA_ARN}:cfg-errors"}})
        self.assertEqual(message, "You can't specify the function as a destination for itself.")
        message = self.lambda_error("ResourceNotFoundException",
                                    self.lam.put_function_event_invoke_config,
                                    FunctionName="cfg-errors", Qualifier="7",
                                    MaximumRetryAttempts=0)
        self.assertEqual(message, "The function doesn't exist.")

    def test_dead_letter_config_is_kept_and_shown(self):
        queue = f"arn:aws:sqs:{harness.REGION}:{harness.ACCOUNT}:dlq-shown"
        self.recorder("dlq-shown", DeadLetterConfig={"TargetArn": queue})
        self.assertEqual(self.lam.get_function_configuration(FunctionName="dlq-shown")[
            "DeadLetterConfig"], {"TargetArn": queue})
        topic = f"arn:aws:sns:{harness.REGION}:{harness.ACCOUNT}:dlq-topic"
        c = self.lam.update_function_configuration(FunctionName="dlq-shown",
                                                   DeadLetterConfig={"TargetArn": topic})
        self.assertEqual(c["DeadLetterConfig"], {"TargetArn": topic})
        c = self.lam.update_function_configuration(FunctionName="dlq-shown", Timeout=5)
        self.assertEqual(c["DeadLetterConfig"], {"TargetArn": topic})
        c = self.lam.update_function_configuration(FunctionName="dlq-shown",
                                                   DeadLetterConfig={"TargetArn": ""})
        self.assertNotIn("DeadLetterConfig", c)
        self.lambda_error("InvalidParameterValueException",
                          self.lam.update_function_configuration, FunctionName="dlq-shown",
                          DeadLetterConfig={"TargetArn": f"{LAMBDA_ARN}:other"})

    # --- retries and destinations ---------------------------------------------------------

    def test_failing_event_is_retried_then_sent_to_the_failure_destination(self):
        failing = self.recorder("fails-twice-retried", fail_always=True)
        sink = self.recorder("failure-sink")
        self.lam.put_function_event_invoke_config(
            FunctionName="fails-twice-retried",
            DestinationConfig={"OnFailure": {"Destination": f"{LAMBDA_ARN}:failure-sink"}})
        started = time.time()
        request_id = self.event("fails-twice-retried", {"order": 7})
        records = harness.wait_for(lambda: marks(sink), timeout=30, what="the failure record")
        attempts = marks(failing)
        # Lambda's default: two retries, the first after the delay, the second after twice it.
        self.assertEqual(len(attempts), 3)
        self.assertEqual({a["requestId"] for a in attempts}, {request_id})
        self.assertEqual([a["event"] for a in attempts], [{"order": 7}] * 3)
        first_wait = attempts[1]["at"] - attempts[0]["at"]
        second_wait = attempts[2]["at"] - attempts[1]["at"]
        self.assertGreaterEqual(first_wait, DELAY_MS / 1000 * 0.9)
        self.assertGreaterEqual(second_wait, 2 * DELAY_MS / 1000 * 0.9)
        self.assertLess(attempts[0]["at"] - started, 10)
        self.assertEqual(len(records), 1)
        record = records[0]["event"]
        self.assertEqual(set(record), {"version", "timestamp", "requestContext", "requestPayload",
                                       "responseContext", "responsePayload"})
        self.assertEqual(record["version"], "1.0")
        self.assertRegex(record["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(record["requestContext"], {
            "requestId": request_id,
            "functionArn": f"{LAMBDA_ARN}:fails-twice-retried:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 3})
        self.assertEqual(record["requestPayload"], {"order": 7})
        self.assertEqual(record["responseContext"], {"statusCode": 200,
                                                     "executedVersion": "$LATEST",
                                                     "functionError": "Unhandled"})
        self.assertEqual(record["responsePayload"]["errorType"], "ValueError")
        self.assertEqual(record["responsePayload"]["errorMessage"], "asked to fail")

    def test_maximum_retry_attempts_zero_tries_once(self):
        failing = self.recorder("fails-once", fail_always=True)
        sink = self.recorder("fails-once-sink")
        self.cli("put-function-event-invoke-config", "--function-name", "fails-once",
                 "--maximum-retry-attempts", "0", "--destination-config",
                 json.dumps({"OnFailure": {"Destination": f"{LAMBDA_ARN}:fails-once-sink"}}))
        request_id = self.event("fails-once", {"n": 1})
        records = harness.wait_for(lambda: marks(sink), timeout=20, what="the failure record")
        self.assertEqual(records[0]["event"]["requestContext"]["approximateInvokeCount"], 1)
        self.assertEqual(records[0]["event"]["requestContext"]["requestId"], request_id)
        # No retry comes later.
        time.sleep(4 * DELAY_MS / 1000)
        self.assertEqual(len(marks(failing)), 1)

    def test_success_goes_to_the_success_destination(self):
        self.recorder("succeeds")
        sink = self.recorder("success-sink")
        failure_sink = self.recorder("success-failure-sink")
        self.lam.put_function_event_invoke_config(
            FunctionName="succeeds", DestinationConfig={
                "OnSuccess": {"Destination": f"{LAMBDA_ARN}:success-sink"},
                "OnFailure": {"Destination": f"{LAMBDA_ARN}:success-failure-sink"}})
        request_id = self.event("succeeds", {"fine": True})
        record = harness.wait_for(lambda: marks(sink), timeout=20, what="the record")[0]["event"]
        self.assertEqual(record["requestContext"], {
            "requestId": request_id, "functionArn": f"{LAMBDA_ARN}:succeeds:$LATEST",
            "condition": "Success", "approximateInvokeCount": 1})
        self.assertEqual(record["responseContext"], {"statusCode": 200,
                                                     "executedVersion": "$LATEST"})
        self.assertEqual(record["responsePayload"], {"handled": {"fine": True}})
        self.assertEqual(marks(failure_sink), [])

    def test_retry_succeeds_on_second_attempt_without_failure_record(self):
        folder = self.recorder("flaky")
        sink = self.recorder("flaky-sink")
        self.lam.put_function_event_invoke_config(
            FunctionName="flaky",
            DestinationConfig={"OnFailure": {"Destination": f"{LAMBDA_ARN}:flaky-sink"},
                               "OnSuccess": {"Destination": f"{LAMBDA_ARN}:flaky-sink"}})
        # The function fails while the file says so; the test removes it after the first try.
        self.lam.update_function_configuration(
            FunctionName="flaky", Environment={"Variables": {"MARK_DIR": folder,
                                                             "FAIL_ALWAYS": "1"}})
        self.event("flaky", {"n": 2})
        harness.wait_for(lambda: marks(folder), timeout=20, what="the first attempt")
        self.lam.update_function_configuration(
            FunctionName="flaky", Environment={"Variables": {"MARK_DIR": folder}})
        record = harness.wait_for(lambda: marks(sink), timeout=20, what="a record")[0]["event"]
        self.assertEqual(record["requestContext"]["condition"], "Success")
        self.assertEqual(record["requestContext"]["approximateInvokeCount"], 2)

    def test_event_invoke_answers_before_the_function_runs(self):
        self.recorder("slow-start")
        started = time.time()
        self.event("slow-start", {"n": 3})
        self.assertLess(time.time() - started, 2)
        message = self.lambda_error("ResourceNotFoundException", self.lam.invoke,
                                    FunctionName="nobody", InvocationType="Event", Payload=b"{}")
        self.assertEqual(message, f"Function not found: {LAMBDA_ARN}:nobody")


class AsyncSqsTest(AsyncBase):
    """Destinations and dead-letter queues that are SQS queues, read back with boto3."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sqs = boto3.session.Session().client(
            "sqs", endpoint_url=cls.server.endpoint, region_name=harness.REGION,
            config=Config(read_timeout=70, retries={"max_attempts": 1}))

    @classmethod
    def tearDownClass(cls):
        cls.sqs.close()
        super().tearDownClass()

    def queue(self, name):
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        return url, f"arn:aws:sqs:{harness.REGION}:{harness.ACCOUNT}:{name}"

    def receive(self, url, count=1):
        got = []

        def more():
            got.extend(self.sqs.receive_message(
                QueueUrl=url, WaitTimeSeconds=1, MaxNumberOfMessages=10,
                MessageAttributeNames=["All"]).get("Messages", []))
            return len(got) >= count
        harness.wait_for(more, timeout=20, what=f"{count} message(s) in {url}")
        return got

    def test_failure_record_in_an_sqs_destination(self):
        failing = self.recorder("sqs-dest-fails", fail_always=True)
        url, arn = self.queue("async-failures")
        self.lam.put_function_event_invoke_config(
            FunctionName="sqs-dest-fails", MaximumRetryAttempts=1,
            DestinationConfig={"OnFailure": {"Destination": arn}})
        request_id = self.event("sqs-dest-fails", {"id": "a-1"})
        message = self.receive(url)[0]
        self.assertEqual(len(marks(failing)), 2)
        self.assertNotIn("MessageAttributes", message)
        record = json.loads(message["Body"])
        self.assertEqual(record["requestContext"], {
            "requestId": request_id, "functionArn": f"{LAMBDA_ARN}:sqs-dest-fails:$LATEST",
            "condition": "RetriesExhausted", "approximateInvokeCount": 2})
        self.assertEqual(record["requestPayload"], {"id": "a-1"})
        self.assertEqual(record["responseContext"]["functionError"], "Unhandled")
        self.assertEqual(record["responsePayload"]["errorMessage"], "asked to fail")

    def test_success_record_in_an_sqs_destination(self):
        self.recorder("sqs-dest-succeeds")
        url, arn = self.queue("async-successes")
        self.lam.put_function_event_invoke_config(
            FunctionName="sqs-dest-succeeds",
            DestinationConfig={"OnSuccess": {"Destination": arn}})
        request_id = self.event("sqs-dest-succeeds", {"id": "b-2"})
        record = json.loads(self.receive(url)[0]["Body"])
        self.assertEqual(record["requestContext"]["condition"], "Success")
        self.assertEqual(record["requestContext"]["requestId"], request_id)
        self.assertEqual(record["responsePayload"], {"handled": {"id": "b-2"}})

    def test_dead_letter_queue_takes_the_event_with_lambda_attributes(self):
        url, arn = self.queue("async-dlq")
        failing = self.recorder("dlq-fails", fail_always=True,
                                DeadLetterConfig={"TargetArn": arn})
        self.cli("put-function-event-invoke-config", "--function-name", "dlq-fails",
                 "--maximum-retry-attempts", "0")
        request_id = self.event("dlq-fails", {"id": "c-3"})
        message = self.receive(url)[0]
        self.assertEqual(len(marks(failing)), 1)
        self.assertEqual(json.loads(message["Body"]), {"id": "c-3"})
        self.assertEqual(message["MessageAttributes"], {
            "RequestID": {"DataType": "String", "StringValue": request_id},
            "ErrorCode": {"DataType": "Number", "StringValue": "200"},
            "ErrorMessage": {"DataType": "String", "StringValue": "asked to fail"}})

    def test_failure_destination_wins_over_the_dead_letter_queue(self):
        dlq_url, dlq_arn = self.queue("async-dlq-unused")
        url, arn = self.queue("async-dest-used")
        self.recorder("both-fail", fail_always=True, DeadLetterConfig={"TargetArn": dlq_arn})
        self.lam.put_function_event_invoke_config(
            FunctionName="both-fail", MaximumRetryAttempts=0,
            DestinationConfig={"OnFailure": {"Destination": arn}})
        self.event("both-fail", {"id": "d-4"})
        self.receive(url)
        self.assertEqual(self.sqs.receive_message(QueueUrl=dlq_url).get("Messages"), None)


class AsyncCrashTest(unittest.TestCase):
    """Event invokes waiting for their retry survive kill -9."""

    def test_waiting_retries_resume_after_kill(self):
        scratch = tempfile.mkdtemp(prefix="baton-async-crash-")
        data = tempfile.mkdtemp(prefix="baton-async-data-")
        server = harness.Server(harness.BATON, data=data,
                                args=("--async-retry-delay-ms", "1500"))
        try:
            server.start()

            def client():
                return boto3.session.Session().client(
                    "lambda", endpoint_url=server.endpoint, region_name=harness.REGION,
                    config=Config(retries={"max_attempts": 1}))
            lam = client()
            failing = os.path.join(scratch, "failing")
            sink = os.path.join(scratch, "sink")
            os.mkdir(failing)
            os.mkdir(sink)
            for name, folder, fail in (("crash-fails", failing, True), ("crash-sink", sink, False)):
                variables = {"MARK_DIR": folder}
                if fail:
                    variables["FAIL_ALWAYS"] = "1"
                lam.create_function(FunctionName=name, Runtime="python3.12",
                                    Handler="app.handler", Role=LAMBDA_ROLE,
                                    Code={"ZipFile": zip_bytes({"app.py": RECORDER})},
                                    Environment={"Variables": variables})
            lam.put_function_event_invoke_config(
                FunctionName="crash-fails", MaximumRetryAttempts=1,
                DestinationConfig={"OnFailure": {"Destination": f"{LAMBDA_ARN}:crash-sink"}})
            ids = []
            for i in range(5):
                r = lam.invoke(FunctionName="crash-fails", InvocationType="Event",
                               Payload=json.dumps({"i": i}))
                ids.append(r["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"])
            harness.wait_for(lambda: len(marks(failing)) >= 5, timeout=20,
                             what="the first attempts")
            # Long enough for the failed attempts to be committed, well before the retries.
            time.sleep(0.5)
            server.kill()
            self.assertEqual(marks(sink), [])
            server.start()
            lam = client()
            records = harness.wait_for(lambda: len(marks(sink)) >= 5 and marks(sink),
                                       timeout=30, what="the failure records")
            self.assertEqual(sorted(r["event"]["requestContext"]["requestId"] for r in records),
                             sorted(ids))
            for r in records:
                self.assertEqual(r["event"]["requestContext"]["approximateInvokeCount"], 2)
            self.assertEqual(len(marks(failing)), 10)
        finally:
            server.close()
            shutil.rmtree(scratch, ignore_errors=True)
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
