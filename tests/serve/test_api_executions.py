"""Executions through boto3: StartExecution (idempotency, names, input), DescribeExecution,
DescribeStateMachineForExecution, ListExecutions (filters, pages, newest first),
GetExecutionHistory (order, pages, data), StopExecution, RedriveExecution, timeouts and EXPRESS
machines (StartSyncExecution), checked against what AWS answers."""

import json
import re
import threading
import time
import unittest

from botocore.exceptions import ClientError

import harness

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"done": True},
                                         "ResultPath": "$.r", "End": True}}}
WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 300, "End": True}}}
FAIL = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "it broke"}}}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class ApiTest(harness.ServerTest):
    """One server for the class; helpers shared by the tests."""

    def create(self, name, definition, **kwargs):
        return self.sfn.create_state_machine(
            name=name, definition=json.dumps(definition), roleArn=harness.ROLE,
            **kwargs)["stateMachineArn"]

    def run_to_end(self, machine, **kwargs):
        arn = self.sfn.start_execution(stateMachineArn=machine, **kwargs)["executionArn"]
        return harness.wait_for_status(self.sfn, arn)

    def history(self, arn, **kwargs):
        return self.sfn.get_execution_history(executionArn=arn, **kwargs)["events"]


class StartExecutionTest(ApiTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wait = cls.create(cls, "start-wait", WAIT)
        cls.pass_ = cls.create(cls, "start-pass", PASS)

    def test_same_name_and_input_while_running_returns_the_first_execution(self):
        first = self.sfn.start_execution(stateMachineArn=self.wait, name="twice",
                                         input='{"a": 1}')
        self.assertEqual(first["executionArn"], harness.execution_arn("start-wait", "twice"))
        again = self.sfn.start_execution(stateMachineArn=self.wait, name="twice",
                                         input='{"a": 1}')
        self.assertEqual(again["executionArn"], first["executionArn"])
        self.assertEqual(again["startDate"], first["startDate"])
        executions = self.sfn.list_executions(stateMachineArn=self.wait)["executions"]
        self.assertEqual([e["name"] for e in executions].count("twice"), 1)

    def test_same_name_with_other_input_is_execution_already_exists(self):
        arn = self.sfn.start_execution(stateMachineArn=self.wait, name="clash",
                                       input='{"a": 1}')["executionArn"]
        message = self.error("ExecutionAlreadyExists", self.sfn.start_execution,
                             stateMachineArn=self.wait, name="clash", input='{"a": 2}')
        self.assertEqual(message, f"Execution Already Exists: '{arn}'")

    def test_same_name_after_the_execution_ended_is_execution_already_exists(self):
        d = self.run_to_end(self.pass_, name="ended", input="{}")
        self.assertEqual(d["status"], "SUCCEEDED")
        self.error("ExecutionAlreadyExists", self.sfn.start_execution,
                   stateMachineArn=self.pass_, name="ended", input="{}")

    def test_without_a_name_one_is_made_and_input_defaults_to_an_empty_object(self):
        started = self.sfn.start_execution(stateMachineArn=self.pass_)
        name = started["executionArn"].rsplit(":", 1)[1]
        self.assertRegex(name, UUID)
        d = harness.wait_for_status(self.sfn, started["executionArn"])
        self.assertEqual(d["name"], name)
        self.assertEqual(json.loads(d["input"]), {})
        self.assertEqual(json.loads(d["output"]), {"r": {"done": True}})

    def test_input_that_is_not_json_is_invalid_execution_input(self):
        message = self.error("InvalidExecutionInput", self.sfn.start_execution,
                             stateMachineArn=self.pass_, input="{not json")
        self.assertTrue(message.startswith("Invalid State Machine Execution Input: "), message)

    def test_bad_names_and_unknown_machines(self):
        self.error("InvalidName", self.sfn.start_execution, stateMachineArn=self.pass_,
                   name="has:colon")
        self.error("ValidationException", self.sfn.start_execution, stateMachineArn=self.pass_,
                   name="n" * 81)
        self.error("StateMachineDoesNotExist", self.sfn.start_execution,
                   stateMachineArn=harness.machine_arn("start-none"))
        self.error("InvalidArn", self.sfn.start_execution, stateMachineArn="start-none")


class DescribeExecutionTest(ApiTest):

    def test_a_succeeded_execution(self):
        machine = self.create("describe-ok", PASS)
        d = self.run_to_end(machine, name="ok", input='{"in": 1}', traceHeader="Root=1-abc")
        self.assertEqual(d["executionArn"], harness.execution_arn("describe-ok", "ok"))
        self.assertEqual(d["stateMachineArn"], machine)
        self.assertEqual(d["name"], "ok")
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(json.loads(d["input"]), {"in": 1})
        self.assertEqual(d["inputDetails"], {"included": True})
        self.assertEqual(json.loads(d["output"]), {"in": 1, "r": {"done": True}})
        self.assertEqual(d["outputDetails"], {"included": True})
        self.assertLessEqual(d["startDate"], d["stopDate"])
        self.assertEqual(d["traceHeader"], "Root=1-abc")
        self.assertEqual(d["redriveCount"], 0)
        self.assertEqual(d["redriveStatus"], "NOT_REDRIVABLE")
        self.assertNotIn("error", d)
        self.assertNotIn("cause", d)

    def test_a_failed_execution_has_error_and_cause_and_no_output(self):
        machine = self.create("describe-fail", FAIL)
        d = self.run_to_end(machine)
        self.assertEqual(d["status"], "FAILED")
        self.assertEqual((d["error"], d["cause"]), ("Boom", "it broke"))
        self.assertNotIn("output", d)
        self.assertEqual(d["redriveStatus"], "REDRIVABLE")

    def test_a_running_execution_has_no_stop_date(self):
        machine = self.create("describe-running", WAIT)
        arn = self.sfn.start_execution(stateMachineArn=machine)["executionArn"]
        d = self.sfn.describe_execution(executionArn=arn)
        self.assertEqual(d["status"], "RUNNING")
        self.assertNotIn("stopDate", d)
        self.assertNotIn("output", d)

    def test_timed_out_execution_shows_no_error_or_cause(self):
        machine = self.create("describe-timeout", dict(WAIT, TimeoutSeconds=1))
        d = self.run_to_end(machine)
        self.assertEqual(d["status"], "TIMED_OUT")
        # AWS leaves error and cause out; States.Timeout is in the history.
        self.assertNotIn("error", d)
        self.assertNotIn("cause", d)
        last = self.history(d["executionArn"], reverseOrder=True, maxResults=1)[0]
        self.assertEqual(last["type"], "ExecutionTimedOut")
        self.assertEqual(last["executionTimedOutEventDetails"]["error"], "States.Timeout")

    def test_unknown_and_malformed_execution_arns(self):
        arn = harness.execution_arn("nobody", "nothing")
        message = self.error("ExecutionDoesNotExist", self.sfn.describe_execution,
                             executionArn=arn)
        self.assertEqual(message, f"Execution Does Not Exist: '{arn}'")
        self.error("InvalidArn", self.sfn.describe_execution, executionArn="nothing")
        self.error("InvalidArn", self.sfn.describe_execution,
                   executionArn=harness.machine_arn("nobody"))
        self.error("ExecutionDoesNotExist", self.sfn.describe_state_machine_for_execution,
                   executionArn=arn)

    def test_describe_state_machine_for_execution_keeps_the_definition_it_started_with(self):
        self.create("for-execution-twin", WAIT)  # the same definition, made earlier
        time.sleep(0.05)
        machine = self.create("for-execution", WAIT)
        created = self.sfn.describe_state_machine(stateMachineArn=machine)["creationDate"]
        time.sleep(0.05)
        arn = self.sfn.start_execution(stateMachineArn=machine)["executionArn"]
        updated = self.sfn.update_state_machine(stateMachineArn=machine,
                                                definition=json.dumps(PASS))
        d = self.sfn.describe_state_machine_for_execution(executionArn=arn)
        self.assertEqual(d["stateMachineArn"], machine)
        self.assertEqual(d["name"], "for-execution")
        self.assertEqual(json.loads(d["definition"]), WAIT)
        self.assertEqual(d["roleArn"], harness.ROLE)
        # "For a newly created state machine, this is the creation date" (AWS API reference).
        self.assertEqual(d["updateDate"], created)
        self.assertNotIn("revisionId", d)
        later = self.run_to_end(machine)
        d = self.sfn.describe_state_machine_for_execution(executionArn=later["executionArn"])
        self.assertEqual(json.loads(d["definition"]), PASS)
        self.assertEqual(d["updateDate"], updated["updateDate"])
        self.assertEqual(d["revisionId"], updated["revisionId"])
        self.sfn.stop_execution(executionArn=arn)


class ListExecutionsTest(ApiTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Even-numbered executions wait; odd ones succeed at once.
        cls.machine = cls.create(cls, "listed", {"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Default": "P",
                  "Choices": [{"Variable": "$.wait", "BooleanEquals": True, "Next": "W"}]},
            "W": {"Type": "Wait", "Seconds": 300, "End": True},
            "P": {"Type": "Pass", "End": True}}})
        cls.arns = []
        for i in range(7):
            cls.arns.append(cls.sfn.start_execution(
                stateMachineArn=cls.machine, name=f"x{i}",
                input=json.dumps({"wait": i % 2 == 0}))["executionArn"])
            time.sleep(0.002)  # distinct start times: newest first is then x6 ... x0
        for arn in cls.arns[1::2]:
            harness.wait_for_status(cls.sfn, arn)

    def test_pages_of_three_are_newest_first_and_cover_all(self):
        pages, token = [], None
        while True:
            kwargs = {"stateMachineArn": self.machine, "maxResults": 3}
            if token:
                kwargs["nextToken"] = token
            page = self.sfn.list_executions(**kwargs)
            pages.append([e["name"] for e in page["executions"]])
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(pages, [["x6", "x5", "x4"], ["x3", "x2", "x1"], ["x0"]])

    def test_status_filter(self):
        running = self.sfn.list_executions(stateMachineArn=self.machine, statusFilter="RUNNING")
        self.assertEqual([e["name"] for e in running["executions"]], ["x6", "x4", "x2", "x0"])
        done = self.sfn.list_executions(stateMachineArn=self.machine, statusFilter="SUCCEEDED")
        self.assertEqual([e["name"] for e in done["executions"]], ["x5", "x3", "x1"])
        item = done["executions"][0]
        self.assertEqual(item["executionArn"], self.arns[5])
        self.assertEqual(item["stateMachineArn"], self.machine)
        self.assertEqual(item["status"], "SUCCEEDED")
        self.assertIn("startDate", item)
        self.assertIn("stopDate", item)
        self.assertNotIn("stopDate", running["executions"][0])
        self.assertEqual(self.sfn.list_executions(stateMachineArn=self.machine,
                                                  statusFilter="ABORTED")["executions"], [])
        message = self.error("ValidationException", self.sfn.list_executions,
                             stateMachineArn=self.machine, statusFilter="SLEEPING")
        self.assertIn("statusFilter", message)

    def test_status_filter_with_pages(self):
        first = self.sfn.list_executions(stateMachineArn=self.machine, statusFilter="RUNNING",
                                         maxResults=3)
        self.assertEqual([e["name"] for e in first["executions"]], ["x6", "x4", "x2"])
        second = self.sfn.list_executions(stateMachineArn=self.machine, statusFilter="RUNNING",
                                          maxResults=3, nextToken=first["nextToken"])
        self.assertEqual([e["name"] for e in second["executions"]], ["x0"])
        self.assertNotIn("nextToken", second)

    def test_bad_token_unknown_machine_and_no_machine(self):
        self.error("InvalidToken", self.sfn.list_executions, stateMachineArn=self.machine,
                   nextToken="garbage")
        self.error("StateMachineDoesNotExist", self.sfn.list_executions,
                   stateMachineArn=harness.machine_arn("listed-none"))
        self.error("ValidationException", self.sfn.list_executions)


