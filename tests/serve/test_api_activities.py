"""Activities through boto3: CreateActivity (idempotent), Describe, List, Delete; workers that
long-poll GetActivityTask; SendTaskSuccess/Failure/Heartbeat and the errors AWS gives for tokens
it never issued (InvalidToken), for tasks that already ended (TaskTimedOut) and for output that
is not JSON (InvalidOutput); heartbeat and task timeouts."""

import json
import threading
import time
import unittest

from botocore.exceptions import ClientError

import harness


class ActivityTest(harness.ServerTest):

    def machine(self, name, task_fields):
        state = dict({"Type": "Task", "End": True}, **task_fields)
        return self.sfn.create_state_machine(
            name=name, roleArn=harness.ROLE,
            definition=json.dumps({"StartAt": "Work", "States": {"Work": state}}))[
                "stateMachineArn"]

    def poll_in_background(self, activity, worker="worker"):
        """Starts GetActivityTask on its own client and thread; returns (thread, result)."""
        result = {}

        def poll():
            client = self.server.client()
            try:
                result["response"] = client.get_activity_task(activityArn=activity,
                                                              workerName=worker)
            finally:
                client.close()

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        return thread, result

    def start_with_task(self, name, task_fields=None, input_="{}"):
        """An activity, a machine running it, an execution, and the task a worker took."""
        activity = self.sfn.create_activity(name=f"{name}-activity")["activityArn"]
        machine = self.machine(name, dict({"Resource": activity}, **(task_fields or {})))
        execution = self.sfn.start_execution(stateMachineArn=machine, input=input_)[
            "executionArn"]
        task = self.sfn.get_activity_task(activityArn=activity, workerName="w1")
        self.assertIn("taskToken", task)
        return activity, execution, task

    def history_types(self, execution):
        return [e["type"] for e in
                self.sfn.get_execution_history(executionArn=execution)["events"]]

    # --- the activity resource ---

    def test_create_is_idempotent_by_name(self):
        first = self.sfn.create_activity(name="same")
        self.assertEqual(first["activityArn"], harness.activity_arn("same"))
        again = self.sfn.create_activity(name="same")
        self.assertEqual(again["activityArn"], first["activityArn"])
        self.assertEqual(again["creationDate"], first["creationDate"])
        self.error("InvalidName", self.sfn.create_activity, name="bad name")

    def test_describe_list_delete(self):
        arn = self.sfn.create_activity(name="listed-activity")["activityArn"]
        d = self.sfn.describe_activity(activityArn=arn)
        self.assertEqual((d["activityArn"], d["name"]), (arn, "listed-activity"))
        self.assertIn("creationDate", d)
        listed = {a["activityArn"]: a for a in self.sfn.list_activities()["activities"]}
        self.assertEqual(listed[arn]["name"], "listed-activity")
        self.assertEqual(listed[arn]["creationDate"], d["creationDate"])
        self.sfn.delete_activity(activityArn=arn)
        message = self.error("ActivityDoesNotExist", self.sfn.describe_activity,
                             activityArn=arn)
        self.assertEqual(message, f"Activity Does Not Exist: '{arn}'")
        self.assertNotIn(arn, [a["activityArn"] for a in
                               self.sfn.list_activities()["activities"]])
        self.error("InvalidArn", self.sfn.describe_activity, activityArn="listed-activity")
        self.error("InvalidArn", self.sfn.delete_activity,
                   activityArn=harness.machine_arn("listed-activity"))

    def test_list_activities_in_pages(self):
        made = {self.sfn.create_activity(name=f"paged-{i}")["activityArn"] for i in range(5)}
        seen, token = [], None
        while True:
            kwargs = {"maxResults": 2}
            if token:
                kwargs["nextToken"] = token
            page = self.sfn.list_activities(**kwargs)
            self.assertLessEqual(len(page["activities"]), 2)
            seen.extend(a["activityArn"] for a in page["activities"])
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(len(seen), len(set(seen)))
        self.assertTrue(made <= set(seen))
        self.error("InvalidToken", self.sfn.list_activities, nextToken="garbage")

    def test_more_than_50_tags_is_too_many_tags(self):
        message = self.error("TooManyTags", self.sfn.create_activity, name="crowded",
                             tags=[{"key": f"k{i}", "value": "v"} for i in range(51)])
        self.assertIn(harness.activity_arn("crowded"), message)
        self.error("ActivityDoesNotExist", self.sfn.describe_activity,
                   activityArn=harness.activity_arn("crowded"))

    def test_get_activity_task_on_an_unknown_activity(self):
        self.error("ActivityDoesNotExist", self.sfn.get_activity_task,
                   activityArn=harness.activity_arn("never-made"))
        self.error("InvalidArn", self.sfn.get_activity_task, activityArn="never-made")

    # --- workers ---

    def test_a_waiting_worker_gets_the_task_of_an_execution_started_later(self):
        activity = self.sfn.create_activity(name="long-poll")["activityArn"]
        machine = self.machine("long-poll", {"Resource": activity,
                                             "Parameters": {"n.$": "$.n", "fixed": "f"}})
        thread, result = self.poll_in_background(activity, worker="patient")
        # Nothing to do yet: the poll waits instead of answering.
        time.sleep(0.5)
        self.assertTrue(thread.is_alive())
        execution = self.sfn.start_execution(stateMachineArn=machine, input='{"n": 3}')[
            "executionArn"]
        thread.join(10)
        self.assertFalse(thread.is_alive())
        task = result["response"]
        self.assertTrue(task["taskToken"])
        self.assertEqual(json.loads(task["input"]), {"n": 3, "fixed": "f"})
        self.sfn.send_task_success(taskToken=task["taskToken"], output='{"sum": 4}')
        d = harness.wait_for_status(self.sfn, execution)
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(json.loads(d["output"]), {"sum": 4})
        events = self.sfn.get_execution_history(executionArn=execution)["events"]
        self.assertEqual([(e["id"], e["previousEventId"], e["type"]) for e in events], [
            (1, 0, "ExecutionStarted"), (2, 0, "TaskStateEntered"), (3, 2, "ActivityScheduled"),
            (4, 3, "ActivityStarted"), (5, 4, "ActivitySucceeded"), (6, 5, "TaskStateExited"),
            (7, 6, "ExecutionSucceeded")])
        scheduled = events[2]["activityScheduledEventDetails"]
        self.assertEqual(scheduled["resource"], activity)
        self.assertEqual(json.loads(scheduled["input"]), {"n": 3, "fixed": "f"})
        self.assertEqual(events[3]["activityStartedEventDetails"], {"workerName": "patient"})
        self.assertEqual(json.loads(events[4]["activitySucceededEventDetails"]["output"]),
                         {"sum": 4})

    def test_two_workers_each_get_one_task(self):
        activity = self.sfn.create_activity(name="pair")["activityArn"]
        machine = self.machine("pair", {"Resource": activity})
        polls = [self.poll_in_background(activity, worker=f"w{i}") for i in range(2)]
        time.sleep(0.2)
        executions = [self.sfn.start_execution(stateMachineArn=machine,
                                               input=json.dumps({"i": i}))["executionArn"]
                      for i in range(2)]
        tokens, inputs = set(), []
        for thread, result in polls:
            thread.join(10)
            tokens.add(result["response"]["taskToken"])
            inputs.append(json.loads(result["response"]["input"])["i"])
        self.assertEqual(len(tokens), 2)
        self.assertEqual(sorted(inputs), [0, 1])
        for token in tokens:
            self.sfn.send_task_success(taskToken=token, output="{}")
        for execution in executions:
            self.assertEqual(harness.wait_for_status(self.sfn, execution)["status"],
                             "SUCCEEDED")

    def test_a_task_scheduled_before_any_worker_waits_for_one(self):
        activity, execution, task = self.start_with_task("queued", input_='{"q": 1}')
        self.assertEqual(json.loads(task["input"]), {"q": 1})
        self.assertEqual(self.sfn.describe_execution(executionArn=execution)["status"],
                         "RUNNING")
        self.sfn.send_task_success(taskToken=task["taskToken"], output='"done"')
        self.assertEqual(harness.wait_for_status(self.sfn, execution)["output"], '"done"')

    # --- answers ---

    def test_send_task_failure_fails_the_execution_with_error_and_cause(self):
        _, execution, task = self.start_with_task("failing")
        self.sfn.send_task_failure(taskToken=task["taskToken"], error="Worker.Error",
                                   cause="could not")
        d = harness.wait_for_status(self.sfn, execution)
        self.assertEqual((d["status"], d["error"], d["cause"]),
                         ("FAILED", "Worker.Error", "could not"))
        events = self.sfn.get_execution_history(executionArn=execution)["events"]
        self.assertEqual(events[-2]["type"], "ActivityFailed")
        self.assertEqual(events[-2]["activityFailedEventDetails"],
                         {"error": "Worker.Error", "cause": "could not"})

    def test_a_caught_failure_goes_to_the_catcher(self):
        activity = self.sfn.create_activity(name="caught-activity")["activityArn"]
        machine = self.sfn.create_state_machine(
            name="caught", roleArn=harness.ROLE, definition=json.dumps({
                "StartAt": "Work", "States": {
                    "Work": {"Type": "Task", "Resource": activity, "Next": "Done",
                             "Catch": [{"ErrorEquals": ["Worker.Error"], "ResultPath": "$.err",
                                        "Next": "Handled"}]},
                    "Handled": {"Type": "Pass", "End": True},
                    "Done": {"Type": "Succeed"}}}))["stateMachineArn"]
        execution = self.sfn.start_execution(stateMachineArn=machine, input='{"k": 1}')[
            "executionArn"]
        task = self.sfn.get_activity_task(activityArn=activity)
        self.sfn.send_task_failure(taskToken=task["taskToken"], error="Worker.Error",
                                   cause="c")
        d = harness.wait_for_status(self.sfn, execution)
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(json.loads(d["output"]),
                         {"k": 1, "err": {"Error": "Worker.Error", "Cause": "c"}})

    def test_a_second_answer_for_the_same_token_is_task_timed_out(self):
        _, execution, task = self.start_with_task("answered")
        self.sfn.send_task_success(taskToken=task["taskToken"], output='{"first": 1}')
        self.error("TaskTimedOut", self.sfn.send_task_success, taskToken=task["taskToken"],
                   output='{"second": 2}')
        self.error("TaskTimedOut", self.sfn.send_task_failure, taskToken=task["taskToken"])
        self.error("TaskTimedOut", self.sfn.send_task_heartbeat, taskToken=task["taskToken"])
        d = harness.wait_for_status(self.sfn, execution)
        self.assertEqual(json.loads(d["output"]), {"first": 1})

    def test_a_token_never_issued_is_invalid_token(self):
        for call, kwargs in ((self.sfn.send_task_success, {"output": "{}"}),
                             (self.sfn.send_task_failure, {}),
                             (self.sfn.send_task_heartbeat, {})):
            self.error("InvalidToken", call, taskToken="never-issued", **kwargs)

    def test_output_that_is_not_json_is_invalid_output_and_the_task_stays_open(self):
        _, execution, task = self.start_with_task("bad-output")
        message = self.error("InvalidOutput", self.sfn.send_task_success,
                             taskToken=task["taskToken"], output="not json")
        self.assertTrue(message)
        self.sfn.send_task_success(taskToken=task["taskToken"], output="[1, 2]")
        d = harness.wait_for_status(self.sfn, execution)
        self.assertEqual((d["status"], json.loads(d["output"])), ("SUCCEEDED", [1, 2]))

    def test_a_stopped_execution_ends_its_task(self):
        _, execution, task = self.start_with_task("stopped-task")
        self.sfn.stop_execution(executionArn=execution)
        harness.wait_for_status(self.sfn, execution)
        self.error("TaskTimedOut", self.sfn.send_task_success, taskToken=task["taskToken"],
                   output="{}")

    # --- timeouts ---

    def test_heartbeats_keep_a_task_alive_past_its_heartbeat_seconds(self):
        _, execution, task = self.start_with_task("beating", {"HeartbeatSeconds": 1})
        for _ in range(3):
            time.sleep(0.5)
            self.sfn.send_task_heartbeat(taskToken=task["taskToken"])
        self.assertEqual(self.sfn.describe_execution(executionArn=execution)["status"],
                         "RUNNING")
        self.sfn.send_task_success(taskToken=task["taskToken"], output='{"alive": true}')
        d = harness.wait_for_status(self.sfn, execution)
        self.assertEqual(d["status"], "SUCCEEDED")

    def test_a_missed_heartbeat_fails_the_execution_and_a_late_answer_is_task_timed_out(self):
        _, execution, task = self.start_with_task("silent", {"HeartbeatSeconds": 1})
        d = harness.wait_for_status(self.sfn, execution, timeout=10)
        self.assertEqual(d["status"], "FAILED")
        events = self.sfn.get_execution_history(executionArn=execution)["events"]
        self.assertEqual([e["type"] for e in events][-2:], ["ActivityTimedOut", "ExecutionFailed"])
        self.assertEqual(events[-1]["previousEventId"], events[-2]["id"])
        self.assertEqual(events[2]["activityScheduledEventDetails"]["heartbeatInSeconds"], 1)
        self.error("TaskTimedOut", self.sfn.send_task_success, taskToken=task["taskToken"],
                   output="{}")

    def test_a_missed_heartbeat_is_recorded_as_states_timeout(self):
        # AWS records a missed heartbeat as States.Timeout, in the TaskTimedOut/ActivityTimedOut
        # event and in ExecutionFailed (LocalStack's AWS-validated snapshot
        # tests/aws/services/stepfunctions/v2/timeouts/test_heartbeats.snapshot.json); only a
        # Catch or Retry naming States.HeartbeatTimeout tells it apart.
        _, execution, _ = self.start_with_task("silent-name", {"HeartbeatSeconds": 1})
        d = harness.wait_for_status(self.sfn, execution, timeout=10)
        self.assertEqual(d["error"], "States.Timeout")

    def test_a_task_that_timed_out_before_a_worker_came_is_not_handed_out(self):
        activity = self.sfn.create_activity(name="expired-activity")["activityArn"]
        machine = self.machine("expired", {"Resource": activity, "TimeoutSeconds": 1})
        expired = self.sfn.start_execution(stateMachineArn=machine, input='{"n": 1}')[
            "executionArn"]
        d = harness.wait_for_status(self.sfn, expired, timeout=10)
        self.assertEqual((d["status"], d["error"]), ("FAILED", "States.Timeout"))
        self.assertNotIn("ActivityStarted", self.history_types(expired))
        # The next worker gets the next execution's task, not the expired one.
        fresh = self.sfn.start_execution(stateMachineArn=machine, input='{"n": 2}')[
            "executionArn"]
        task = self.sfn.get_activity_task(activityArn=activity, workerName="late")
        self.assertEqual(json.loads(task["input"]), {"n": 2})
        self.sfn.send_task_success(taskToken=task["taskToken"], output="{}")
        self.assertEqual(harness.wait_for_status(self.sfn, fresh)["status"], "SUCCEEDED")

    def test_timeout_seconds_fails_the_task_with_states_timeout(self):
        _, execution, task = self.start_with_task("slow", {"TimeoutSeconds": 1})
        d = harness.wait_for_status(self.sfn, execution, timeout=10)
        self.assertEqual((d["status"], d["error"]), ("FAILED", "States.Timeout"))
        events = self.sfn.get_execution_history(executionArn=execution)["events"]
        self.assertEqual(events[-2]["type"], "ActivityTimedOut")
        self.assertEqual(events[-2]["activityTimedOutEventDetails"]["error"], "States.Timeout")
        self.error("TaskTimedOut", self.sfn.send_task_heartbeat, taskToken=task["taskToken"])


if __name__ == "__main__":
    BATON = harness.baton_binary()
    unittest.main()
