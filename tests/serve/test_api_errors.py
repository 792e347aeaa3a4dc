"""Requests the Step Functions API refuses: bodies that are not JSON, missing or unknown
X-Amz-Target, members that break the model's constraints (lengths, ranges, enums), missing
required members, members of the wrong JSON type, ARNs that are not ARNs, inputs over 256 KiB.
Each answer is HTTP 400 with `__type` in the body and the same name in X-Amzn-ErrorType, and
the server keeps answering afterwards."""

import http.client
import json
import socket
import unittest

from botocore.exceptions import ClientError

import harness

TARGET = "AWSStepFunctions."
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


class ErrorsTest(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server(BATON).start()
        cls.sfn = cls.server.client()
        cls.machine = cls.sfn.create_state_machine(name="errors", roleArn=harness.ROLE,
                                                   definition=json.dumps(PASS))[
                                                       "stateMachineArn"]

    def still_answering(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        connection.request("GET", "/health")
        response = connection.getresponse()
        self.assertEqual((response.status, json.loads(response.read())["status"]), (200, "ok"))
        connection.close()
        names = [m["name"] for m in self.sfn.list_state_machines()["stateMachines"]]
        self.assertIn("errors", names)

    def refused(self, code, operation, body, headers=None):
        """Sends `body` to `operation` (None: no X-Amz-Target; a string with a dot: the
        target as is); expects 400 and `code` in body and header. Returns the message."""
        target = operation if operation is None or "." in operation else TARGET + operation
        status, response_headers, answer = self.server.raw(target, body, headers)
        self.assertEqual(status, 400, answer)
        self.assertIsInstance(answer, dict, answer)
        self.assertEqual(answer["__type"], code, answer)
        self.assertEqual(response_headers.get("x-amzn-errortype"), code)
        self.assertEqual(response_headers.get("content-type"), "application/x-amz-json-1.0")
        self.assertTrue(response_headers.get("x-amzn-requestid"))
        self.assertIsInstance(answer.get("message"), str)
        self.still_answering()
        return answer["message"]

    # --- the envelope ---

    def test_a_body_that_is_not_json(self):
        self.refused("SerializationException", "ListStateMachines", "{not json")
        self.refused("SerializationException", "ListStateMachines", b'{"name": "\xff\xfe"}')
        self.refused("SerializationException", "StartExecution", '{"stateMachineArn": ')

    def test_a_body_that_is_json_but_not_an_object(self):
        self.refused("SerializationException", "ListStateMachines", "[1, 2]")
        self.refused("SerializationException", "DescribeStateMachine", '"arn"')

    def test_an_empty_body_is_an_empty_request(self):
        status, _, answer = self.server.raw(TARGET + "ListStateMachines", "")
        self.assertEqual(status, 200)
        self.assertIn("stateMachines", answer)
        self.refused("ValidationException", "DescribeStateMachine", "")

    def test_no_target_or_an_unknown_operation(self):
        self.refused("UnknownOperationException", None, "{}")
        self.refused("UnknownOperationException", "DoSomethingElse", "{}")
        self.refused("UnknownOperationException", "AmazonSQS.SendTelegram", "{}")
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        connection.request("GET", "/")
        response = connection.getresponse()
        body = json.loads(response.read())
        self.assertEqual(response.status, 400)
        self.assertEqual(body["__type"], response.getheader("X-Amzn-ErrorType"))
        connection.close()
        self.still_answering()

    def test_a_request_body_over_the_server_limit_is_413_and_the_server_carries_on(self):
        # Headers announcing 9 MiB: the server answers before reading the body.
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0"
                       f"\r\nX-Amz-Target: {TARGET}StartExecution\r\n"
                       f"Content-Length: {9 * 1024 * 1024}\r\n\r\n").encode())
            s.sendall(b'{"stateMachineArn": "' + b"x" * 65536)
            status_line = s.recv(4096).split(b"\r\n", 1)[0]
        self.assertEqual(status_line.split()[1], b"413")
        self.still_answering()

    # --- members against the model ---

    def test_missing_required_members_name_the_member(self):
        for operation, member in (("DescribeStateMachine", "stateMachineArn"),
                                  ("StartExecution", "stateMachineArn"),
                                  ("DescribeExecution", "executionArn"),
                                  ("CreateActivity", "name"),
                                  ("SendTaskSuccess", "taskToken"),
                                  ("GetActivityTask", "activityArn")):
            message = self.refused("ValidationException", operation, "{}")
            self.assertIn(f"'{member}'", message)
            self.assertIn("Member must not be null", message)
        message = self.refused("ValidationException", "CreateStateMachine",
                               json.dumps({"name": "x", "definition": json.dumps(PASS)}))
        self.assertIn("'roleArn'", message)
        message = self.refused("ValidationException", "SendTaskSuccess",
                               json.dumps({"taskToken": "t"}))
        self.assertIn("'output'", message)

    def test_members_of_the_wrong_type(self):
        self.refused("SerializationException", "DescribeStateMachine",
                     json.dumps({"stateMachineArn": 5}))
        self.refused("SerializationException", "StartExecution",
                     json.dumps({"stateMachineArn": self.machine, "input": {"a": 1}}))
        self.refused("SerializationException", "ListStateMachines",
                     json.dumps({"maxResults": "ten"}))
        self.refused("SerializationException", "GetExecutionHistory",
                     json.dumps({"executionArn": "arn", "reverseOrder": "yes"}))
        self.refused("SerializationException", "TagResource",
                     json.dumps({"resourceArn": self.machine, "tags": {"k": "v"}}))

    def test_constraint_violations_are_validation_exceptions_naming_the_member(self):
        message = self.refused("ValidationException", "ListStateMachines",
                               json.dumps({"maxResults": 1001}))
        self.assertEqual(message, "1 validation error detected: Value '1001' at 'maxResults' "
                                  "failed to satisfy constraint: Member must have value less "
                                  "than or equal to 1000")
        message = self.refused("ValidationException", "ListExecutions",
                               json.dumps({"stateMachineArn": self.machine, "maxResults": -1}))
        self.assertIn("greater than or equal to 0", message)
        message = self.refused("ValidationException", "ListExecutions",
                               json.dumps({"stateMachineArn": self.machine,
                                           "statusFilter": "succeeded"}))
        self.assertEqual(message, "1 validation error detected: Value 'succeeded' at "
                                  "'statusFilter' failed to satisfy constraint: Member must "
                                  "satisfy enum value set: [SUCCEEDED, TIMED_OUT, "
                                  "PENDING_REDRIVE, ABORTED, FAILED, RUNNING]")
        message = self.refused("ValidationException", "ListExecutions",
                               json.dumps({"stateMachineArn": self.machine,
                                           "nextToken": "x" * 3097}))
        self.assertIn("Member must have length less than or equal to 3096", message)
        message = self.refused("ValidationException", "StartExecution",
                               json.dumps({"stateMachineArn": self.machine, "name": "n" * 81}))
        self.assertIn("'name'", message)
        self.assertIn("less than or equal to 80", message)
        self.refused("ValidationException", "CreateStateMachine",
                     json.dumps({"name": "t", "definition": json.dumps(PASS),
                                 "roleArn": harness.ROLE, "type": "BATCH"}))
        self.refused("ValidationException", "SendTaskFailure",
                     json.dumps({"taskToken": "t", "error": "e" * 257}))
        message = self.refused("ValidationException", "ListStateMachines",
                               json.dumps({"maxResults": 2000, "nextToken": ""}))
        self.assertTrue(message.startswith("2 validation errors detected: "), message)

    def test_input_over_256_kib_is_refused_and_256_kib_is_accepted(self):
        limit = 262144
        too_big = json.dumps({"a": "x" * limit})
        message = self.refused("ValidationException", "StartExecution",
                               json.dumps({"stateMachineArn": self.machine, "input": too_big}))
        self.assertIn("'input'", message)
        self.assertIn("262144", message)
        # Bytes count, not characters: 131,073 two-byte characters are 262,148 bytes.
        wide = json.dumps("é" * 131073, ensure_ascii=False)
        self.assertGreater(len(wide.encode()), limit)
        with self.assertRaises(ClientError) as caught:
            self.sfn.start_execution(stateMachineArn=self.machine, input=wide)
        self.assertEqual(caught.exception.response["Error"]["Code"], "ValidationException")
        exactly = '"' + "x" * (limit - 2) + '"'
        arn = self.sfn.start_execution(stateMachineArn=self.machine, input=exactly)[
            "executionArn"]
        self.assertEqual(harness.wait_for_status(self.sfn, arn)["status"], "SUCCEEDED")
        self.still_answering()

    def test_input_that_is_not_json(self):
        message = self.refused("InvalidExecutionInput", "StartExecution",
                               json.dumps({"stateMachineArn": self.machine, "input": "not"}))
        self.assertEqual(message, "Invalid State Machine Execution Input: 'Unrecognized token "
                                  "'not': was expecting (JSON String, Number, Array, Object or "
                                  "token 'null', 'true' or 'false')'")
        message = self.refused("InvalidExecutionInput", "StartExecution",
                               json.dumps({"stateMachineArn": self.machine, "input": ""}))
        self.assertEqual(message, "Invalid State Machine Execution Input: 'Invalid execution "
                                  "input.'")
        # Any JSON value will do, not only objects.
        for value in ("2", '"text"', "null", "[1]"):
            arn = self.sfn.start_execution(stateMachineArn=self.machine, input=value)[
                "executionArn"]
            self.assertEqual(harness.wait_for_status(self.sfn, arn)["output"], value)

    # --- ARNs and names ---

    def test_arns_that_are_not_arns_or_of_the_wrong_kind(self):
        execution = harness.execution_arn("errors", "e")
        for operation, member, value in (
                ("DescribeStateMachine", "stateMachineArn", "not-an-arn"),
                ("DescribeStateMachine", "stateMachineArn", execution),
                ("DescribeStateMachine", "stateMachineArn", "arn:aws:lambda:us-east-1:1:fn"),
                ("StartExecution", "stateMachineArn", harness.activity_arn("a")),
                ("DescribeExecution", "executionArn", self.machine),
                ("GetExecutionHistory", "executionArn", "arn:aws:states:::"),
                ("StopExecution", "executionArn", "nope"),
                ("DescribeActivity", "activityArn", self.machine),
                ("DeleteStateMachine", "stateMachineArn", "nope"),
                ("ListTagsForResource", "resourceArn", "nope")):
            message = self.refused("InvalidArn", operation, json.dumps({member: value}))
            self.assertIn(value, message)
        # AWS's words for a string that is no ARN at all.
        message = self.refused("InvalidArn", "DescribeStateMachine",
                               json.dumps({"stateMachineArn": "not_a_valid_arn"}))
        self.assertEqual(message, "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'")

    def test_names_aws_refuses(self):
        for name in ("has space", "a/b", "semi;colon", "tab\tname", "ctl\u0001", "brace{",
                     "c1\u0085"):
            self.refused("InvalidName", "CreateActivity", json.dumps({"name": name}))
        self.sfn.create_activity(name="ünïcödé-is-fine")

    def test_the_cli_reports_the_error_code_and_exits_254(self):
        code, _, err = self.server.cli("describe-state-machine", "--state-machine-arn",
                                       harness.machine_arn("errors-none"), check=False)
        self.assertEqual(code, 254)
        self.assertIn("An error occurred (StateMachineDoesNotExist) when calling the "
                      "DescribeStateMachine operation: State Machine Does Not Exist: "
                      f"'{harness.machine_arn('errors-none')}'", err)
        self.still_answering()

    def test_timestamps_are_epoch_seconds_numbers(self):
        status, _, answer = self.server.raw(TARGET + "DescribeStateMachine",
                                            json.dumps({"stateMachineArn": self.machine}))
        self.assertEqual(status, 200)
        self.assertIsInstance(answer["creationDate"], (int, float))
        self.assertGreater(answer["creationDate"], 1.5e9)
        self.assertLess(answer["creationDate"], 1e11)


if __name__ == "__main__":
    BATON = harness.baton_binary()
    unittest.main()