class HistoryTest(ApiTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        machine = cls.create(cls, "history", {"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Result": {"a": 1}, "Next": "B"},
            "B": {"Type": "Pass", "Result": {"b": 2}, "ResultPath": "$.b", "End": True}}})
        cls.arn = cls.run_to_end(cls, machine, input='{"start": true}')["executionArn"]

    def test_events_ids_and_previous_ids_are_consistent(self):
        events = self.history(self.arn)
        self.assertEqual([(e["id"], e["previousEventId"], e["type"]) for e in events], [
            (1, 0, "ExecutionStarted"), (2, 0, "PassStateEntered"), (3, 2, "PassStateExited"),
            (4, 3, "PassStateEntered"), (5, 4, "PassStateExited"),
            (6, 5, "ExecutionSucceeded")])
        started = events[0]["executionStartedEventDetails"]
        self.assertEqual(json.loads(started["input"]), {"start": True})
        self.assertEqual(started["inputDetails"], {"truncated": False})
        self.assertEqual(started["roleArn"], harness.ROLE)
        self.assertEqual(events[1]["stateEnteredEventDetails"]["name"], "A")
        self.assertEqual(json.loads(events[2]["stateExitedEventDetails"]["output"]), {"a": 1})
        self.assertEqual(json.loads(events[5]["executionSucceededEventDetails"]["output"]),
                         {"a": 1, "b": {"b": 2}})
        stamps = [e["timestamp"] for e in events]
        self.assertEqual(stamps, sorted(stamps))

    def test_reverse_order(self):
        ids = [e["id"] for e in self.history(self.arn, reverseOrder=True)]
        self.assertEqual(ids, [6, 5, 4, 3, 2, 1])

    def test_pages_round_trip_both_ways(self):
        for reverse, expected in ((False, [1, 2, 3, 4, 5, 6]), (True, [6, 5, 4, 3, 2, 1])):
            ids, token, pages = [], None, 0
            while True:
                kwargs = {"executionArn": self.arn, "maxResults": 4, "reverseOrder": reverse}
                if token:
                    kwargs["nextToken"] = token
                page = self.sfn.get_execution_history(**kwargs)
                self.assertLessEqual(len(page["events"]), 4)
                ids.extend(e["id"] for e in page["events"])
                pages += 1
                token = page.get("nextToken")
                if not token:
                    break
            self.assertEqual(ids, expected)
            self.assertEqual(pages, 2)

    def test_without_execution_data_there_is_no_input_or_output(self):
        events = self.history(self.arn, includeExecutionData=False)
        self.assertEqual(len(events), 6)
        for e in events:
            for key, details in e.items():
                if key.endswith("EventDetails"):
                    self.assertNotIn("input", details, e["type"])
                    self.assertNotIn("output", details, e["type"])
        self.assertEqual(events[1]["stateEnteredEventDetails"]["name"], "A")
        self.assertEqual(events[0]["executionStartedEventDetails"]["roleArn"], harness.ROLE)

    def test_bad_token_and_unknown_execution(self):
        self.error("InvalidToken", self.sfn.get_execution_history, executionArn=self.arn,
                   nextToken="garbage")
        self.error("ExecutionDoesNotExist", self.sfn.get_execution_history,
                   executionArn=harness.execution_arn("history", "none"))
        self.error("InvalidArn", self.sfn.get_execution_history, executionArn="none")


