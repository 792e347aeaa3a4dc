"""Activity workers as they behave in the wild: several polling at once, and some giving up on a
long-poll (closing the connection) before it ends. A task must never go to a worker that has
gone, and each task goes to exactly one worker."""

import json
import threading
import time
import unittest

import botocore.exceptions

import harness


class Workers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server(BATON).start()
        cls.client = cls.server.client()
        cls.activity = cls.client.create_activity(name="jobs")["activityArn"]
        definition = {"StartAt": "Job", "States": {
            "Job": {"Type": "Task", "Resource": cls.activity, "End": True}}}
        cls.machine = cls.client.create_state_machine(
            name="jobs", definition=json.dumps(definition), roleArn=harness.ROLE)["stateMachineArn"]

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def test_a_worker_that_hung_up_is_not_handed_a_task(self):
        impatient = self.server.client(read_timeout=1)
        with self.assertRaises(botocore.exceptions.ReadTimeoutError):
            impatient.get_activity_task(activityArn=self.activity, workerName="impatient")
        time.sleep(0.2)  # the server notices the closed connection
        execution = self.client.start_execution(stateMachineArn=self.machine,
                                                input='{"job": 1}')["executionArn"]
        task = self.server.client().get_activity_task(activityArn=self.activity,
                                                      workerName="patient")
        self.assertEqual(json.loads(task["input"]), {"job": 1})
        self.client.send_task_success(taskToken=task["taskToken"], output='{"done": 1}')
        done = harness.wait_for_status(self.client, execution)
        self.assertEqual(done["status"], "SUCCEEDED")
        history = self.client.get_execution_history(executionArn=execution)["events"]
        started = [e for e in history if e["type"] == "ActivityStarted"]
        self.assertEqual([e["activityStartedEventDetails"]["workerName"] for e in started],
                         ["patient"])

    def test_each_task_goes_to_exactly_one_of_many_workers(self):
        jobs, workers = 60, 6
        received = []
        lock = threading.Lock()
        stop = threading.Event()

        def work(client):
            while not stop.is_set():
                task = client.get_activity_task(activityArn=self.activity, workerName="many")
                if "taskToken" not in task:
                    continue
                payload = json.loads(task["input"])
                with lock:
                    received.append(payload["job"])
                client.send_task_success(taskToken=task["taskToken"],
                                         output=json.dumps({"job": payload["job"]}))

        # boto3 clients are made on one thread (making them is not thread-safe), used on many.
        threads = [threading.Thread(target=work, args=(self.server.client(),), daemon=True)
                   for _ in range(workers)]
        for t in threads:
            t.start()
        arns = [self.client.start_execution(stateMachineArn=self.machine,
                                            input=json.dumps({"job": n}))["executionArn"]
                for n in range(jobs)]
        for n, arn in enumerate(arns):
            done = harness.wait_for_status(self.client, arn)
            self.assertEqual(done["status"], "SUCCEEDED")
            self.assertEqual(json.loads(done["output"]), {"job": n})
        self.assertEqual(sorted(received), list(range(jobs)))
        stop.set()
        # Release the workers still polling: one more job for each.
        for n in range(workers):
            self.client.start_execution(stateMachineArn=self.machine,
                                        input=json.dumps({"job": jobs + n}))
        for t in threads:
            t.join(10)


if __name__ == "__main__":
    BATON = harness.baton_binary()
    unittest.main()
