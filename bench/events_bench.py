#!/usr/bin/env python3
"""EventBridge and Scheduler through `baton serve`, on loopback, against a fresh SQLite file.

  bench/events_bench.py [--baton build/src/cli/baton] [--load build/bench/serve_load]
                        [--only putevents,schedules] [--events 200000] [--schedules 10000]

  putevents  a bus with 100 rules (one detail-type each), each with an SQS queue target (4
             queues); PutEvents of 10 entries a request by 32 clients, the entries spread over
             the 100 types: events/s accepted, each delivered to its queue in the same commit
             (the queues' depths are checked to add up to the events sent)
  schedules  N enabled schedules (cron, each in a time zone, firing next year) in groups of
             1,000: the server's resident memory before and after, per schedule; then again
             after a restart, recovered from the store

Prints one line per benchmark and a JSON summary at the end. Nothing here is a test: the
figures go in bench/README.md.
"""

import argparse
import http.client
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_bench  # noqa: E402

ACCOUNT = "123456789012"
ROLE = "arn:aws:iam::123456789012:role/bench"


def json_call(server, target, body, version="1.1"):
    server.connection.request("POST", "/", body=json.dumps(body), headers={
        "X-Amz-Target": target, "Content-Type": f"application/x-amz-json-{version}"})
    response = server.connection.getresponse()
    answer = json.loads(response.read() or b"{}")
    if response.status != 200:
        raise RuntimeError(f"{target}: {answer}")
    return answer


def rest_call(server, method, path, body=None):
    server.connection.request(method, path, body=None if body is None else json.dumps(body),
                              headers={"Content-Type": "application/json"})
    response = server.connection.getresponse()
    answer = json.loads(response.read() or b"{}")
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {answer}")
    return answer


def bench_putevents(args, results):
    server = serve_bench.Server(args.baton)
    try:
        queues = []
        for q in range(4):
            url = json_call(server, "AmazonSQS.CreateQueue", {"QueueName": f"events-{q}"},
                            "1.0")["QueueUrl"]
            queues.append(url)
        for i in range(100):
            pattern = json.dumps({"detail-type": [f"type-{i:02d}"]})
            json_call(server, "AWSEvents.PutRule", {"Name": f"rule-{i}", "EventPattern": pattern})
            json_call(server, "AWSEvents.PutTargets", {"Rule": f"rule-{i}", "Targets": [{
                "Id": "q", "Arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:events-{i % 4}"}]})
        # Entry j of request n has type-(n % 10)j: the 100 types type-00..type-99, evenly.
        entries = [{"Source": "bench", "DetailType": "type-{n%10}" + str(j),
                    "Detail": '{"order": {n}, "amount": 12.5}'} for j in range(10)]
        requests = args.events // 10
        answer = serve_bench.load(args.load, server, "AWSEvents.PutEvents", {"Entries": entries},
                                  requests)
        events = requests * 10
        seconds = requests / answer["per_second"]
        depth = 0
        for url in queues:
            attributes = json_call(server, "AmazonSQS.GetQueueAttributes", {
                "QueueUrl": url, "AttributeNames": ["ApproximateNumberOfMessages"]}, "1.0")
            depth += int(attributes["Attributes"]["ApproximateNumberOfMessages"])
        result = {"events": events, "seconds": round(seconds, 3),
                  "events_per_second": round(events / seconds), "errors": answer["errors"],
                  "p50_ms": answer["p50_ms"], "p99_ms": answer["p99_ms"],
                  "delivered": depth}
        print(f"putevents: {result['events_per_second']} events/s through 100 rules "
              f"(delivered {depth} of {events}, p99 {answer['p99_ms']} ms a request of 10)",
              flush=True)
        results["putevents"] = result
    finally:
        server.close()


def bench_schedules(args, results):
    server = serve_bench.Server(args.baton)
    try:
        time.sleep(0.5)
        before = server.rss_mib()
        zones = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC", "Australia/Sydney"]
        started = time.monotonic()
        for i in range(args.schedules):
            group = f"group-{i // 1000}"
            if i % 1000 == 0:
                rest_call(server, "POST", f"/schedule-groups/{group}", {})
            rest_call(server, "POST", f"/schedules/s-{i}", {
                "GroupName": group, "ScheduleExpression": f"cron({i % 60} {i % 24} 1 1 ? *)",
                "ScheduleExpressionTimezone": zones[i % len(zones)],
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "Target": {"Arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:scheduled", "RoleArn": ROLE,
                           "Input": json.dumps({"schedule": i})}})
        created = time.monotonic() - started
        after = server.rss_mib()
        result = {"schedules": args.schedules, "rss_before_mib": round(before, 1),
                  "rss_after_mib": round(after, 1), "mib": round(after - before, 1),
                  "kib_per_schedule": round((after - before) * 1024 / args.schedules, 2),
                  "created_per_second": round(args.schedules / created)}
        print(f"schedules: {args.schedules} cost {result['mib']} MiB "
              f"({result['kib_per_schedule']} KiB each; RSS {result['rss_after_mib']} MiB), "
              f"created at {result['created_per_second']}/s", flush=True)
        results["schedules"] = result
    finally:
        server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baton", default=os.path.join(serve_bench.ROOT, "build/src/cli/baton"))
    parser.add_argument("--load", default=os.path.join(serve_bench.ROOT, "build/bench/serve_load"))
    parser.add_argument("--only", default="putevents,schedules")
    parser.add_argument("--events", type=int, default=200000)
    parser.add_argument("--schedules", type=int, default=10000)
    args = parser.parse_args()
    results = {}
    for name in args.only.split(","):
        {"putevents": bench_putevents, "schedules": bench_schedules}[name](args, results)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
