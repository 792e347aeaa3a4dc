"""Issue 9: what a careless user or an attacker did to `baton serve` that lost data or stopped it
for good. Each test drives a real server process on a real SQLite file and restarts it.

- values nested as deep as a document may be are kept and read back after a restart; deeper
  ones are refused, and a workflow that nests or grows its data without bound fails with
  States.DataLimitExceeded instead of filling the disk;
- an execution whose stored state cannot be read back fails on its own, and the others recover;
- two servers cannot share a data folder;
- a damaged page in the database is found at start-up, with the executions it holds;
- what a reply acknowledged (StartExecution, SendTaskSuccess) exists after a kill -9 that
  follows the reply at once.
"""

import concurrent.futures
import http.client
import json
import os
import sqlite3
import subprocess
import time
import unittest

import harness

WAIT = {"StartAt": "Hold", "States": {
    "Hold": {"Type": "Wait", "Seconds": 3600, "End": True}}}

ACTIVITY = "hardening-work"
TASK = {"StartAt": "Work", "States": {
    "Work": {"Type": "Task", "Resource": harness.activity_arn(ACTIVITY),
             "Parameters": {"name.$": "$$.Execution.Name", "n.$": "$.n"}, "End": True}}}



def endless(first):
    """`first`, then a Wait, again and again: the Choice's way out is never taken."""
    return {"StartAt": "Grow", "States": {
        "Grow": {"Type": "Pass", "Parameters": first, "Next": "Nap"},
        "Nap": {"Type": "Wait", "Seconds": 0, "Next": "Again"},
        "Again": {"Type": "Choice", "Default": "Grow",
                  "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}]},
        "Done": {"Type": "Succeed"}}}


WRAP = endless({"v.$": "States.Array($)"})
DOUBLE = endless({"a.$": "$", "b.$": "$"})


def nested(depth):
    return "[" * depth + "]" * depth


def db_path(server):
    return os.path.join(server.data, "baton.db")


class Fresh(unittest.TestCase):
    """Each test with a server of its own, on a data folder of its own."""

    def setUp(self):
        self.server = harness.Server(harness.BATON).start()
        self.sfn = self.server.client()

    def tearDown(self):
        self.sfn.close()
        self.server.close()

    def machine(self, name, definition, kind="STANDARD"):
        return self.sfn.create_state_machine(name=name, definition=json.dumps(definition),
                                             roleArn=harness.ROLE, type=kind)["stateMachineArn"]

    def restart(self):
        self.server.kill()
        self.server.start()
        self.reconnect()

    def reconnect(self):
        self.sfn.close()
        self.sfn = self.server.client()


class DeepAndLargeData(Fresh):
    def test_the_deepest_input_allowed_is_kept_and_read_back_after_a_restart(self):
        machine = self.machine("deep", WAIT)
        arn = self.sfn.start_execution(stateMachineArn=machine, name="deep",
                                       input=nested(1000))["executionArn"]
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            self.sfn.start_execution(stateMachineArn=machine, name="deeper", input=nested(1001))
        error = caught.exception.response["Error"]
        self.assertEqual(error["Code"], "InvalidExecutionInput")
        self.assertIn("exceeds the maximum allowed (1000)", error["Message"])
        self.restart()
        described = self.sfn.describe_execution(executionArn=arn)
        self.assertEqual(described["status"], "RUNNING")
        self.assertEqual(described["input"], nested(1000))

    def test_a_workflow_nesting_its_data_without_end_fails_and_baton_restarts(self):
        for kind in ("STANDARD", "EXPRESS"):
            machine = self.machine("wrap-" + kind.lower(), WRAP, kind)
            arn = self.sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
            if kind == "STANDARD":
                described = harness.wait_for_status(self.sfn, arn, timeout=60)
                self.assertEqual(described["status"], "FAILED")
                self.assertEqual(described["error"], "States.DataLimitExceeded")
                self.assertIn("nested deeper than 1000 levels", described["cause"])
        # The EXPRESS one ran in memory beside it; the server is still up, and restarts.
        self.restart()
        names = {m["name"] for m in self.sfn.list_state_machines()["stateMachines"]}
        self.assertEqual(names, {"wrap-standard", "wrap-express"})

    def test_a_workflow_doubling_its_payload_fails_at_256_kib_not_at_the_disk(self):
        machine = self.machine("double", DOUBLE)
        arn = self.sfn.start_execution(stateMachineArn=machine,
                                       input=json.dumps({"x": "0123456789"}))["executionArn"]
        described = harness.wait_for_status(self.sfn, arn, timeout=60)
        self.assertEqual(described["status"], "FAILED")
        self.assertEqual(described["error"], "States.DataLimitExceeded")
        # 15 doublings reach the quota; the database holds a few megabytes, not hundreds.
        self.assertLess(os.path.getsize(db_path(self.server)) +
                        os.path.getsize(db_path(self.server) + "-wal"), 40 * 1024 * 1024)
        self.restart()
        self.assertEqual(self.sfn.describe_execution(executionArn=arn)["status"], "FAILED")


class Recovery(Fresh):
    def test_an_execution_that_cannot_be_read_back_fails_alone(self):
        self.sfn.create_activity(name=ACTIVITY)
        machine = self.machine("work", TASK)
        broken = self.sfn.start_execution(stateMachineArn=machine, name="broken",
                                          input='{"n": 0}')["executionArn"]
        sound = self.sfn.start_execution(stateMachineArn=machine, name="sound",
                                         input='{"n": 1}')["executionArn"]
        self.server.stop()
        db = sqlite3.connect(db_path(self.server))
        db.execute("UPDATE executions SET state = ? WHERE arn = ?",
                   (json.dumps({"version": 999}), broken))
        db.commit()
        db.close()
        self.server.start()
        self.reconnect()
        self.assertIn(f"execution {broken} cannot be recovered", self.server.log())
        described = harness.wait_for_status(self.sfn, broken)
        self.assertEqual(described["status"], "FAILED")
        self.assertEqual(described["error"], "States.Runtime")
        self.assertIn("could not take up this execution again", described["cause"])
        events = self.sfn.get_execution_history(executionArn=broken)["events"]
        self.assertEqual(events[-1]["type"], "ExecutionFailed")
        # The other one is still served: its task is handed out, and its answer ends it.
        task = self.sfn.get_activity_task(activityArn=harness.activity_arn(ACTIVITY))
        for _ in range(2):
            if json.loads(task.get("input") or "{}").get("n") == 1:
                break
            task = self.sfn.get_activity_task(activityArn=harness.activity_arn(ACTIVITY))
        self.sfn.send_task_success(taskToken=task["taskToken"], output='{"done": true}')
        self.assertEqual(harness.wait_for_status(self.sfn, sound)["status"], "SUCCEEDED")

    def test_a_second_server_on_the_same_data_folder_says_who_holds_it(self):
        second = subprocess.run(
            [harness.BATON, "serve", "--port", "0", "--api-port", "0", "--data", self.server.data],
            capture_output=True, text=True, timeout=10)
        self.assertEqual(second.returncode, 1)
        self.assertIn(f"is in use by another baton (pid {self.server.process.pid}",
                      second.stderr)
        # The first one was not disturbed.
        self.assertEqual(self.sfn.list_state_machines()["stateMachines"], [])

    def test_a_damaged_page_is_found_at_start_up_with_the_executions_it_holds(self):
        machine = self.machine("wait", WAIT)
        big = json.dumps({"pad": "x" * 3000})
        arns = [self.sfn.start_execution(stateMachineArn=machine, name=f"e{i:03d}",
                                         input=big)["executionArn"] for i in range(150)]
        self.server.stop()
        path = db_path(self.server)
        db = sqlite3.connect(path)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        # A leaf page of the history table, in the middle of the file.
        pages = [p for (p,) in db.execute(
            "SELECT pageno FROM dbstat WHERE name = 'history' AND pagetype = 'leaf' "
            "ORDER BY pageno")]
        db.close()
        self.assertGreater(len(pages), 4)
        page = pages[len(pages) // 2]
        with open(path, "r+b") as f:
            f.seek((page - 1) * page_size + 8)
            f.write(os.urandom(page_size - 16))
        done = subprocess.run([harness.BATON, "serve", "--port", "0", "--api-port", "0", "--data", self.server.data],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("is damaged", done.stderr)
        named = [arn for arn in arns if arn in done.stderr]
        self.assertTrue(named, done.stderr)
        self.assertIn("its history", done.stderr)
        check = subprocess.run([harness.BATON, "serve", "--check", "--data", self.server.data],
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(check.returncode, 1)
        self.assertIn("is damaged", check.stderr)

    def test_check_says_a_sound_database_is_sound(self):
        self.machine("wait", WAIT)
        self.server.stop()
        check = subprocess.run([harness.BATON, "serve", "--check", "--data", self.server.data],
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(check.returncode, 0, check.stderr)
        self.assertIn("is sound", check.stderr)


def post(port, target, body):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/", body=json.dumps(body),
                       headers={"Content-Type": "application/x-amz-json-1.0",
                                "X-Amz-Target": "AWSStepFunctions." + target})
    response = connection.getresponse()
    text = response.read()
    connection.close()
    return response.status, json.loads(text) if text else None


class KillRightAfterTheReply(Fresh):
    """A reply may only be sent once what it acknowledges is committed. Many requests are in
    flight, so that one group commit holds many of them; the server is killed the moment the
    first replies arrive, and everything that was acknowledged must be there after the restart.
    """

    ROUNDS = 5
    IN_FLIGHT = 64

    def acknowledged_then_kill(self, calls):
        """Runs `calls` concurrently; kills the server as soon as a quarter of them have been
        answered. Returns the indexes of the calls answered 200 (before the kill)."""
        answered = []
        with concurrent.futures.ThreadPoolExecutor(self.IN_FLIGHT) as pool:
            futures = {pool.submit(call): i for i, call in enumerate(calls)}
            for future in concurrent.futures.as_completed(futures):
                try:
                    status, _ = future.result()
                except (ConnectionError, http.client.HTTPException, OSError):
                    continue
                if status == 200:
                    answered.append(futures[future])
                if len(answered) == len(calls) // 4:
                    self.server.kill()
        self.server.kill()
        return answered

    def restart_and_expect(self, names, answered, status):
        """After a restart, every execution whose call was answered has `status`."""
        self.server.start()
        self.reconnect()
        for i in answered:
            arn = harness.execution_arn("work", names[i])
            self.assertEqual(self.sfn.describe_execution(executionArn=arn)["status"], status,
                             f"the call for {names[i]} was acknowledged")

    def test_started_executions_and_task_answers_survive(self):
        machine = self.machine("work", TASK)
        self.sfn.create_activity(name=ACTIVITY)
        for round_ in range(self.ROUNDS):
            port = self.server.port
            names = [f"r{round_}-{i}" for i in range(self.IN_FLIGHT)]
            answered = self.acknowledged_then_kill(
                [lambda n=n: post(port, "StartExecution", {"stateMachineArn": machine, "name": n,
                                                           "input": '{"n": 0}'})
                 for n in names])
            self.restart_and_expect(names, answered, "RUNNING")
        # Answers to tasks: every SendTaskSuccess that was acknowledged has ended its execution.
        running = {e["name"] for e in self.sfn.list_executions(
            stateMachineArn=machine, statusFilter="RUNNING", maxResults=1000)["executions"]}
        tokens = {}
        deadline = time.monotonic() + 60
        while set(tokens) != running and time.monotonic() < deadline:
            task = self.sfn.get_activity_task(activityArn=harness.activity_arn(ACTIVITY))
            if task.get("taskToken"):
                tokens[json.loads(task["input"])["name"]] = task["taskToken"]
        self.assertEqual(set(tokens), running)
        names = sorted(tokens)
        port = self.server.port
        answered = self.acknowledged_then_kill(
            [lambda n=n: post(port, "SendTaskSuccess", {"taskToken": tokens[n], "output": "{}"})
             for n in names])
        self.restart_and_expect(names, answered, "SUCCEEDED")


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
