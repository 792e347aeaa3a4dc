"""Crash safety: 200 executions with waits and activity tasks in flight, `baton serve` killed with
SIGKILL at random moments several times and restarted on the same SQLite file. Every execution
must finish exactly once with the right output, and its history must have no gap and no
duplicate.

The workflow: Pass -> Wait -> activity Task (a worker doubles the number) -> Wait -> Choice ->
Pass. A worker thread polls the activity throughout, following the server across restarts; it may
see a task twice (dispatch is at least once), but the execution must take only one answer.
"""

import http.server
import json
import os
import random
import threading
import time
import unittest

import botocore.exceptions

import harness

EXECUTIONS = 200
KILLS = 6

DEFINITION = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Parameters": {"n.$": "$.n", "seen.$": "$$.Execution.Name"},
                    "Next": "Settle"},
        "Settle": {"Type": "Wait", "Seconds": 1, "Next": "Work"},
        "Work": {"Type": "Task", "Resource": harness.activity_arn("crash-work"),
                 "TimeoutSeconds": 600, "ResultPath": "$.work", "Next": "Cool"},
        "Cool": {"Type": "Wait", "Seconds": 1, "Next": "Check"},
        "Check": {"Type": "Choice",
                  "Choices": [{"Variable": "$.work.doubled", "NumericGreaterThanEquals": 0,
                               "Next": "Done"}],
                  "Default": "Broken"},
        "Broken": {"Type": "Fail", "Error": "Broken"},
        "Done": {"Type": "Pass", "Parameters": {"n.$": "$.n", "doubled.$": "$.work.doubled"},
                 "End": True},
    },
}

# Nested executions and HTTP tasks through the same crashes: an HTTP call to a loopback server
# (at least once), then a child execution with a Wait (.sync:2; started once, by a stable name).
NESTED = 60
CHILD = {"StartAt": "Nap", "States": {
    "Nap": {"Type": "Wait", "Seconds": 1, "Next": "Double"},
    "Double": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"},
               "End": True}}}


def nested_definition(port):
    return {"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                 "Parameters": {"ApiEndpoint": f"http://127.0.0.1:{port}/hit", "Method": "POST",
                                "RequestBody": {"id.$": "$$.Execution.Name"}},
                 "ResultSelector": {"echo.$": "$.ResponseBody.id"}, "ResultPath": "$.http",
                 "Next": "Child"},
        "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                  "Parameters": {"StateMachineArn": harness.machine_arn("crash-child"),
                                 "Input": {"n.$": "$.n"}},
                  "ResultSelector": {"doubled.$": "$.Output.doubled"}, "ResultPath": "$.child",
                  "Next": "Done"},
        "Done": {"Type": "Pass", "Parameters": {"n.$": "$.n", "echo.$": "$.http.echo",
                                                "doubled.$": "$.child.doubled"}, "End": True}}}


class Echo(http.server.BaseHTTPRequestHandler):
    """Answers POST /hit with the body it got, counting the calls per id."""
    hits = {}
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        identity = json.loads(body)["id"]
        with Echo.lock:
            Echo.hits[identity] = Echo.hits.get(identity, 0) + 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


EXPECTED_TYPES = [
    "ExecutionStarted",
    "PassStateEntered", "PassStateExited",
    "WaitStateEntered", "WaitStateExited",
    "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded",
    "TaskStateExited",
    "WaitStateEntered", "WaitStateExited",
    "ChoiceStateEntered", "ChoiceStateExited",
    "PassStateEntered", "PassStateExited",
    "ExecutionSucceeded",
]


