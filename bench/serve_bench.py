#!/usr/bin/env python3
"""Benchmarks of `baton serve` through its HTTP API, on loopback, against a fresh SQLite file.

  bench/serve_bench.py [--baton build/src/cli/baton] [--load build/bench/serve_load]
                       [--only express,standard,transitions,parked] [--parked 100000]

  express      StartSyncExecution of a 3-state Pass machine (EXPRESS), 32 clients: executions/s
  standard     StartExecution of the same machine (STANDARD, durable) by 32 clients, until every
               execution is SUCCEEDED: executions/s
  transitions  100 STANDARD executions of a 2,000-transition Pass/Choice loop at once, every step
               committed: durable state transitions/s (and history events/s)
  parked       N executions parked in a Wait state: the server's resident memory once all are
               parked, then the time until all have resumed and SUCCEEDED
  map          a 1,000-item Map state calling a warm Node.js function (lambda:invoke) for each
               item, up to 10 at once: items/s

Prints one line per benchmark and a JSON summary at the end. Nothing here is a test: the
figures go in bench/README.md.
"""

import argparse
import base64
import http.client
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACCOUNT_ARN = "arn:aws:states:us-east-1:123456789012"
ROLE = "arn:aws:iam::123456789012:role/bench"

PASS3 = {"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Next": "B"},
    "B": {"Type": "Pass", "Next": "C"},
    "C": {"Type": "Pass", "End": True}}}

# 2 transitions a round: Count (Pass with an intrinsic) and Again (Choice).
LOOP = {"StartAt": "Count", "States": {
    "Count": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)", "n.$": "$.n"},
              "Next": "Again"},
    "Again": {"Type": "Choice",
              "Choices": [{"Variable": "$.i", "NumericLessThanPath": "$.n", "Next": "Count"}],
              "Default": "Done"},
    "Done": {"Type": "Succeed"}}}


