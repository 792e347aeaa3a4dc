#!/usr/bin/env python3
"""Messaging through `baton serve` and, in the same run on the same work, through the npm
package fauxqs (an SQS/SNS emulator in Node.js, in memory only), side by side.

  bench/messaging.py [--only batched,unbatched,wake,fanout,raw_fanout,memory,function]
                     [--servers baton,fauxqs] [--messages 200000] [--memory-messages 1000000]

  batched     send + receive + delete in batches of 10, 8 producers and 8 consumers on 4
              queues: messages/s until every message was deleted (none lost, none twice)
  unbatched   the same one message a request
  wake        a consumer long-polls an empty queue; one message is sent: from the send's
              request to the consumer's answer, p50 and p99 over 1,000 wakes
  fanout      Publish to a topic with 10 SQS subscriptions, each with a filter policy that the
              message matches (signed envelopes): publishes/s; then each queue holds them all
  raw_fanout  the same with raw message delivery
  memory      1,000,000 messages of 100 bytes left waiting in 4 queues: the server's resident
              memory (baton's once more after a restart, rebuilt from its store)
  function    baton only (fauxqs has no Lambda): bench/esm_bench.py, SQS -> a Node.js handler
              in batches of 10

baton keeps every message in its SQLite store before it answers; fauxqs keeps them in memory.
The drivers are C++ (bench/sqs_load.cc, bench/serve_load.cc) so that the client costs little
of the two cores it shares with the server. fauxqs comes from bench/messaging/package.json
(`npm ci` there, done on first use). Nothing here is a test: the figures go in bench/README.md.
"""

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_bench  # noqa: E402

ROOT = serve_bench.ROOT
PEER = os.path.join(ROOT, "bench", "messaging")


