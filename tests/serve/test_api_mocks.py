"""`baton serve --mock FILE` with a Step Functions Local mock configuration: StartExecution with
`<state machine ARN>#<TestCase>` answers the listed Task states from the mocked responses, by
invocation number (each retry is a new one); unlisted states call the real service."""

import json
import os
import tempfile
import unittest

from botocore.exceptions import ClientError

import harness

MOCKS = {
    "StateMachines": {
        "Orders": {
            "TestCases": {
                "HappyPath": {"Charge": "ChargeOk", "Ship": "ShipOk"},
                "RetryPath": {"Charge": "FlakyThenOk", "Ship": "ShipOk"},
                "FailPath": {"Charge": "Declined"},
                "TooFewPath": {"Charge": "OnceOnly", "Ship": "ShipOk"},
            }
        },
        "Callback": {"TestCases": {"Auto": {"Wait": "Approved"}}},
    },
    "MockedResponses": {
        "ChargeOk": {"0": {"Return": {"StatusCode": 200, "Payload": {"charged": 10}}}},
        "FlakyThenOk": {
            "0-1": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "flaky"}},
            "2": {"Return": {"StatusCode": 200, "Payload": {"charged": 30}}},
        },
        "Declined": {"0": {"Throw": {"Error": "Card.Declined", "Cause": "no funds"}}},
        "OnceOnly": {"0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "x"}}},
        "ShipOk": {"0": {"Return": {"tracking": "T-1"}}},
        "Approved": {"0": {"Return": {"approved": True}}},
    },
}

ORDERS = {"StartAt": "Charge", "States": {
    "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
               "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
               "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 1,
                          "BackoffRate": 1, "MaxAttempts": 3}],
               "ResultSelector": {"charged.$": "$.Payload.charged"}, "ResultPath": "$.charge",
               "Next": "Ship"},
    "Ship": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
             "Parameters": {"TableName": "shipments", "Item": {"id": {"S.$": "$.id"}}},
             "ResultPath": "$.ship", "End": True}}}

CALLBACK = {"StartAt": "Wait", "States": {"Wait": {
    "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
    "End": True}}}


class MockTest(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="baton-mocks-")
        cls.mock_file = os.path.join(cls.folder, "MockConfigFile.json")
        with open(cls.mock_file, "w") as f:
            json.dump(MOCKS, f)
        cls.server_args = ["--mock", cls.mock_file]
        super().setUpClass()
        cls.orders = cls.sfn.create_state_machine(name="Orders", roleArn=harness.ROLE,
                                                  definition=json.dumps(ORDERS))[
                                                      "stateMachineArn"]

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.remove(cls.mock_file)
        os.rmdir(cls.folder)

    def run_case(self, case, input_='{"id": "o-1"}', machine=None):
        started = self.sfn.start_execution(stateMachineArn=f"{machine or self.orders}#{case}",
                                           input=input_)
        return harness.wait_for_status(self.sfn, started["executionArn"], timeout=15)

    def types(self, arn):
        return [e["type"] for e in
                self.sfn.get_execution_history(executionArn=arn)["events"]]

    def test_happy_path_uses_the_mocked_returns(self):
        d = self.run_case("HappyPath")
        self.assertEqual(d["status"], "SUCCEEDED", d.get("cause"))
        self.assertEqual(json.loads(d["output"]), {"id": "o-1", "charge": {"charged": 10},
                                                   "ship": {"tracking": "T-1"}})
        # The execution ARN is the ordinary one: no test case in it.
        self.assertTrue(d["executionArn"].startswith(f"{harness.ARN}:execution:Orders:"))
        self.assertNotIn("#", d["executionArn"])
        self.assertEqual(d["stateMachineArn"], self.orders)
        events = self.sfn.get_execution_history(executionArn=d["executionArn"])["events"]
        succeeded = [e for e in events if e["type"] == "TaskSucceeded"]
        self.assertEqual(json.loads(succeeded[0]["taskSucceededEventDetails"]["output"]),
                         {"StatusCode": 200, "Payload": {"charged": 10}})

    def test_each_retry_is_the_next_invocation(self):
        d = self.run_case("RetryPath")
        self.assertEqual(d["status"], "SUCCEEDED", d.get("cause"))
        self.assertEqual(json.loads(d["output"])["charge"], {"charged": 30})
        types = self.types(d["executionArn"])
        self.assertEqual(types.count("TaskFailed"), 2)
        self.assertEqual(types.count("TaskSucceeded"), 2)  # Charge's third try, then Ship

    def test_a_mocked_throw_fails_the_execution(self):
        d = self.run_case("FailPath")
        self.assertEqual((d["status"], d["error"], d["cause"]),
                         ("FAILED", "Card.Declined", "no funds"))

    def test_an_invocation_the_mock_does_not_cover_fails_the_execution(self):
        d = self.run_case("TooFewPath")
        self.assertEqual(d["status"], "FAILED")
        self.assertNotEqual(d["error"], "Lambda.ServiceException")

    def test_a_mocked_callback_completes_without_send_task_success(self):
        machine = self.sfn.create_state_machine(name="Callback", roleArn=harness.ROLE,
                                                definition=json.dumps(CALLBACK))[
                                                    "stateMachineArn"]
        d = self.run_case("Auto", "{}", machine)
        self.assertEqual((d["status"], json.loads(d["output"])), ("SUCCEEDED", {"approved": True}))

    def test_without_a_test_case_the_real_service_is_called(self):
        d = harness.wait_for_status(self.sfn, self.sfn.start_execution(
            stateMachineArn=self.orders, input='{"id": "o-2"}')["executionArn"])
        # No Lambda function named "charge" exists here.
        self.assertEqual(d["status"], "FAILED")
        self.assertTrue(d["error"].startswith("Lambda."), d["error"])

    def test_an_unknown_test_case_is_invalid_name(self):
        self.error("InvalidName", self.sfn.start_execution,
                   stateMachineArn=f"{self.orders}#NoSuchCase")
        self.assertEqual(self.sfn.list_executions(stateMachineArn=self.orders,
                                                  statusFilter="RUNNING")["executions"], [])


class NoMockFileTest(harness.ServerTest):

    def test_a_test_case_without_a_mock_file_is_invalid_name(self):
        with harness.Server(BATON) as server:
            sfn = server.client()
            arn = sfn.create_state_machine(name="Orders", roleArn=harness.ROLE,
                                           definition=json.dumps(ORDERS))["stateMachineArn"]
            with self.assertRaises(ClientError) as caught:
                sfn.start_execution(stateMachineArn=f"{arn}#HappyPath")
            self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidName")
            sfn.close()

    def test_a_broken_mock_file_stops_the_server_from_starting(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"StateMachines": {"X": {"TestCases": {"T": {"S": "Missing"}}}},
                       "MockedResponses": {}}, f)
        try:
            server = harness.Server(BATON, args=["--mock", f.name])
            with self.assertRaises(RuntimeError) as caught:
                server.start(timeout=5)
            self.assertIn("Missing", str(caught.exception))
            server.close()
        finally:
            os.remove(f.name)


if __name__ == "__main__":
    BATON = harness.baton_binary()
    unittest.main()
