"""Distributed Maps through boto3 and their Map Runs: ListMapRuns, DescribeMapRun (status,
limits, item and execution counts, for STANDARD and EXPRESS children and for batches),
UpdateMapRun raising the concurrency of a running Map Run, failed and aborted runs, the errors
AWS gives, and Map Runs kept across a restart."""

import json
import shutil
import tempfile
import unittest

import harness


def distributed_map(processor_states, start_at, **fields):
    """A machine whose one state is a Distributed Map over $.items."""
    processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                 "StartAt": start_at, "States": processor_states}
    if "ExecutionType" in fields:
        processor["ProcessorConfig"]["ExecutionType"] = fields.pop("ExecutionType")
    state = dict({"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": processor,
                  "End": True}, **fields)
    return json.dumps({"StartAt": "Fan", "States": {"Fan": state}})


class MapRunTest(harness.ServerTest):

    def start(self, name, definition, items):
        machine = self.sfn.create_state_machine(name=name, roleArn=harness.ROLE,
                                                definition=definition)["stateMachineArn"]
        return self.sfn.start_execution(stateMachineArn=machine,
                                        input=json.dumps({"items": items}))["executionArn"]

    def only_map_run(self, execution):
        runs = harness.wait_for(
            lambda: self.sfn.list_map_runs(executionArn=execution)["mapRuns"],
            what="the Map Run")
        self.assertEqual(len(runs), 1)
        return runs[0]

    def counts(self, map_run, which="executionCounts"):
        return self.sfn.describe_map_run(mapRunArn=map_run)[which]

    def work_one_task(self, activity):
        task = self.sfn.get_activity_task(activityArn=activity, workerName="w")
        self.assertIn("taskToken", task)
        item = json.loads(task["input"])
        self.sfn.send_task_success(taskToken=task["taskToken"], output=json.dumps(item * 10))

    def test_a_running_map_run_is_listed_described_and_updated(self):
        activity = self.sfn.create_activity(name="map-run-work")["activityArn"]
        definition = distributed_map({"Work": {"Type": "Task", "Resource": activity,
                                               "End": True}},
                                     "Work", MaxConcurrency=2, Label="Orders",
                                     ToleratedFailureCount=3)
        execution = self.start("map-run-updated", definition, [1, 2, 3, 4, 5, 6])

        run = self.only_map_run(execution)
        self.assertEqual(run["executionArn"], execution)
        self.assertTrue(run["mapRunArn"].startswith(
            "arn:aws:states:us-east-1:123456789012:mapRun:map-run-updated/Orders:"), run)
        self.assertEqual(run["stateMachineArn"],
                         harness.machine_arn("map-run-updated") + "/Orders")
        self.assertNotIn("stopDate", run)
        arn = run["mapRunArn"]

        harness.wait_for(lambda: self.counts(arn)["running"] == 2, what="two children")
        described = self.sfn.describe_map_run(mapRunArn=arn)
        self.assertEqual(described["status"], "RUNNING")
        self.assertEqual(described["maxConcurrency"], 2)
        self.assertEqual(described["toleratedFailureCount"], 3)
        self.assertEqual(described["toleratedFailurePercentage"], 0.0)
        self.assertEqual(described["redriveCount"], 0)
        counts = described["executionCounts"]
        self.assertEqual((counts["total"], counts["pending"], counts["running"],
                          counts["succeeded"]), (6, 4, 2, 0))
        self.assertEqual(described["itemCounts"]["total"], 6)
        children = self.sfn.list_executions(mapRunArn=arn)["executions"]
        self.assertEqual(len(children), 2)
        self.assertTrue(all(c["mapRunArn"] == arn for c in children))

        self.assertEqual(self.sfn.update_map_run(mapRunArn=arn, maxConcurrency=4)
                         ["ResponseMetadata"]["HTTPStatusCode"], 200)
        harness.wait_for(lambda: self.counts(arn)["running"] == 4, what="four children")
        described = self.sfn.describe_map_run(mapRunArn=arn)
        self.assertEqual(described["maxConcurrency"], 4)
        self.assertEqual(described["executionCounts"]["pending"], 2)

        for _ in range(6):
            self.work_one_task(activity)
        d = harness.wait_for_status(self.sfn, execution)
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(json.loads(d["output"]), [10, 20, 30, 40, 50, 60])
        described = self.sfn.describe_map_run(mapRunArn=arn)
        self.assertEqual(described["status"], "SUCCEEDED")
        self.assertGreaterEqual(described["stopDate"], described["startDate"])
        for which in ("executionCounts", "itemCounts"):
            counts = described[which]
            self.assertEqual((counts["total"], counts["succeeded"], counts["running"],
                              counts["pending"], counts["failed"]), (6, 6, 0, 0, 0), which)
        self.assertIn("stopDate", self.sfn.list_map_runs(executionArn=execution)["mapRuns"][0])
        self.error("ResourceNotFound", self.sfn.update_map_run, mapRunArn=arn, maxConcurrency=1)

    def test_batches_count_items_and_executions_apart(self):
        definition = distributed_map({"Echo": {"Type": "Pass", "End": True}}, "Echo",
                                     ItemBatcher={"MaxItemsPerBatch": 2}, ExecutionType="EXPRESS")
        execution = self.start("map-run-batches", definition, [1, 2, 3, 4, 5])
        self.assertEqual(harness.wait_for_status(self.sfn, execution)["status"], "SUCCEEDED")
        described = self.sfn.describe_map_run(mapRunArn=self.only_map_run(execution)["mapRunArn"])
        self.assertEqual(described["status"], "SUCCEEDED")
        executions, items = described["executionCounts"], described["itemCounts"]
        self.assertEqual((executions["total"], executions["succeeded"]), (3, 3))
        self.assertEqual((items["total"], items["succeeded"]), (5, 5))

    def test_a_failure_beyond_the_tolerance_fails_the_map_run(self):
        definition = distributed_map({"Boom": {"Type": "Fail", "Error": "Bad", "Cause": "no"}},
                                     "Boom", MaxConcurrency=1)
        execution = self.start("map-run-fails", definition, [1, 2, 3])
        d = harness.wait_for_status(self.sfn, execution)
        self.assertEqual((d["status"], d["error"]),
                         ("FAILED", "States.ExceedToleratedFailureThreshold"))
        described = self.sfn.describe_map_run(mapRunArn=self.only_map_run(execution)["mapRunArn"])
        self.assertEqual(described["status"], "FAILED")
        self.assertEqual(described["executionCounts"]["failed"], 1)
        self.assertEqual(described["executionCounts"]["pending"], 2)

    def test_stopping_the_execution_aborts_its_map_run(self):
        activity = self.sfn.create_activity(name="map-run-never")["activityArn"]
        definition = distributed_map({"Wait": {"Type": "Task", "Resource": activity,
                                               "End": True}}, "Wait")
        execution = self.start("map-run-aborted", definition, [1, 2])
        arn = self.only_map_run(execution)["mapRunArn"]
        harness.wait_for(lambda: self.counts(arn)["running"] == 2, what="two children")
        self.sfn.stop_execution(executionArn=execution)
        self.assertEqual(harness.wait_for_status(self.sfn, execution)["status"], "ABORTED")
        described = harness.wait_for(
            lambda: (lambda d: d if d["executionCounts"]["aborted"] == 2 else None)(
                self.sfn.describe_map_run(mapRunArn=arn)),
            what="the children to be aborted")
        self.assertEqual(described["status"], "ABORTED")
        self.assertEqual(described["executionCounts"]["running"], 0)

    def test_errors(self):
        absent = "arn:aws:states:us-east-1:123456789012:mapRun:nothing/here:0000"
        self.assertIn(absent, self.error("ResourceNotFound", self.sfn.describe_map_run,
                                         mapRunArn=absent))
        self.error("InvalidArn", self.sfn.describe_map_run, mapRunArn="not-an-arn")
        self.error("InvalidArn", self.sfn.describe_map_run,
                   mapRunArn=harness.machine_arn("a-machine"))
        self.error("ExecutionDoesNotExist", self.sfn.list_map_runs,
                   executionArn=harness.execution_arn("nothing", "here"))
        self.error("InvalidArn", self.sfn.list_map_runs, executionArn=harness.machine_arn("m"))
        message = self.error("ValidationException", self.sfn.update_map_run, mapRunArn=absent)
        self.assertIn("maxConcurrency", message)
        message = self.error("ValidationException", self.sfn.update_map_run, mapRunArn=absent,
                             toleratedFailurePercentage=101.0)
        self.assertIn("'101.0' at 'toleratedFailurePercentage'", message)
        # boto3 refuses a negative value itself: sent raw.
        status, _, body = self.server.raw("AWSStepFunctions.UpdateMapRun",
                                          json.dumps({"mapRunArn": absent, "maxConcurrency": -1}))
        self.assertEqual((status, body["__type"].split("#")[-1]), (400, "ValidationException"))
        self.assertIn("'-1' at 'maxConcurrency' failed to satisfy constraint: Member must have "
                      "value greater than or equal to 0", body["message"])
        self.error("ResourceNotFound", self.sfn.update_map_run, mapRunArn=absent,
                   maxConcurrency=5)


