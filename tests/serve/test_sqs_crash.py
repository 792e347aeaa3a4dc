"""Crash safety of SQS: senders, receivers and deleters run against `baton serve` while it is
killed with SIGKILL five times and restarted on the same data folder. No message whose send was
answered 200 may be lost, and no message whose delete was answered 200 may be received again.

usage: python3 tests/serve/test_sqs_crash.py PATH_TO_BATON
"""

import http.client
import json
import threading
import time
import unittest

import harness

KILLS = 5
RUN_SECONDS = 2.0
SENDERS = 2
RECEIVERS = 2
VISIBILITY = 2


class Endpoint:
    """The port of the server now running; clients follow it across restarts."""

    def __init__(self):
        self.port = None
        self.lock = threading.Lock()

    def call(self, operation, body, timeout=10):
        """The JSON protocol; returns the answer, or None when the server was not there."""
        with self.lock:
            port = self.port
        if port is None:
            return None
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            connection.request("POST", "/", json.dumps(body),
                               {"Content-Type": "application/x-amz-json-1.0",
                                "X-Amz-Target": "AmazonSQS." + operation})
            response = connection.getresponse()
            data = response.read()
            connection.close()
        except (OSError, http.client.HTTPException):
            return None
        if response.status != 200:
            raise AssertionError(f"{operation}: {response.status} {data!r}")
        return json.loads(data)


class SqsCrash(unittest.TestCase):

    def test_kill_nine_under_load(self):
        server = harness.Server(harness.BATON).start()
        endpoint = Endpoint()
        endpoint.port = server.port
        url = endpoint.call("CreateQueue", {"QueueName": "crash"})["QueueUrl"]
        sent, deleted, delete_tried = set(), {}, set()
        received = []  # (when the receive was asked, bodies)
        lock = threading.Lock()
        stop = threading.Event()
        counter = iter(range(10**9))

        def sender(index):
            while not stop.is_set():
                with lock:
                    bodies = [f"s{index}-{next(counter)}" for _ in range(10)]
                if index % 2 == 0:
                    out = endpoint.call("SendMessageBatch", {"QueueUrl": url, "Entries": [
                        {"Id": str(i), "MessageBody": b} for i, b in enumerate(bodies)]})
                    if out is not None:
                        ok = {e["Id"] for e in out.get("Successful", [])}
                        with lock:
                            sent.update(b for i, b in enumerate(bodies) if str(i) in ok)
                else:
                    for b in bodies[:3]:
                        if endpoint.call("SendMessage", {"QueueUrl": url, "MessageBody": b}):
                            with lock:
                                sent.add(b)
                if out_of_server(endpoint):
                    time.sleep(0.05)

        def receiver():
            while not stop.is_set():
                asked = time.monotonic()
                out = endpoint.call("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10,
                                                       "VisibilityTimeout": VISIBILITY,
                                                       "WaitTimeSeconds": 1})
                if out is None:
                    time.sleep(0.05)
                    continue
                messages = out.get("Messages", [])
                with lock:
                    received.append((asked, [m["Body"] for m in messages]))
                if not messages:
                    continue
                by_id = {str(i): m for i, m in enumerate(messages)}
                with lock:
                    delete_tried.update(m["Body"] for m in messages)
                done = endpoint.call("DeleteMessageBatch", {"QueueUrl": url, "Entries": [
                    {"Id": i, "ReceiptHandle": m["ReceiptHandle"]} for i, m in by_id.items()]})
                if done is not None:
                    now = time.monotonic()
                    with lock:
                        for e in done.get("Successful", []):
                            deleted[by_id[e["Id"]]["Body"]] = now

        def out_of_server(e):
            with e.lock:
                return e.port is None

        threads = [threading.Thread(target=sender, args=(i,)) for i in range(SENDERS)]
        threads += [threading.Thread(target=receiver) for _ in range(RECEIVERS)]
        for t in threads:
            t.start()
        try:
            for _ in range(KILLS):
                time.sleep(RUN_SECONDS)
                with endpoint.lock:
                    endpoint.port = None
                server.kill()
                server.start()
                with endpoint.lock:
                    endpoint.port = server.port
            time.sleep(RUN_SECONDS)
        finally:
            stop.set()
            for t in threads:
                t.join(30)
        try:
            # Everything in flight becomes visible again; what is left is drained.
            left = set()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                out = endpoint.call("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10,
                                                       "VisibilityTimeout": 600,
                                                       "WaitTimeSeconds": 1})
                bodies = [m["Body"] for m in out.get("Messages", [])]
                left.update(bodies)
                if not bodies:
                    counts = endpoint.call("GetQueueAttributes", {
                        "QueueUrl": url, "AttributeNames": ["All"]})["Attributes"]
                    if counts["ApproximateNumberOfMessagesNotVisible"] == str(len(left)) and \
                            counts["ApproximateNumberOfMessages"] == "0":
                        break
        finally:
            server.close()
        self.assertGreater(len(sent), 100, "too little load to mean anything")
        self.assertGreater(len(deleted), 50, "too little load to mean anything")
        lost = sent - set(deleted) - delete_tried - left
        self.assertEqual(lost, set(), f"{len(lost)} acknowledged messages lost")
        back = set(deleted) & left
        self.assertEqual(back, set(), f"{len(back)} deleted messages came back")
        for asked, bodies in received:
            again = [b for b in bodies if b in deleted and deleted[b] < asked]
            self.assertEqual(again, [], "received after its delete was answered")
        print(f"sent {len(sent)}, deleted {len(deleted)}, left {len(left)}, "
              f"kills {KILLS}")


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
