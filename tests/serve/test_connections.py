"""Connections as `baton serve` keeps them: a long-poll whose worker resets its connection (an RST,
not a FIN) gives up its place, so the task goes to the next worker instead of into a dead socket;
--idle-timeout closes an idle connection; past --max-connections a client waits until another
connection closes; SIGTERM with a long-poll pending ends cleanly."""

import json
import socket
import struct
import threading
import time
import unittest

import harness

TARGET = "AWSStepFunctions."


def poll_request(activity, worker):
    body = json.dumps({"activityArn": activity, "workerName": worker}).encode()
    return (b"POST / HTTP/1.1\r\nHost: baton\r\nContent-Type: application/x-amz-json-1.0\r\n"
            b"X-Amz-Target: " + TARGET.encode() + b"GetActivityTask\r\n" +
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def reset(sock):
    """Closes with an RST: SO_LINGER on with a zero timeout."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def closed_within(sock, timeout):
    """Whether the server closes `sock` (FIN or RST) within `timeout` seconds."""
    sock.settimeout(timeout)
    try:
        while sock.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


class ResetWorker(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Debug logs a line per answer: how the test sees the server drop the reset poller.
        cls.server = harness.Server(BATON, args=["--log-level", "debug"]).start()
        cls.client = cls.server.client()
        cls.activity = cls.client.create_activity(name="reset-jobs")["activityArn"]
        definition = {"StartAt": "Job", "States": {
            "Job": {"Type": "Task", "Resource": cls.activity, "End": True}}}
        cls.machine = cls.client.create_state_machine(
            name="reset-jobs", definition=json.dumps(definition),
            roleArn=harness.ROLE)["stateMachineArn"]

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.server.close()

    def answered_polls(self):
        return self.server.log().count("baton: states.GetActivityTask 200")

    def test_a_worker_that_reset_its_connection_is_not_handed_a_task(self):
        before = self.answered_polls()
        worker = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        worker.sendall(poll_request(self.activity, "reset"))
        # A call on another connection, answered after the service has taken the poll.
        self.client.describe_activity(activityArn=self.activity)
        reset(worker)

        # The server notices the reset and answers the dropped poll (into the closed socket) the
        # next time the service runs: every call here is such a time.
        def dropped():
            self.client.describe_activity(activityArn=self.activity)
            return self.answered_polls() > before
        harness.wait_for(dropped, timeout=10, what="the reset poller to be dropped")

        result = {}
        patient = self.server.client()

        def poll():
            result["task"] = patient.get_activity_task(activityArn=self.activity,
                                                       workerName="patient")
        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        execution = self.client.start_execution(stateMachineArn=self.machine,
                                                input='{"job": 1}')["executionArn"]
        thread.join(20)
        patient.close()
        self.assertFalse(thread.is_alive(), "the task did not reach the next worker")
        task = result["task"]
        self.assertEqual(json.loads(task["input"]), {"job": 1})
        self.client.send_task_success(taskToken=task["taskToken"], output='{"done": 1}')
        self.assertEqual(harness.wait_for_status(self.client, execution)["status"], "SUCCEEDED")
        history = self.client.get_execution_history(executionArn=execution)["events"]
        started = [e["activityStartedEventDetails"]["workerName"] for e in history
                   if e["type"] == "ActivityStarted"]
        self.assertEqual(started, ["patient"])


class Shutdown(unittest.TestCase):
    def test_sigterm_with_a_long_poll_pending_exits_cleanly(self):
        # The service keeps the poll's connection until it is destroyed, after the HTTP server
        # stopped: the server must outlive it (an ASan build reported a use after free here).
        server = harness.Server(BATON).start()
        try:
            client = server.client()
            activity = client.create_activity(name="pending")["activityArn"]
            worker = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            worker.sendall(poll_request(activity, "pending"))
            client.describe_activity(activityArn=activity)  # the poll is taken by now
            client.close()
            self.assertEqual(server.stop(), 0, server.log())
            self.assertNotIn("Sanitizer", server.log())
            worker.close()
        finally:
            server.close()


class Limits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server(
            BATON, args=["--idle-timeout", "1", "--max-connections", "2"]).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def health(self, sock):
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: baton\r\n\r\n")
        return sock.recv(4096)

    def test_an_idle_connection_is_closed_after_the_idle_timeout(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as sock:
            self.assertTrue(self.health(sock).startswith(b"HTTP/1.1 200"))
            started = time.monotonic()
            self.assertTrue(closed_within(sock, 5))
            self.assertGreater(time.monotonic() - started, 0.5)

    def test_past_the_connection_cap_a_client_waits_for_a_free_one(self):
        first = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        second = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        third = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        try:
            self.assertTrue(self.health(first).startswith(b"HTTP/1.1 200"))
            self.assertTrue(self.health(second).startswith(b"HTTP/1.1 200"))
            third.sendall(b"GET /health HTTP/1.1\r\nHost: baton\r\n\r\n")
            third.settimeout(0.3)
            with self.assertRaises(socket.timeout):
                third.recv(4096)
            first.close()
            third.settimeout(10)
            self.assertTrue(third.recv(4096).startswith(b"HTTP/1.1 200"))
        finally:
            for sock in (first, second, third):
                sock.close()


if __name__ == "__main__":
    BATON = harness.baton_binary()
    unittest.main()
