#!/usr/bin/env python3
"""Throughput of Lambda's event source mappings on `baton serve`: N messages waiting in an SQS
queue, then a mapping to a Node.js handler in batches of 10; the time until the queue is empty
(every message handled and deleted), as messages/s. Also the same with messages sent while the
mapping runs (the pipeline kept full by long polls).

  bench/esm_bench.py [--baton build/src/cli/baton] [--messages 20000] [--concurrency 10]

Nothing here is a test: the figures go in bench/README.md.
"""

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGION = "us-east-1"
ACCOUNT = "123456789012"

HANDLER = "exports.handler = async (event) => ({count: event.Records.length});\n"


def zip_of(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buffer.getvalue()


def send_all(sqs, url, count, prefix):
    for start_at in range(0, count, 10):
        entries = [{"Id": str(i), "MessageBody": json.dumps({"n": start_at + i, "p": prefix})}
                   for i in range(min(10, count - start_at))]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)


def drained(sqs, url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return a["ApproximateNumberOfMessages"] == "0" and a[
        "ApproximateNumberOfMessagesNotVisible"] == "0"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baton", default=os.path.join(ROOT, "build", "src", "cli", "baton"))
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=0,
                        help="ScalingConfig.MaximumConcurrency (2-1000); 0: none, Lambda's five")
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="baton-esm-bench-")
    process = None
    try:
        # The banner is printed at info level only.
        log = open(os.path.join(data, "serve.log"), "w")
        process = subprocess.Popen([args.baton, "serve", "--port", "0", "--api-port", "0", "--data", data],
                                   stdout=log, stderr=log)
        port = None
        deadline = time.monotonic() + 20
        while port is None and time.monotonic() < deadline:
            with open(os.path.join(data, "serve.log")) as f:
                found = re.findall(r"listening on http://127\.0\.0\.1:(\d+)", f.read())
            port = int(found[-1]) if found else None
            time.sleep(0.05)
        endpoint = f"http://127.0.0.1:{port}"
        config = Config(retries={"max_attempts": 1}, max_pool_connections=20)
        session = boto3.session.Session(aws_access_key_id="baton", aws_secret_access_key="baton")
        lam = session.client("lambda", endpoint_url=endpoint, region_name=REGION, config=config)
        sqs = session.client("sqs", endpoint_url=endpoint, region_name=REGION, config=config)
        lam.create_function(FunctionName="sink", Runtime="nodejs20.x", Handler="index.handler",
                            Role=f"arn:aws:iam::{ACCOUNT}:role/bench",
                            Code={"ZipFile": zip_of({"index.js": HANDLER})})
        results = {}
        for phase in ("backlog", "streaming"):
            name = f"bench-{phase}"
            url = sqs.create_queue(QueueName=name)["QueueUrl"]
            arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
            if phase == "backlog":
                send_all(sqs, url, args.messages, phase)
            began = time.monotonic()
            scaling = ({"ScalingConfig": {"MaximumConcurrency": args.concurrency}}
                       if args.concurrency else {})
            uuid = lam.create_event_source_mapping(
                FunctionName="sink", EventSourceArn=arn, BatchSize=10, **scaling)["UUID"]
            if phase == "streaming":
                senders = [threading.Thread(target=send_all, args=(
                    session.client("sqs", endpoint_url=endpoint, region_name=REGION,
                                   config=config), url, args.messages // 4, f"{phase}{i}"))
                    for i in range(4)]
                for t in senders:
                    t.start()
                for t in senders:
                    t.join()
            while not drained(sqs, url):
                time.sleep(0.05)
            seconds = time.monotonic() - began
            count = args.messages if phase == "backlog" else (args.messages // 4) * 4
            results[phase] = round(count / seconds)
            print(f"{phase}: {count} messages in {seconds:.2f} s: {results[phase]} messages/s",
                  flush=True)
            lam.delete_event_source_mapping(UUID=uuid)
        print(json.dumps(results))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=20)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
