"""Drives `baton serve` as a user does: a real server process on loopback, a real SQLite file in a
temporary folder, and the real AWS clients (Debian's `aws` CLI and boto3) pointed at it with
--endpoint-url.

The clients Debian ships predate some Step Functions operations (versions, aliases, TestState,
RedriveExecution, ValidateStateMachineDefinition). `aws-model/` holds the Step Functions API model
as AWS publishes it (documentation stripped); AWS_DATA_PATH makes both clients load it, so they
speak every operation.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import http.client
import urllib.request
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "aws-model")
os.environ["AWS_DATA_PATH"] = MODEL
os.environ.setdefault("AWS_ACCESS_KEY_ID", "baton")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "baton")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.pop("AWS_PROFILE", None)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/baton"
ARN = f"arn:aws:states:{REGION}:{ACCOUNT}"


def machine_arn(name):
    return f"{ARN}:stateMachine:{name}"


def execution_arn(machine, name):
    return f"{ARN}:execution:{machine}:{name}"


def activity_arn(name):
    return f"{ARN}:activity:{name}"


def aws_cli():
    """Debian's aws CLI when installed, else the one on PATH."""
    if os.path.exists("/usr/bin/aws"):
        return "/usr/bin/aws"
    found = shutil.which("aws")
    if not found:
        sys.exit("the aws CLI is not installed (scripts/setup installs Debian's awscli)")
    return found


class Server:
    """One `baton serve` process. Start with start(); kill() is kill -9; stop() is SIGTERM."""

    def __init__(self, baton, data=None, args=()):
        self.baton = baton
        self.owns_data = data is None
        self.data = data or tempfile.mkdtemp(prefix="baton-serve-")
        self.args = list(args)
        self.process = None
        self.port = None
        self.api_port = None  # the HTTP APIs' port (--api-port)
        self.log_path = os.path.join(self.data, "serve.log")

    def start(self, timeout=10):
        seen = len(self.log())  # the log of earlier runs, when restarted
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [self.baton, "serve", "--port", "0", "--api-port", "0", "--data", self.data,
             *self.args],
            stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"baton serve exited with {self.process.returncode}:\n" +
                                   self.log())
            text = self.log()[seen:]
            found = re.findall(r"listening on http://127\.0\.0\.1:(\d+)", text)
            apis = re.findall(r"HTTP APIs on http://[^:]+:(\d+)", text)
            # Both addresses, which start-up prints together once both listen.
            if found and apis:
                self.port = int(found[-1])
                self.api_port = int(apis[-1])
                return self
            time.sleep(0.02)
        raise RuntimeError("baton serve did not start:\n" + self.log())

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout=10):
        """SIGTERM; returns the exit code."""
        if not self.process or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise RuntimeError("baton serve did not stop on SIGTERM:\n" + self.log())

    def close(self):
        self.stop()
        if os.environ.get("BATON_KEEP_DATA"):
            print(f"kept {self.data}", file=sys.stderr)
        elif self.owns_data:
            shutil.rmtree(self.data, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def client(self, read_timeout=70):
        """boto3's Step Functions client, with host prefixes off (no sync- host)."""
        # A session of its own: boto3's default session is not safe to share between threads.
        return boto3.session.Session().client(
            "stepfunctions", endpoint_url=self.endpoint, region_name=REGION,
            config=Config(inject_host_prefix=False, read_timeout=read_timeout,
                          retries={"max_attempts": 1}))

    def cli(self, *args, check=True, env=None):
        """Runs `aws stepfunctions ARGS --endpoint-url ...`; returns the parsed JSON output (or
        None when there is none). With check=False returns (exit code, stdout, stderr)."""
        command = [aws_cli(), "stepfunctions", "--endpoint-url", self.endpoint, "--output",
                   "json", *args]
        full_env = dict(os.environ)
        full_env.update(env or {})
        done = subprocess.run(command, capture_output=True, text=True, env=full_env, timeout=120)
        if not check:
            return done.returncode, done.stdout, done.stderr
        if done.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
        return json.loads(done.stdout) if done.stdout.strip() else None

    def raw(self, target, body, headers=None):
        """POSTs `body` (bytes or str) with X-Amz-Target: target; returns (status, headers,
        parsed JSON body or the text when it is not JSON)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        all_headers = {"Content-Type": "application/x-amz-json-1.0"}
        if target is not None:
            all_headers["X-Amz-Target"] = target
        all_headers.update(headers or {})
        connection.request("POST", "/", body=body, headers=all_headers)
        response = connection.getresponse()
        text = response.read().decode()
        connection.close()
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = text
        return response.status, {k.lower(): v for k, v in response.getheaders()}, parsed


def advance_clock(server, seconds):
    """Moves the clock of a server started with --clock-control `seconds` forward; its state."""
    request = urllib.request.Request(server.endpoint + "/_baton/clock", method="POST",
                                     data=json.dumps({"advanceSeconds": seconds}).encode())
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def wait_for(predicate, timeout=20, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def wait_for_status(client, arn, statuses=("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"),
                    timeout=20):
    def done():
        d = client.describe_execution(executionArn=arn)
        return d if d["status"] in statuses else None
    return wait_for(done, timeout, what=f"{arn} to reach {statuses}")


BATON = None


def baton_binary():
    """The baton binary: argv[1] of the test, or BATON, or the release build. Call it once,
    before unittest.main(); ServerTest uses it."""
    global BATON
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        BATON = os.path.abspath(sys.argv.pop(1))
    elif os.environ.get("BATON"):
        BATON = os.environ["BATON"]
    else:
        BATON = os.path.join(HERE, "..", "..", "build", "src", "cli", "baton")
    return BATON


class ServerTest(unittest.TestCase):
    """A test class with one `baton serve` for all its tests (`server_args` are added to its
    command line), its boto3 client `sfn`, and the checks the tests share."""

    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(BATON, args=cls.server_args).start()
        cls.sfn = cls.server.client()

    @classmethod
    def tearDownClass(cls):
        cls.sfn.close()
        cls.server.close()

    def error(self, code, call, **kwargs):
        """Calls `call`, expects the AWS error `code` as HTTP 400; returns the message."""
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        response = caught.exception.response
        self.assertEqual(response["Error"]["Code"], code, response["Error"].get("Message"))
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)
        return response["Error"]["Message"]
