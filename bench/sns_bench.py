#!/usr/bin/env python3
"""SNS fan-out through `baton serve`: one topic, ten SQS subscriptions with a filter policy
each (every message matches), Publish from 32 clients on loopback (the query protocol, through
serve_load). Reports publishes/s, and queue messages/s (each publish is ten), for signed
envelopes and for raw delivery; then checks every queue holds every message.

  bench/sns_bench.py [--baton build/src/cli/baton] [--load build/bench/serve_load]
                     [--count 20000] [--mode envelope,raw] [--clients 32]

Nothing here is a test: the figures go in bench/README.md.
"""

import argparse
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_bench  # noqa: E402

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

SUBSCRIPTIONS = 10


def bench(args, raw):
    server = serve_bench.Server(args.baton)
    try:
        endpoint = f"http://127.0.0.1:{server.port}"
        config = Config(retries={"max_attempts": 1})
        session = boto3.session.Session(aws_access_key_id="baton", aws_secret_access_key="baton")
        sns = session.client("sns", endpoint_url=endpoint, region_name="us-east-1", config=config)
        sqs = session.client("sqs", endpoint_url=endpoint, region_name="us-east-1", config=config)
        topic = sns.create_topic(Name="fan-out")["TopicArn"]
        urls = []
        for i in range(SUBSCRIPTIONS):
            url = sqs.create_queue(QueueName=f"q{i}")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                "Attributes"]["QueueArn"]
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={
                "RawMessageDelivery": "true" if raw else "false",
                "FilterPolicy": json.dumps({"colour": ["blue", "green"],
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
        result = serve_bench.subprocess.run(
            [args.load, "--port", str(server.port), "--query", "sns", "--body", body,
             "--count", str(args.count), "--clients", str(args.clients)], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(result.stderr[-2000:])
        out = json.loads(result.stdout.strip().splitlines()[-1])
        counts = [int(sqs.get_queue_attributes(
            QueueUrl=u, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"][
            "ApproximateNumberOfMessages"]) for u in urls]
        out["queue_counts"] = counts
        return out
    finally:
        server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baton", default=os.path.join(serve_bench.ROOT, "build/src/cli/baton"))
    parser.add_argument("--load", default=os.path.join(serve_bench.ROOT, "build/bench/serve_load"))
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--mode", default="envelope,raw")
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    results = {}
    for mode in args.mode.split(","):
        out = bench(args, raw=mode == "raw")
        results[mode] = out
        print(f"{mode}: {json.dumps(out)}", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
