#!/usr/bin/env python3
"""HTTP API -> warm Node.js function: requests/s and latency of `baton serve`'s HTTP API port in
front of a Lambda function, and of the npm package serverless-offline serving the same handler
(installed with npm into a temporary folder, or taken from --offline-dir), with their ratio.

  bench/http_api_bench.py [--baton build/src/cli/baton] [--load build/bench/serve_load]
                          [--clients 16] [--count 20000] [--offline-dir DIR] [--no-offline]

Both serve GET /hello/{name} (payload format 2.0) with the handler below; each is warmed first.
Prints one line per server and a JSON summary at the end. Not a test: the figures go in
bench/README.md.
"""

import argparse
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile

HANDLER = """exports.handler = async (event) => ({
  statusCode: 200,
  headers: {"content-type": "application/json"},
  body: JSON.stringify({hello: event.pathParameters.name}),
});
"""

SERVERLESS_YML = """service: bench
frameworkVersion: "3"
provider:
  name: aws
  runtime: nodejs20.x
  region: us-east-1
functions:
  hello:
    handler: handler.handler
    events:
      - httpApi:
          path: /hello/{name}
          method: get
plugins:
  - serverless-offline
custom:
  serverless-offline:
    httpPort: %(port)d
    lambdaPort: %(lambda_port)d
    noPrependStageInUrl: true
"""


def wait_http(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def load(args, port):
    done = subprocess.run([args.load, "--port", str(port), "--get", "/hello/n{n}", "--clients",
                           str(args.clients), "--count", str(args.count)],
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        sys.exit(f"serve_load failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def baton(args):
    data = tempfile.mkdtemp(prefix="baton-http-api-bench-")
    log_path = os.path.join(data, "serve.log")
    process = subprocess.Popen([args.baton, "serve", "--port", "0", "--api-port", "0",
                                "--data", data], stdout=subprocess.DEVNULL,
                               stderr=open(log_path, "w"))
    try:
        deadline = time.monotonic() + 10
        ports = None
        while time.monotonic() < deadline:
            text = open(log_path).read()
            main_port = re.search(r"listening on http://127\.0\.0\.1:(\d+)", text)
            api = re.search(r"HTTP APIs on http://127\.0\.0\.1:(\d+)", text)
            if main_port and api:
                ports = int(main_port.group(1)), int(api.group(1))
                break
            time.sleep(0.05)
        if ports is None:
            sys.exit("baton serve did not start:\n" + open(log_path).read())
        endpoint = f"http://127.0.0.1:{ports[0]}"
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "baton")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "baton")
        import boto3
        lam = boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("index.js", HANDLER)
        lam.create_function(FunctionName="hello", Runtime="nodejs20.x", Handler="index.handler",
                            Role="arn:aws:iam::123456789012:role/bench",
                            Code={"ZipFile": buffer.getvalue()})
        apigw = boto3.client("apigatewayv2", endpoint_url=endpoint, region_name="us-east-1")
        apigw.create_api(Name="bench", ProtocolType="HTTP", RouteKey="GET /hello/{name}",
                         Target="arn:aws:lambda:us-east-1:123456789012:function:hello")
        wait_http(f"http://127.0.0.1:{ports[1]}/hello/warm")
        return load(args, ports[1])
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait()
        shutil.rmtree(data, ignore_errors=True)


def offline(args):
    folder = args.offline_dir or tempfile.mkdtemp(prefix="sls-offline-bench-")
    if not os.path.exists(os.path.join(folder, "node_modules", "serverless-offline")):
        with open(os.path.join(folder, "package.json"), "w") as f:
            f.write('{"name": "sls-offline-bench", "private": true}')
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "serverless@3",
                        "serverless-offline@13"], cwd=folder, check=True)
    project = tempfile.mkdtemp(prefix="sls-project-")
    os.symlink(os.path.join(folder, "node_modules"), os.path.join(project, "node_modules"))
    with open(os.path.join(project, "handler.js"), "w") as f:
        f.write(HANDLER)
    port, lambda_port = 3917, 3918
    with open(os.path.join(project, "serverless.yml"), "w") as f:
        f.write(SERVERLESS_YML % {"port": port, "lambda_port": lambda_port})
    env = dict(os.environ, SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off")
    process = subprocess.Popen([os.path.join(project, "node_modules", ".bin", "serverless"),
                                "offline", "start"], cwd=project, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/hello/warm", timeout=120)
        return load(args, port)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        shutil.rmtree(project, ignore_errors=True)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baton", default=os.path.join(root, "build", "src", "cli", "baton"))
    parser.add_argument("--load", default=os.path.join(root, "build", "bench", "serve_load"))
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--offline-dir", help="a folder with serverless and serverless-offline "
                        "installed (npm install serverless@3 serverless-offline@13)")
    parser.add_argument("--no-offline", action="store_true")
    args = parser.parse_args()
    results = {"baton": baton(args)}
    print("baton serve HTTP API -> warm Node function:", json.dumps(results["baton"]))
    if not args.no_offline:
        results["serverless_offline"] = offline(args)
        print("serverless-offline -> same handler:", json.dumps(results["serverless_offline"]))
        results["ratio_per_second"] = round(results["baton"]["per_second"] /
                                            results["serverless_offline"]["per_second"], 1)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