class StopExecutionTest(ApiTest):

    def test_stop_aborts_with_error_and_cause(self):
        machine = self.create("stopped", WAIT)
        arn = self.sfn.start_execution(stateMachineArn=machine, name="s1")["executionArn"]
        stopped = self.sfn.stop_execution(executionArn=arn, error="Halt", cause="enough")
        self.assertIn("stopDate", stopped)
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual(d["status"], "ABORTED")
        self.assertEqual((d["error"], d["cause"]), ("Halt", "enough"))
        self.assertEqual(d["stopDate"], stopped["stopDate"])
        events = self.history(arn)
        self.assertEqual([(e["id"], e["previousEventId"], e["type"]) for e in events], [
            (1, 0, "ExecutionStarted"), (2, 0, "WaitStateEntered"), (3, 0, "ExecutionAborted")])
        self.assertEqual(events[2]["executionAbortedEventDetails"],
                         {"error": "Halt", "cause": "enough"})

    def test_stop_without_a_reason_records_empty_details(self):
        machine = self.create("stopped-plain", WAIT)
        arn = self.sfn.start_execution(stateMachineArn=machine)["executionArn"]
        self.sfn.stop_execution(executionArn=arn)
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual(d["status"], "ABORTED")
        self.assertNotIn("error", d)
        last = self.history(arn)[-1]
        self.assertEqual(last["type"], "ExecutionAborted")
        self.assertEqual(last["executionAbortedEventDetails"], {})

    def test_stop_unknown_execution(self):
        self.error("ExecutionDoesNotExist", self.sfn.stop_execution,
                   executionArn=harness.execution_arn("stopped", "none"))
        self.error("InvalidArn", self.sfn.stop_execution, executionArn="none")


