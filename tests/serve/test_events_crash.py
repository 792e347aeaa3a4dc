"""Crash safety of EventBridge: senders put events on a bus with two rules (every event to one
queue, the even ones to another) while `baton serve` is killed with SIGKILL three times and
restarted on the same data folder. Every event PutEvents answered with an EventId must be in
each queue its rules send it to: an accepted event reaches all its targets.

usage: python3 tests/serve/test_events_crash.py PATH_TO_BATON
"""

import http.client
import json
import threading
import time
import unittest

import harness

KILLS = 3
RUN_SECONDS = 2.0
SENDERS = 3
ACCOUNT = harness.ACCOUNT


class Endpoint:
    """The port of the server now running; clients follow it across restarts."""

    def __init__(self):
        self.port = None
        self.lock = threading.Lock()

    def call(self, target, body, version="1.1"):
        """A JSON protocol call; the answer, or None when the server was not there."""
        with self.lock:
            port = self.port
        if port is None:
            return None
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("POST", "/", json.dumps(body),
                               {"Content-Type": f"application/x-amz-json-{version}",
                                "X-Amz-Target": target})
            response = connection.getresponse()
            data = response.read()
            connection.close()
        except (OSError, http.client.HTTPException):
            return None
        if response.status != 200:
            raise AssertionError(f"{target}: {response.status} {data!r}")
        return json.loads(data)


class EventsCrash(unittest.TestCase):

    def test_kill_nine_under_put_events(self):
        server = harness.Server(harness.BATON).start()
        endpoint = Endpoint()
        endpoint.port = server.port
        urls = {}
        for name in ("crash-all", "crash-even"):
            urls[name] = endpoint.call("AmazonSQS.CreateQueue", {"QueueName": name},
                                       "1.0")["QueueUrl"]
        endpoint.call("AWSEvents.CreateEventBus", {"Name": "crash"})
        rules = {"all": ("crash-all", {"source": ["crash.test"]}),
                 "even": ("crash-even", {"detail": {"even": [True]}})}
        for rule, (queue, pattern) in rules.items():
            endpoint.call("AWSEvents.PutRule", {"Name": rule, "EventBusName": "crash",
                                                "EventPattern": json.dumps(pattern)})
            endpoint.call("AWSEvents.PutTargets", {"Rule": rule, "EventBusName": "crash", "Targets": [
                {"Id": "q", "Arn": f"arn:aws:sqs:{harness.REGION}:{ACCOUNT}:{queue}"}]})
        accepted = set()
        lock = threading.Lock()
        stop = threading.Event()
        counter = iter(range(10**9))

        def sender():
            while not stop.is_set():
                with lock:
                    numbers = [next(counter) for _ in range(10)]
                out = endpoint.call("AWSEvents.PutEvents", {"Entries": [
                    {"Source": "crash.test", "DetailType": "n", "EventBusName": "crash",
                     "Detail": json.dumps({"n": n, "even": n % 2 == 0})} for n in numbers]})
                if out is None:
                    time.sleep(0.05)
                    continue
                with lock:
                    accepted.update(n for n, e in zip(numbers, out["Entries"]) if "EventId" in e)
                # A bounded load: what is accepted is drained afterwards.
                time.sleep(0.02)

        threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
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
            found = {}
            for name, url in urls.items():
                found[name] = set()
                while True:
                    out = endpoint.call("AmazonSQS.ReceiveMessage", {
                        "QueueUrl": url, "MaxNumberOfMessages": 10, "VisibilityTimeout": 600,
                        "WaitTimeSeconds": 1}, "1.0")
                    messages = out.get("Messages", [])
                    if not messages:
                        break
                    found[name].update(json.loads(m["Body"])["detail"]["n"] for m in messages)
        finally:
            server.close()
        self.assertGreater(len(accepted), 300, "too little load to mean anything")
        lost = accepted - found["crash-all"]
        self.assertEqual(lost, set(), f"{len(lost)} accepted events missing from crash-all")
        even = {n for n in accepted if n % 2 == 0}
        lost_even = even - found["crash-even"]
        self.assertEqual(lost_even, set(), f"{len(lost_even)} even events missing from crash-even")
        self.assertEqual({n for n in found["crash-even"] if n % 2}, set(), "odd events routed")
        print(f"accepted {len(accepted)}, in crash-all {len(found['crash-all'])}, "
              f"in crash-even {len(found['crash-even'])}, kills {KILLS}")


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