class Worker(threading.Thread):
    """Polls the activity and answers every task, across server restarts."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.stop = threading.Event()
        self.received = {}  # execution name -> times its task was handed out
        self.lock = threading.Lock()

    def run(self):
        client, port = None, None
        while not self.stop.is_set():
            try:
                if port != self.server.port:
                    port = self.server.port
                    client = self.server.client()
                task = client.get_activity_task(activityArn=harness.activity_arn("crash-work"),
                                                workerName="crash-worker")
                token = task.get("taskToken")
                if not token:
                    continue
                payload = json.loads(task["input"])
                with self.lock:
                    self.received[payload["seen"]] = self.received.get(payload["seen"], 0) + 1
                self.answer(token, json.dumps({"doubled": payload["n"] * 2}))
            except (botocore.exceptions.EndpointConnectionError,
                    botocore.exceptions.ConnectionClosedError,
                    botocore.exceptions.ReadTimeoutError,
                    botocore.exceptions.ConnectTimeoutError):
                time.sleep(0.05)


    def answer(self, token, output):
        """SendTaskSuccess until it is taken, as a worker must when the server may restart."""
        while not self.stop.is_set():
            try:
                self.server.client().send_task_success(taskToken=token, output=output)
                return
            except botocore.exceptions.ClientError as e:
                if e.response["Error"]["Code"] == "TaskTimedOut":
                    return  # answered already: a task offered again after a restart
                raise
            except (botocore.exceptions.EndpointConnectionError,
                    botocore.exceptions.ConnectionClosedError,
                    botocore.exceptions.ReadTimeoutError):
                time.sleep(0.05)


class CrashTest(unittest.TestCase):
    client, client_port = None, None
    restart_lock = threading.Lock()

    def test_executions_survive_kill_9(self):
        server = harness.Server(BATON).start()
        try:
            self.run_with(server)
        finally:
            server.close()

    def run_with(self, server):
        client = server.client()
        client.create_activity(name="crash-work")
        machine = client.create_state_machine(name="crash", definition=json.dumps(DEFINITION),
                                              roleArn=harness.ROLE)["stateMachineArn"]
        echo = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
        threading.Thread(target=echo.serve_forever, daemon=True).start()
        client.create_state_machine(name="crash-child", definition=json.dumps(CHILD),
                                    roleArn=harness.ROLE)
        nested = client.create_state_machine(
            name="crash-nested", definition=json.dumps(nested_definition(echo.server_port)),
            roleArn=harness.ROLE)["stateMachineArn"]
        worker = Worker(server)
        worker.start()
        rng = random.Random(int(os.environ.get("BATON_CRASH_SEED", "20261123")))
        # A killer thread kills and restarts the server at random moments, while executions
        # start, wait, and have their tasks handed out and answered.
        kills = []

        def killer():
            for _ in range(KILLS):
                time.sleep(rng.uniform(0.5, 2.5))
                with self.restart_lock:
                    server.kill()
                    kills.append(time.monotonic())
                    server.start()

        killing = threading.Thread(target=killer, daemon=True)
        killing.start()
        started = 0
        while started < EXECUTIONS:
            burst = min(EXECUTIONS - started, rng.randint(10, 40))
            for _ in range(burst):
                self.start_idempotently(server, machine, f"run-{started:03d}", started)
                if started < NESTED:
                    self.start_idempotently(server, nested, f"nest-{started:03d}", started)
                started += 1
            time.sleep(rng.uniform(0.05, 0.5))
        killing.join(60)
        self.assertEqual(len(kills), KILLS)
        client = server.client()
        for i in range(EXECUTIONS):
            arn = harness.execution_arn("crash", f"run-{i:03d}")
            description = harness.wait_for_status(client, arn, timeout=40)
            self.assertEqual(description["status"], "SUCCEEDED", f"{arn}: {description}")
            self.assertEqual(json.loads(description["output"]), {"n": i, "doubled": 2 * i}, arn)
            self.check_history(client, arn)
        for i in range(NESTED):
            arn = harness.execution_arn("crash-nested", f"nest-{i:03d}")
            description = harness.wait_for_status(client, arn, timeout=40)
            self.assertEqual(description["status"], "SUCCEEDED", f"{arn}: {description}")
            self.assertEqual(json.loads(description["output"]),
                             {"n": i, "echo": f"nest-{i:03d}", "doubled": 2 * i}, arn)
            self.assertGreaterEqual(Echo.hits.get(f"nest-{i:03d}", 0), 1, arn)
        # One child execution per parent, however often the parent's start was carried out.
        children = client.get_paginator("list_executions").paginate(
            stateMachineArn=harness.machine_arn("crash-child"))
        self.assertEqual(sum(len(page["executions"]) for page in children), NESTED)
        echo.shutdown()
        worker.stop.set()
        worker.join(10)
        # Every execution's task reached the worker (at least once).
        self.assertEqual(len(worker.received), EXECUTIONS)
        listed = client.get_paginator("list_executions").paginate(stateMachineArn=machine)
        names = [e["name"] for page in listed for e in page["executions"]]
        self.assertEqual(sorted(names), [f"run-{i:03d}" for i in range(EXECUTIONS)])
        print(f"crash: {EXECUTIONS} + {NESTED} nested executions, {len(kills)} kills; activity "
              f"tasks handed out {sum(worker.received.values())} times for {EXECUTIONS}; "
              f"HTTP calls {sum(Echo.hits.values())} for {NESTED}")

    def start_idempotently(self, server, machine, name, n):
        """StartExecution, retried across a crash: the same name and input is idempotent while
        the execution runs, and answers ExecutionAlreadyExists once it has ended."""
        body = {"stateMachineArn": machine, "name": name, "input": json.dumps({"n": n})}
        problem = None
        for _ in range(100):
            if self.client_port != server.port:
                self.client, self.client_port = server.client(read_timeout=10), server.port
            try:
                self.client.start_execution(**body)
                return
            except self.client.exceptions.ExecutionAlreadyExists:
                return
            except (botocore.exceptions.EndpointConnectionError,
                    botocore.exceptions.ConnectionClosedError,
                    botocore.exceptions.ReadTimeoutError) as e:
                problem = e
                time.sleep(0.05)
        self.fail(f"could not start {name}: {problem}\n{server.log()[-3000:]}")

    def check_history(self, client, arn):
        pages = client.get_paginator("get_execution_history").paginate(executionArn=arn)
        events = [e for page in pages for e in page["events"]]
        ids = [e["id"] for e in events]
        self.assertEqual(ids, list(range(1, len(events) + 1)), f"{arn}: gap or duplicate")
        types = [e["type"] for e in events]
        self.assertEqual(types, EXPECTED_TYPES, arn)
        for e in events[1:]:
            self.assertLess(e["previousEventId"], e["id"], arn)


if __name__ == "__main__":
    BATON = harness.baton_binary()
    unittest.main()