class RedriveTest(ApiTest):
    """An activity task fails the first time and succeeds after RedriveExecution."""

    def start_failing_once(self, name, prepare):
        activity = self.sfn.create_activity(name=f"{name}-work")["activityArn"]
        machine = self.create(name, {"StartAt": "Prepare", "States": {
            "Prepare": dict(prepare, Type="Pass", Next="Work"),
            "Work": {"Type": "Task", "Resource": activity, "End": True}}})
        arn = self.sfn.start_execution(stateMachineArn=machine, input='{"item": 7}')[
            "executionArn"]
        task = self.sfn.get_activity_task(activityArn=activity, workerName="w")
        self.assertEqual(json.loads(task["input"]), {"item": 7})
        self.sfn.send_task_failure(taskToken=task["taskToken"], error="Flaky", cause="first try")
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual((d["status"], d["error"], d["cause"]), ("FAILED", "Flaky", "first try"))
        self.assertEqual(d["redriveStatus"], "REDRIVABLE")
        return activity, arn

    def test_redrive_runs_the_execution_again_to_success(self):
        # Prepare gives the same output whatever its input, so this holds whether the redrive
        # resumes at Work (AWS) or runs Prepare again (see the expected failure below).
        activity, arn = self.start_failing_once("redriven", {"Result": {"item": 7}})
        before = len(self.history(arn))
        redriven = self.sfn.redrive_execution(executionArn=arn)
        self.assertIn("redriveDate", redriven)
        task = self.sfn.get_activity_task(activityArn=activity, workerName="w")
        self.assertEqual(json.loads(task["input"]), {"item": 7})
        self.sfn.send_task_success(taskToken=task["taskToken"], output='{"second": true}')
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(json.loads(d["output"]), {"second": True})
        self.assertEqual(d["redriveCount"], 1)
        self.assertEqual(d["redriveDate"], redriven["redriveDate"])
        self.assertNotIn("error", d)
        events = self.history(arn)
        redrive = events[before]
        self.assertEqual(redrive["type"], "ExecutionRedriven")
        self.assertEqual(redrive["id"], before + 1)
        self.assertEqual(redrive["executionRedrivenEventDetails"], {"redriveCount": 1})
        self.assertEqual([e["id"] for e in events], list(range(1, len(events) + 1)))
        self.assertEqual(events[-1]["type"], "ExecutionSucceeded")
        # A succeeded execution cannot be redriven.
        self.error("ExecutionNotRedrivable", self.sfn.redrive_execution, executionArn=arn)
        listed = self.sfn.list_executions(stateMachineArn=d["stateMachineArn"],
                                          redriveFilter="REDRIVEN")["executions"]
        self.assertEqual([e["executionArn"] for e in listed], [arn])
        self.assertEqual(listed[0]["redriveCount"], 1)
        self.assertEqual(self.sfn.list_executions(stateMachineArn=d["stateMachineArn"],
                                                  redriveFilter="NOT_REDRIVEN")["executions"],
                         [])

    def test_redrive_resumes_at_the_state_that_failed(self):
        # AWS restarts from the failed state with the input it had, not from StartAt.
        _, arn = self.start_failing_once("redrive-resume", {"Parameters": {"item.$": "$.item"}})
        before = len(self.history(arn))
        self.sfn.redrive_execution(executionArn=arn)
        entered = harness.wait_for(
            lambda: [e for e in self.history(arn)[before:] if e["type"].endswith("Entered")],
            what="a state entered after the redrive")[0]
        self.assertEqual(entered["type"], "TaskStateEntered")
        self.assertEqual(entered["stateEnteredEventDetails"]["name"], "Work")
        self.assertEqual(json.loads(entered["stateEnteredEventDetails"]["input"]), {"item": 7})

    def test_only_ended_executions_can_be_redriven(self):
        machine = self.create("redrive-running", WAIT)
        arn = self.sfn.start_execution(stateMachineArn=machine)["executionArn"]
        self.error("ExecutionNotRedrivable", self.sfn.redrive_execution, executionArn=arn)
        self.error("ExecutionDoesNotExist", self.sfn.redrive_execution,
                   executionArn=harness.execution_arn("redrive-running", "none"))
        self.sfn.stop_execution(executionArn=arn)