class Fauxqs:
    """fauxqs on a free port, started from bench/messaging/server.mjs."""

    def __init__(self):
        if not os.path.isdir(os.path.join(PEER, "node_modules", "fauxqs")):
            print("installing fauxqs (npm ci in bench/messaging)", file=sys.stderr, flush=True)
            subprocess.run(["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=PEER,
                           check=True)
        self.process = subprocess.Popen(["node", "server.mjs"], cwd=PEER, env=dict(
            os.environ, PORT="0"), stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        found = re.search(r"listening on (\d+)", line)
        if not found:
            raise RuntimeError(f"fauxqs did not start: {line!r}")
        self.port = int(found.group(1))

    def rss_mib(self):
        return rss_mib(self.process.pid)

    def close(self):
        self.process.terminate()
        self.process.wait(30)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024


def start(name, args):
    return serve_bench.Server(args.baton) if name == "baton" else Fauxqs()


def sqs(port, operation, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.request("POST", "/", body=json.dumps(body), headers={
        "X-Amz-Target": "AmazonSQS." + operation, "Content-Type": "application/x-amz-json-1.0",
        "Authorization": "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/sqs/aws4_request,"
                         " SignedHeaders=host, Signature=0"})
    response = c.getresponse()
    answer = json.loads(response.read() or b"{}")
    c.close()
    if response.status != 200:
        raise RuntimeError(f"{operation}: {answer}")
    return answer


def sns(port, form):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.request("POST", "/", body=urllib.parse.urlencode(form), headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/sns/aws4_request,"
                         " SignedHeaders=host, Signature=0"})
    response = c.getresponse()
    text = response.read().decode()
    c.close()
    if response.status != 200:
        raise RuntimeError(f"{form.get('Action')}: {text[:300]}")
    return text


def tool(args, name, *flags):
    done = subprocess.run([os.path.join(args.build, "bench", name), *map(str, flags)],
                          capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed: {done.stderr[-1500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_pipeline(args, server, batch):
    count = args.messages if batch > 1 else args.messages // 4
    out = tool(args, "sqs_load", "--port", server.port, "--mode", "pipeline", "--count", count,
               "--batch", batch, "--prefix", f"b{batch}")
    return {"messages_per_s": out["per_second"], "messages": count, "seconds": out["seconds"]}


def bench_wake(args, server):
    out = tool(args, "sqs_load", "--port", server.port, "--mode", "wake", "--count", 1000)
    return {"p50_ms": out["p50_ms"], "p99_ms": out["p99_ms"], "max_ms": out["max_ms"]}


def bench_fanout(args, server, raw):
    topic = re.search(r"<TopicArn>([^<]+)</TopicArn>", sns(server.port, {
        "Action": "CreateTopic", "Version": "2010-03-31", "Name": "fan-out"})).group(1)
    urls = []
    for i in range(10):
        url = sqs(server.port, "CreateQueue", {"QueueName": f"fan-{i}"})["QueueUrl"]
        arn = sqs(server.port, "GetQueueAttributes", {
            "QueueUrl": url, "AttributeNames": ["QueueArn"]})["Attributes"]["QueueArn"]
        sns(server.port, {
            "Action": "Subscribe", "Version": "2010-03-31", "TopicArn": topic,
            "Protocol": "sqs", "Endpoint": arn,
            "Attributes.entry.1.key": "RawMessageDelivery",
            "Attributes.entry.1.value": "true" if raw else "false",
            "Attributes.entry.2.key": "FilterPolicy",
            "Attributes.entry.2.value": json.dumps({"colour": ["blue", "green"],
                                                    "size": [{"numeric": [">", i]}]})})
        urls.append(url)
    body = ("Action=Publish&Version=2010-03-31&TopicArn=" + urllib.parse.quote(topic, "") +
            "&Message=order+{n}"
            "&MessageAttributes.entry.1.Name=colour"
            "&MessageAttributes.entry.1.Value.DataType=String"
            "&MessageAttributes.entry.1.Value.StringValue=blue"
            "&MessageAttributes.entry.2.Name=size"
            "&MessageAttributes.entry.2.Value.DataType=Number"
            "&MessageAttributes.entry.2.Value.StringValue=100")
    count = args.messages // 10
    out = tool(args, "serve_load", "--port", server.port, "--query", "sns", "--body", body,
               "--count", count, "--clients", 32)

    def waiting(url):
        return int(sqs(server.port, "GetQueueAttributes", {
            "QueueUrl": url, "AttributeNames": ["ApproximateNumberOfMessages"]})[
            "Attributes"]["ApproximateNumberOfMessages"])
    # A peer may deliver after it answered: give it a moment to finish.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(waiting(u) < count for u in urls):
        time.sleep(0.2)
    delivered = [waiting(u) for u in urls]
    return {"publishes_per_s": out["per_second"], "p99_ms": out["p99_ms"],
            "publishes": count, "every_queue_holds_all": all(d == count for d in delivered)}


def bench_memory(args, server, name):
    before = server.rss_mib()
    out = tool(args, "sqs_load", "--port", server.port, "--mode", "fill", "--count",
               args.memory_messages, "--prefix", "fill")
    result = {"messages": args.memory_messages, "send_per_s": out["per_second"],
              "rss_before_mib": round(before), "rss_mib": round(server.rss_mib())}
    if name == "baton":
        # Again after a restart: the queues' indexes rebuilt from the store.
        data = server.data
        server.process.terminate()
        server.process.wait(60)
        started = time.monotonic()
        log = open(os.path.join(data, "serve.log"), "a")
        port = server.port
        server.process = subprocess.Popen(
            [args.baton, "serve", "--port", str(port), "--api-port", "0", "--data", data], stdout=log, stderr=log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                sqs(port, "ListQueues", {})
                break
            except (OSError, RuntimeError):
                time.sleep(0.05)
        result["restart_seconds"] = round(time.monotonic() - started, 2)
        result["rss_after_restart_mib"] = round(server.rss_mib())
        url = sqs(port, "GetQueueUrl", {"QueueName": "fill-fill-0"})["QueueUrl"]
        result["first_queue_after_restart"] = int(sqs(port, "GetQueueAttributes", {
            "QueueUrl": url, "AttributeNames": ["ApproximateNumberOfMessages"]})[
            "Attributes"]["ApproximateNumberOfMessages"])
    return result


def bench_function(args):
    done = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "esm_bench.py"),
                           "--baton", args.baton], capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-1500:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baton", default=os.path.join(ROOT, "build/src/cli/baton"))
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--only", default="batched,unbatched,wake,fanout,raw_fanout,memory,"
                                          "function")
    parser.add_argument("--servers", default="baton,fauxqs")
    parser.add_argument("--messages", type=int, default=200000)
    parser.add_argument("--memory-messages", type=int, default=1000000)
    args = parser.parse_args()
    results = {}
    for bench in args.only.split(","):
        if bench == "function":
            results["function"] = {"baton": bench_function(args)}
            print(f"function baton: {json.dumps(results['function']['baton'])}", flush=True)
            continue
        results[bench] = {}
        for name in args.servers.split(","):
            server = start(name, args)
            try:
                if bench in ("batched", "unbatched"):
                    out = bench_pipeline(args, server, 10 if bench == "batched" else 1)
                elif bench == "wake":
                    out = bench_wake(args, server)
                elif bench in ("fanout", "raw_fanout"):
                    out = bench_fanout(args, server, raw=bench == "raw_fanout")
                elif bench == "memory":
                    out = bench_memory(args, server, name)
                else:
                    sys.exit(f"unknown benchmark {bench}")
            finally:
                server.close()
            results[bench][name] = out
            print(f"{bench} {name}: {json.dumps(out)}", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