class MapRunRestartTest(unittest.TestCase):

    def test_map_runs_are_kept_across_a_restart(self):
        data = tempfile.mkdtemp(prefix="baton-test-map-runs-")
        try:
            with harness.Server(harness.BATON, data=data) as server:
                sfn = server.client()
                machine = sfn.create_state_machine(
                    name="kept", roleArn=harness.ROLE,
                    definition=distributed_map({"Echo": {"Type": "Pass", "End": True}},
                                               "Echo"))["stateMachineArn"]
                execution = sfn.start_execution(stateMachineArn=machine,
                                                input='{"items": [1, 2, 3]}')["executionArn"]
                self.assertEqual(harness.wait_for_status(sfn, execution)["status"], "SUCCEEDED")
                before = sfn.describe_map_run(
                    mapRunArn=sfn.list_map_runs(executionArn=execution)["mapRuns"][0][
                        "mapRunArn"])
                sfn.close()
            with harness.Server(harness.BATON, data=data) as server:
                sfn = server.client()
                after = sfn.describe_map_run(mapRunArn=before["mapRunArn"])
                sfn.close()
            for d in (before, after):
                d.pop("ResponseMetadata")
            self.assertEqual(after, before)
            self.assertEqual(after["executionCounts"]["succeeded"], 3)
        finally:
            shutil.rmtree(data, ignore_errors=True)

    def test_express_children_lost_in_a_crash_run_again(self):
        """Express children live in memory only: after kill -9 their parent starts them again
        instead of waiting for them forever."""
        data = tempfile.mkdtemp(prefix="baton-test-map-crash-")
        server = harness.Server(harness.BATON, data=data)
        try:
            sfn = server.start().client()
            machine = sfn.create_state_machine(
                name="waits", roleArn=harness.ROLE,
                definition=distributed_map(
                    {"Nap": {"Type": "Wait", "Seconds": 2, "Next": "Done"},
                     "Done": {"Type": "Pass", "End": True}},
                    "Nap", ExecutionType="EXPRESS"))["stateMachineArn"]
            execution = sfn.start_execution(stateMachineArn=machine,
                                            input='{"items": [1, 2, 3]}')["executionArn"]
            run = harness.wait_for(lambda: sfn.list_map_runs(executionArn=execution)["mapRuns"],
                                   what="the Map Run")[0]["mapRunArn"]
            harness.wait_for(
                lambda: sfn.describe_map_run(mapRunArn=run)["executionCounts"]["running"] == 3,
                what="three children")
            sfn.close()
            server.kill()
            sfn = server.start().client()
            d = harness.wait_for_status(sfn, execution, timeout=20)
            self.assertEqual((d["status"], json.loads(d["output"])), ("SUCCEEDED", [1, 2, 3]))
            counts = sfn.describe_map_run(mapRunArn=run)["executionCounts"]
            self.assertEqual((counts["total"], counts["succeeded"], counts["running"]), (3, 3, 0))
            sfn.close()
        finally:
            server.close()
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