class ExpressTest(ApiTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.express = cls.create(cls, "express", PASS, type="EXPRESS")
        cls.express_fail = cls.create(cls, "express-fail", FAIL, type="EXPRESS")

    def test_start_sync_execution_returns_the_output(self):
        r = self.sfn.start_sync_execution(stateMachineArn=self.express, name="sync1",
                                          input='{"x": 1}')
        self.assertEqual(r["status"], "SUCCEEDED")
        self.assertEqual(json.loads(r["output"]), {"x": 1, "r": {"done": True}})
        self.assertEqual(json.loads(r["input"]), {"x": 1})
        self.assertEqual(r["name"], "sync1")
        self.assertEqual(r["stateMachineArn"], self.express)
        self.assertRegex(r["executionArn"],
                         rf"^{re.escape(harness.ARN)}:express:express:sync1:[0-9a-f-]{{36}}$")
        self.assertLessEqual(r["startDate"], r["stopDate"])
        self.assertIn("billedDurationInMilliseconds", r["billingDetails"])
        self.assertNotIn("error", r)

    def test_a_failed_sync_execution_is_http_200_with_error_and_cause(self):
        r = self.sfn.start_sync_execution(stateMachineArn=self.express_fail, input="{}")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual((r["status"], r["error"], r["cause"]), ("FAILED", "Boom", "it broke"))
        self.assertNotIn("output", r)

    def test_start_sync_execution_on_standard_is_state_machine_type_not_supported(self):
        standard = self.create("express-standard", PASS)
        message = self.error("StateMachineTypeNotSupported", self.sfn.start_sync_execution,
                             stateMachineArn=standard)
        self.assertEqual(message, "This operation is not supported by this type of state machine")

    def test_list_executions_on_express_is_state_machine_type_not_supported(self):
        self.error("StateMachineTypeNotSupported", self.sfn.list_executions,
                   stateMachineArn=self.express)

    def test_start_execution_on_express_gives_an_express_arn_that_describe_refuses(self):
        arn = self.sfn.start_execution(stateMachineArn=self.express, name="async1")[
            "executionArn"]
        self.assertTrue(arn.startswith(f"{harness.ARN}:express:express:async1:"), arn)
        message = self.error("InvalidArn", self.sfn.describe_execution, executionArn=arn)
        self.assertIn("express", message)

    def test_sync_executions_run_concurrently(self):
        waiting = self.create("express-wait", {"StartAt": "W", "States": {
            "W": {"Type": "Wait", "Seconds": 1, "End": True}}}, type="EXPRESS")
        results = []

        def run():
            client = self.server.client()
            try:
                results.append(client.start_sync_execution(
                    stateMachineArn=waiting, input="{}")["status"])
            finally:
                client.close()

        threads = [threading.Thread(target=run) for _ in range(3)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        self.assertEqual(results, ["SUCCEEDED"] * 3)
        self.assertLess(time.monotonic() - started, 2.9)


if __name__ == "__main__":
    BATON = harness.baton_binary()
    unittest.main()
