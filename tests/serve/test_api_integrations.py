"""Service integrations through boto3: callbacks (.waitForTaskToken) answered with SendTask*,
nested executions (states:startExecution, .sync, .sync:2, .waitForTaskToken) and HTTP tasks
(arn:aws:states:::http:invoke) against a loopback HTTP server started here."""

import http.server
import json
import threading
import unittest

from botocore.exceptions import ClientError

import boto3

import harness

CONNECTION = f"arn:aws:events:{harness.REGION}:{harness.ACCOUNT}:connection/c/1"


class ApiTest(harness.ServerTest):

    def create(self, name, states, start=None, **kwargs):
        definition = {"StartAt": start or next(iter(states)), "States": states}
        return self.sfn.create_state_machine(name=name, roleArn=harness.ROLE,
                                             definition=json.dumps(definition),
                                             **kwargs)["stateMachineArn"]

    def events(self, arn):
        return self.sfn.get_execution_history(executionArn=arn)["events"]

    def wait_for_event(self, arn, event_type):
        return harness.wait_for(
            lambda: next((e for e in self.events(arn) if e["type"] == event_type), None),
            what=f"{event_type} in {arn}")


class CallbackTest(ApiTest):
    """A .waitForTaskToken task waits for SendTaskSuccess/Failure with $$.Task.Token."""

    def start_callback(self, name, extra=None, input_='{"v": 5}'):
        # The message goes to a real queue: baton's SQS takes it in the step's commit.
        sqs = boto3.session.Session().client("sqs", endpoint_url=self.server.endpoint,
                                             region_name=harness.REGION)
        url = sqs.create_queue(QueueName="callbacks")["QueueUrl"]
        task = {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": url,
                               "MessageBody": {"token.$": "$$.Task.Token", "v.$": "$.v"}},
                "End": True}
        task.update(extra or {})
        machine = self.create(name, {"Notify": task})
        arn = self.sfn.start_execution(stateMachineArn=machine, input=input_)["executionArn"]
        scheduled = self.wait_for_event(arn, "TaskScheduled")["taskScheduledEventDetails"]
        parameters = json.loads(scheduled["parameters"])
        return arn, scheduled, parameters["MessageBody"]["token"]

    def test_send_task_success_completes_the_task(self):
        arn, scheduled, token = self.start_callback("callback-ok")
        self.assertEqual((scheduled["resourceType"], scheduled["resource"]),
                         ("sqs", "sendMessage.waitForTaskToken"))
        self.assertEqual(scheduled["region"], harness.REGION)
        self.assertEqual(json.loads(scheduled["parameters"])["MessageBody"]["v"], 5)
        self.assertTrue(token)
        self.assertEqual(self.sfn.describe_execution(executionArn=arn)["status"], "RUNNING")
        self.sfn.send_task_heartbeat(taskToken=token)
        self.sfn.send_task_success(taskToken=token, output='{"answer": 42}')
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual((d["status"], json.loads(d["output"])), ("SUCCEEDED", {"answer": 42}))
        events = self.events(arn)
        types = [e["type"] for e in events]
        self.assertEqual(types[:4], ["ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                                     "TaskStarted"])
        self.assertEqual(types[-3:], ["TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"])
        succeeded = events[types.index("TaskSucceeded")]["taskSucceededEventDetails"]
        self.assertEqual(json.loads(succeeded["output"]), {"answer": 42})
        self.error("TaskTimedOut", self.sfn.send_task_success, taskToken=token, output="{}")

    def test_send_task_failure_fails_the_task(self):
        arn, _, token = self.start_callback("callback-fail")
        self.sfn.send_task_failure(taskToken=token, error="Rejected", cause="by a person")
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual((d["status"], d["error"], d["cause"]),
                         ("FAILED", "Rejected", "by a person"))
        failed = [e for e in self.events(arn) if e["type"] == "TaskFailed"][0]
        self.assertEqual(failed["taskFailedEventDetails"]["error"], "Rejected")
        self.assertEqual(failed["taskFailedEventDetails"]["resourceType"], "sqs")

    def test_a_callback_without_heartbeats_times_out(self):
        arn, _, token = self.start_callback("callback-silent", {"HeartbeatSeconds": 1})
        d = harness.wait_for_status(self.sfn, arn, timeout=10)
        self.assertEqual(d["status"], "FAILED")
        timed_out = [e for e in self.events(arn) if e["type"] == "TaskTimedOut"]
        self.assertEqual(len(timed_out), 1)
        self.error("TaskTimedOut", self.sfn.send_task_success, taskToken=token, output="{}")

    def test_the_callback_result_goes_through_result_path(self):
        arn, _, token = self.start_callback("callback-path", {"ResultPath": "$.reply"})
        self.sfn.send_task_success(taskToken=token, output='{"ok": true}')
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual(json.loads(d["output"]), {"v": 5, "reply": {"ok": True}})


class NestedTest(ApiTest):
    """states:startExecution, .sync, .sync:2 and .waitForTaskToken."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.child = cls.create(cls, "child", {
            "Echo": {"Type": "Pass", "Parameters": {"got.$": "$"}, "End": True}})
        cls.failing_child = cls.create(cls, "failing-child", {
            "Fail": {"Type": "Fail", "Error": "ChildError", "Cause": "child broke"}})

    def parent(self, name, resource, child, extra=None):
        task = {"Type": "Task", "Resource": resource,
                "Parameters": {"StateMachineArn": child, "Input": {"a.$": "$.a"}}, "End": True}
        task.update(extra or {})
        return self.create(name, {"Start": task})

    def run_parent(self, machine, input_='{"a": 1}'):
        arn = self.sfn.start_execution(stateMachineArn=machine, input=input_)["executionArn"]
        return harness.wait_for_status(self.sfn, arn)

    def test_sync_waits_for_the_child_and_gives_its_output_as_a_string(self):
        machine = self.parent("parent-sync", "arn:aws:states:::states:startExecution.sync",
                              self.child)
        d = self.run_parent(machine)
        self.assertEqual(d["status"], "SUCCEEDED")
        out = json.loads(d["output"])
        self.assertEqual(out["Status"], "SUCCEEDED")
        self.assertEqual(out["StateMachineArn"], self.child)
        self.assertIsInstance(out["Output"], str)
        self.assertEqual(json.loads(out["Output"]), {"got": {"a": 1}})
        self.assertIsInstance(out["Input"], str)
        self.assertEqual(json.loads(out["Input"]), {"a": 1})
        child = self.sfn.describe_execution(executionArn=out["ExecutionArn"])
        self.assertEqual(child["status"], "SUCCEEDED")
        self.assertEqual(child["stateMachineArn"], self.child)
        scheduled = self.wait_for_event(d["executionArn"], "TaskScheduled")
        details = scheduled["taskScheduledEventDetails"]
        self.assertEqual((details["resourceType"], details["resource"]),
                         ("states", "startExecution.sync"))
        types = [e["type"] for e in self.events(d["executionArn"])]
        self.assertEqual(types[2:7], ["TaskScheduled", "TaskStarted", "TaskSubmitted",
                                      "TaskSucceeded", "TaskStateExited"])
        submitted = [e for e in self.events(d["executionArn"]) if e["type"] == "TaskSubmitted"]
        response = json.loads(submitted[0]["taskSubmittedEventDetails"]["output"])
        self.assertEqual(response["ExecutionArn"], out["ExecutionArn"])

    def test_sync2_gives_the_child_output_as_json(self):
        machine = self.parent("parent-sync2", "arn:aws:states:::states:startExecution.sync:2",
                              self.child)
        d = self.run_parent(machine, '{"a": "x"}')
        self.assertEqual(d["status"], "SUCCEEDED")
        out = json.loads(d["output"])
        self.assertEqual(out["Status"], "SUCCEEDED")
        self.assertEqual(out["Output"], {"got": {"a": "x"}})
        self.assertEqual(out["Input"], {"a": "x"})
        self.assertTrue(out["ExecutionArn"].startswith(f"{harness.ARN}:execution:child:"))

    def test_a_failed_child_fails_the_sync_task(self):
        machine = self.parent("parent-sync-fail",
                              "arn:aws:states:::states:startExecution.sync:2",
                              self.failing_child)
        d = self.run_parent(machine)
        self.assertEqual((d["status"], d["error"]), ("FAILED", "States.TaskFailed"))
        cause = json.loads(d["cause"])
        self.assertEqual(cause["Status"], "FAILED")
        self.assertEqual((cause["Error"], cause["Cause"]), ("ChildError", "child broke"))
        failed = [e for e in self.events(d["executionArn"]) if e["type"] == "TaskFailed"]
        self.assertEqual(failed[0]["taskFailedEventDetails"]["resource"],
                         "startExecution.sync:2")

    def test_request_response_returns_at_once_with_the_child_arn(self):
        waiting_child = self.create("waiting-child", {
            "W": {"Type": "Wait", "Seconds": 300, "End": True}})
        machine = self.parent("parent-fire", "arn:aws:states:::states:startExecution",
                              waiting_child)
        d = self.run_parent(machine)
        self.assertEqual(d["status"], "SUCCEEDED")
        out = json.loads(d["output"])
        self.assertEqual(set(out) - {"SdkHttpMetadata", "SdkResponseMetadata"},
                         {"ExecutionArn", "StartDate"})
        child = self.sfn.describe_execution(executionArn=out["ExecutionArn"])
        self.assertEqual(child["status"], "RUNNING")
        self.assertEqual(json.loads(child["input"]), {"a": 1})
        self.sfn.stop_execution(executionArn=out["ExecutionArn"])

    def test_a_named_child_and_an_unknown_child(self):
        machine = self.create("parent-named", {"Start": {
            "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": self.child, "Name.$": "$.name",
                           "Input": {"n": 1}}, "End": True}})
        d = self.run_parent(machine, '{"name": "kid-1"}')
        self.assertEqual(json.loads(d["output"])["ExecutionArn"],
                         harness.execution_arn("child", "kid-1"))
        missing = self.parent("parent-missing", "arn:aws:states:::states:startExecution.sync",
                              harness.machine_arn("no-such-child"))
        d = self.run_parent(missing)
        self.assertEqual(d["status"], "FAILED")
        self.assertIn("StateMachineDoesNotExist", d["error"])

    def test_wait_for_task_token_hands_the_token_to_the_child(self):
        holder = self.create("token-holder", {
            "W": {"Type": "Wait", "Seconds": 300, "End": True}})
        machine = self.create("parent-token", {"Start": {
            "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
            "Parameters": {"StateMachineArn": holder,
                           "Input": {"token.$": "$$.Task.Token", "a.$": "$.a"}},
            "End": True}})
        arn = self.sfn.start_execution(stateMachineArn=machine, input='{"a": 9}')["executionArn"]
        child = harness.wait_for(
            lambda: self.sfn.list_executions(stateMachineArn=holder)["executions"],
            what="the child execution")[0]
        child_input = json.loads(self.sfn.describe_execution(
            executionArn=child["executionArn"])["input"])
        self.assertEqual(child_input["a"], 9)
        self.assertEqual(self.sfn.describe_execution(executionArn=arn)["status"], "RUNNING")
        submitted = [e for e in self.events(arn) if e["type"] == "TaskSubmitted"]
        self.assertEqual(len(submitted), 1)
        self.assertEqual(json.loads(submitted[0]["taskSubmittedEventDetails"]["output"])
                         ["ExecutionArn"], child["executionArn"])
        self.sfn.send_task_success(taskToken=child_input["token"], output='{"from": "child"}')
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual((d["status"], json.loads(d["output"])),
                         ("SUCCEEDED", {"from": "child"}))
        self.sfn.stop_execution(executionArn=child["executionArn"])


class EchoHandler(http.server.BaseHTTPRequestHandler):
    """Answers every request with what it received; paths under /status/<code> answer <code>."""

    seen = []

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        EchoHandler.seen.append({"method": self.command, "path": self.path,
                                 "headers": {k.lower(): v for k, v in self.headers.items()},
                                 "body": body})
        code = int(self.path.split("/status/")[1].split("?")[0]) \
            if "/status/" in self.path else 200
        out = json.dumps({"method": self.command, "path": self.path,
                          "body": json.loads(body) if body else None}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Echo", "yes")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_DELETE = answer

    def log_message(self, *args):
        pass


class HttpTaskTest(ApiTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
        cls.base = f"http://127.0.0.1:{cls.http.server_address[1]}"
        threading.Thread(target=cls.http.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.http.shutdown()
        cls.http.server_close()
        super().tearDownClass()

    def http_machine(self, name, parameters, extra=None):
        task = {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                "Parameters": dict({"Authentication": {"ConnectionArn": CONNECTION}},
                                   **parameters), "End": True}
        task.update(extra or {})
        return self.create(name, {"Call": task})

    def test_a_post_sends_body_headers_and_query_and_returns_the_response(self):
        EchoHandler.seen.clear()
        machine = self.http_machine("http-post", {
            "ApiEndpoint": f"{self.base}/items", "Method": "POST",
            "Headers": {"X-Custom": "abc"}, "QueryParameters": {"page": "2"},
            "RequestBody": {"v.$": "$.v", "fixed": True}})
        arn = self.sfn.start_execution(stateMachineArn=machine, input='{"v": 7}')["executionArn"]
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual(d["status"], "SUCCEEDED", d.get("cause"))
        seen = EchoHandler.seen[-1]
        self.assertEqual((seen["method"], seen["path"]), ("POST", "/items?page=2"))
        self.assertEqual(seen["headers"]["x-custom"], "abc")
        self.assertEqual(json.loads(seen["body"]), {"v": 7, "fixed": True})
        out = json.loads(d["output"])
        self.assertEqual(out["StatusCode"], 200)
        self.assertEqual(out["StatusText"], "OK")
        self.assertEqual(out["ResponseBody"]["body"], {"v": 7, "fixed": True})
        headers = {k.lower(): v for k, v in out["Headers"].items()}
        self.assertEqual(headers["x-echo"], ["yes"])
        scheduled = self.wait_for_event(arn, "TaskScheduled")["taskScheduledEventDetails"]
        self.assertEqual((scheduled["resourceType"], scheduled["resource"]), ("http", "invoke"))

    def test_a_get_with_result_selector(self):
        machine = self.http_machine("http-get", {
            "ApiEndpoint": f"{self.base}/thing", "Method": "GET"},
            {"ResultSelector": {"code.$": "$.StatusCode", "path.$": "$.ResponseBody.path"}})
        arn = self.sfn.start_execution(stateMachineArn=machine)["executionArn"]
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual(json.loads(d["output"]), {"code": 200, "path": "/thing"})

    def test_a_status_outside_2xx_fails_with_states_http_status_code(self):
        machine = self.http_machine("http-404", {
            "ApiEndpoint": f"{self.base}/status/404", "Method": "GET"})
        arn = self.sfn.start_execution(stateMachineArn=machine)["executionArn"]
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual((d["status"], d["error"]), ("FAILED", "States.Http.StatusCode.404"))
        failed = [e for e in self.events(arn) if e["type"] == "TaskFailed"][0]
        self.assertEqual(failed["taskFailedEventDetails"]["error"], "States.Http.StatusCode.404")

    def test_an_http_error_can_be_retried_and_caught(self):
        machine = self.create("http-caught", {
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                     "Parameters": {"ApiEndpoint": f"{self.base}/status/503", "Method": "GET",
                                    "Authentication": {"ConnectionArn": CONNECTION}},
                     "Retry": [{"ErrorEquals": ["States.Http.StatusCode.503"],
                                "IntervalSeconds": 1, "MaxAttempts": 1}],
                     "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Fallback",
                                "ResultPath": "$.error"}],
                     "End": True},
            "Fallback": {"Type": "Pass", "End": True}})
        arn = self.sfn.start_execution(stateMachineArn=machine)["executionArn"]
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(json.loads(d["output"])["error"]["Error"],
                         "States.Http.StatusCode.503")
        types = [e["type"] for e in self.events(arn)]
        self.assertEqual(types.count("TaskFailed"), 2)

    def test_nothing_listening_fails_the_task(self):
        with http.server.HTTPServer(("127.0.0.1", 0), EchoHandler) as closed:
            port = closed.server_address[1]
        machine = self.http_machine("http-refused", {
            "ApiEndpoint": f"http://127.0.0.1:{port}/x", "Method": "GET"})
        arn = self.sfn.start_execution(stateMachineArn=machine)["executionArn"]
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual(d["status"], "FAILED")
        self.assertTrue(d["error"].startswith("States."), d["error"])


if __name__ == "__main__":
    BATON = harness.baton_binary()
    unittest.main()