class Server:
    def __init__(self, baton):
        self.data = tempfile.mkdtemp(prefix="baton-bench-")
        log = open(os.path.join(self.data, "serve.log"), "w")
        self.process = subprocess.Popen([baton, "serve", "--port", "0", "--api-port", "0", "--data", self.data],
                                        stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(os.path.join(self.data, "serve.log")) as f:
                found = re.findall(r"listening on http://127\.0\.0\.1:(\d+)", f.read())
            if found:
                self.port = int(found[0])
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
                return
            time.sleep(0.02)
        sys.exit("baton serve did not start")

    def call(self, operation, body):
        self.connection.request("POST", "/", body=json.dumps(body), headers={
            "X-Amz-Target": "AWSStepFunctions." + operation,
            "Content-Type": "application/x-amz-json-1.0"})
        response = self.connection.getresponse()
        answer = json.loads(response.read() or b"{}")
        if response.status != 200:
            raise RuntimeError(f"{operation}: {answer}")
        return answer

    def create(self, name, definition, kind="STANDARD"):
        return self.call("CreateStateMachine", {"name": name, "definition": json.dumps(definition),
                                                "roleArn": ROLE, "type": kind})["stateMachineArn"]

    def count(self, machine, status):
        total, token = 0, None
        while True:
            body = {"stateMachineArn": machine, "statusFilter": status, "maxResults": 1000}
            if token:
                body["nextToken"] = token
            page = self.call("ListExecutions", body)
            total += len(page["executions"])
            token = page.get("nextToken")
            if not token:
                return total

    def wait_until_none_running(self, machine, timeout=600):
        deadline = time.monotonic() + timeout
        while self.count(machine, "RUNNING") > 0:
            if time.monotonic() > deadline:
                raise RuntimeError("executions still running at the deadline")
            time.sleep(0.05)

    def rss_mib(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            kib = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
        return kib / 1024

    def close(self):
        self.connection.close()
        self.process.terminate()
        self.process.wait(30)
        shutil.rmtree(self.data, ignore_errors=True)


def load(tool, server, target, body, count, clients=32):
    done = subprocess.run([tool, "--port", str(server.port), "--target", target, "--body",
                           json.dumps(body), "--count", str(count), "--clients", str(clients)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"serve_load failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_express(args, results):
    server = Server(args.baton)
    try:
        machine = server.create("pass3", PASS3, "EXPRESS")
        load(args.load, server, "AWSStepFunctions.StartSyncExecution",
             {"stateMachineArn": machine, "input": "{}"}, 2000)  # warm-up
        r = load(args.load, server, "AWSStepFunctions.StartSyncExecution",
                 {"stateMachineArn": machine, "input": "{\"n\":{n}}"}, args.express)
        results["express_sync_per_s"] = r["per_second"]
        print(f"express: {r['per_second']:.0f} StartSyncExecution/s (p50 {r['p50_ms']} ms, "
              f"p99 {r['p99_ms']} ms), {args.express} executions, target >= 10,000/s")
    finally:
        server.close()


def bench_standard(args, results):
    server = Server(args.baton)
    try:
        machine = server.create("pass3", PASS3)
        started = time.monotonic()
        r = load(args.load, server, "AWSStepFunctions.StartExecution",
                 {"stateMachineArn": machine, "name": "run-{n}", "input": "{\"n\":{n}}"},
                 args.standard)
        server.wait_until_none_running(machine)
        seconds = time.monotonic() - started
        succeeded = server.count(machine, "SUCCEEDED")
        assert succeeded == args.standard, f"{succeeded} of {args.standard} succeeded"
        results["standard_per_s"] = args.standard / seconds
        results["standard_start_per_s"] = r["per_second"]
        print(f"standard: {args.standard / seconds:.0f} executions/s started and SUCCEEDED "
              f"(StartExecution alone {r['per_second']:.0f}/s, p99 {r['p99_ms']} ms), "
              f"target >= 3,000/s")
    finally:
        server.close()


def bench_transitions(args, results):
    server = Server(args.baton)
    try:
        machine = server.create("loop", LOOP)
        rounds, executions = 1000, 100
        started = time.monotonic()
        load(args.load, server, "AWSStepFunctions.StartExecution",
             {"stateMachineArn": machine, "name": "loop-{n}",
              "input": json.dumps({"i": 0, "n": rounds})}, executions, clients=8)
        server.wait_until_none_running(machine)
        seconds = time.monotonic() - started
        assert server.count(machine, "SUCCEEDED") == executions
        transitions = executions * (2 * rounds + 1)
        events = executions * (2 * (2 * rounds) + 2 + 1)
        results["durable_transitions_per_s"] = transitions / seconds
        print(f"transitions: {transitions / seconds:,.0f} durable state transitions/s "
              f"({events / seconds:,.0f} history events/s; {executions} executions x "
              f"{2 * rounds + 1} states in {seconds:.2f} s), target >= 50,000/s")
    finally:
        server.close()


def bench_parked(args, results):
    server = Server(args.baton)
    try:
        wait_seconds = args.parked_wait
        machine = server.create("parked", {"StartAt": "Park", "States": {
            "Park": {"Type": "Wait", "Seconds": wait_seconds, "Next": "Done"},
            "Done": {"Type": "Succeed"}}})
        idle = server.rss_mib()
        started = time.monotonic()
        r = load(args.load, server, "AWSStepFunctions.StartExecution",
                 {"stateMachineArn": machine, "name": "park-{n}", "input": "{\"n\":{n}}"},
                 args.parked)
        parked_after = time.monotonic() - started
        rss = server.rss_mib()
        running = server.count(machine, "RUNNING")
        server.wait_until_none_running(machine, timeout=wait_seconds + 600)
        resumed = time.monotonic() - started
        succeeded = server.count(machine, "SUCCEEDED")
        assert succeeded == args.parked, f"{succeeded} of {args.parked} succeeded"
        results["parked_rss_mib"] = rss
        print(f"parked: {args.parked} executions parked in {parked_after:.1f} s "
              f"({r['per_second']:.0f}/s, {running} RUNNING); resident memory {rss:.0f} MiB "
              f"(idle {idle:.0f} MiB), target < 1024 MiB; all SUCCEEDED {resumed:.1f} s after "
              f"the first start (Wait {wait_seconds} s)")
    finally:
        server.close()


def lambda_call(server, method, path, body):
    server.connection.request(method, path, body=json.dumps(body),
                              headers={"Content-Type": "application/json"})
    response = server.connection.getresponse()
    answer = json.loads(response.read() or b"{}")
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {answer}")
    return answer


def bench_map(args, results):
    server = Server(args.baton)
    try:
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as z:
            z.writestr("index.js", "exports.handler = async (e) => ({doubled: e.n * 2});\n")
        lambda_call(server, "POST", "/2015-03-31/functions", {
            "FunctionName": "double", "Runtime": "nodejs20.x", "Handler": "index.handler",
            "Role": ROLE, "Code": {"ZipFile": base64.b64encode(code.getvalue()).decode()}})
        items = 1000
        machine = server.create("map", {"StartAt": "Each", "States": {"Each": {
            "Type": "Map", "MaxConcurrency": 10, "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": "Double", "States": {"Double": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "double", "Payload.$": "$"},
                "ResultSelector": {"d.$": "$.Payload.doubled"}, "End": True}}},
            "End": True}}})
        body = json.dumps({"items": [{"n": i} for i in range(items)]})
        for run in ("warm", "timed"):
            started = time.monotonic()
            arn = server.call("StartExecution", {"stateMachineArn": machine, "name": run,
                                                 "input": body})["executionArn"]
            while True:
                d = server.call("DescribeExecution", {"executionArn": arn})
                if d["status"] != "RUNNING":
                    break
                time.sleep(0.02)
            seconds = time.monotonic() - started
            assert d["status"] == "SUCCEEDED", d
            assert json.loads(d["output"])[999] == {"d": 1998}
        results["map_items_per_s"] = items / seconds
        print(f"map: {items} items through a warm Node.js function in {seconds:.2f} s: "
              f"{items / seconds:,.0f} items/s (MaxConcurrency 10)")
    finally:
        server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baton", default=os.path.join(ROOT, "build/src/cli/baton"))
    parser.add_argument("--load", default=os.path.join(ROOT, "build/bench/serve_load"))
    parser.add_argument("--only", default="express,standard,transitions,parked,map")
    parser.add_argument("--express", type=int, default=100000)
    parser.add_argument("--standard", type=int, default=30000)
    parser.add_argument("--parked", type=int, default=100000)
    parser.add_argument("--parked-wait", type=int, default=60)
    args = parser.parse_args()
    results = {}
    benches = {"express": bench_express, "standard": bench_standard,
               "transitions": bench_transitions, "parked": bench_parked, "map": bench_map}
    for name in args.only.split(","):
        benches[name](args, results)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
