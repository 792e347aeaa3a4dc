"""Lambda functions on `baton serve`, driven as users drive AWS Lambda: Debian's `aws lambda` CLI
and boto3 create, update, invoke and delete Node.js, Python and `provided` (a shell script
speaking the Runtime API with curl) functions; the official Node.js runtime interface client
(aws-lambda-ric, installed by tests/runtime/ric_setup.sh) runs a handler unchanged; a workflow
calls functions of three languages with Retry and Catch; and a function's reserved concurrency
caps its sandboxes under 200 concurrent invocations, while a sandbox that exits mid-call fails
only that call.

usage: python3 tests/serve/test_functions.py PATH_TO_BATON
env BATON_RIC_CACHE: where ric_setup.sh installs aws-lambda-ric (default /tmp/baton-ric-cache)
"""

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import zipfile

import boto3
from botocore.config import Config

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LAMBDA_ARN = f"arn:aws:lambda:{harness.REGION}:{harness.ACCOUNT}:function"
LAMBDA_ROLE = f"arn:aws:iam::{harness.ACCOUNT}:role/lambda"


def zip_bytes(files):
    """A zip of {name: text}; a file named `bootstrap` (or any *.sh) is executable."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            executable = name == "bootstrap" or name.endswith(".sh")
            info.external_attr = (0o755 if executable else 0o644) << 16
            z.writestr(info, text)
    return buffer.getvalue()


def code_sha256(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def log_lines(log_result):
    return base64.b64decode(log_result).decode().splitlines()


# --- function code ---------------------------------------------------------------------------

NODE_HANDLER = r"""
exports.handler = async (event, context) => {
  console.log('hello from node', JSON.stringify(event));
  if (event.fail) throw new TypeError('node says no');
  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep * 1000));
  return {runtime: 'node', version: 1, got: event, greeting: process.env.GREETING || null,
          fn: context.functionName, requestId: context.awsRequestId};
};
"""

NODE_HANDLER_V2 = NODE_HANDLER.replace("version: 1", "version: 2")

PYTHON_HANDLER = r"""
import json, os, time

def handler(event, context):
    print("hello from python", json.dumps(event, sort_keys=True))
    if event.get("fail"):
        raise ValueError("python says no")
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("touch"):
        with open(os.path.join(os.environ["MARK_DIR"], event["touch"]), "w") as f:
            f.write(context.aws_request_id)
    return {"runtime": "python", "got": event, "greeting": os.environ.get("GREETING"),
            "fn": context.function_name, "requestId": context.aws_request_id}
"""

# A custom runtime as the AWS tutorial writes one: a loop of curl calls to the Runtime API.
SHELL_BOOTSTRAP = r"""#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
echo "shell runtime starting for $_HANDLER"
while true; do
  # the headers, a blank line, the event
  RESPONSE=$(curl -sS -i "$API/next")
  ID=$(printf '%s\n' "$RESPONSE" | grep -i '^Lambda-Runtime-Aws-Request-Id:' | cut -d: -f2 |
       tr -d ' \r\n')
  EVENT=$(printf '%s\n' "$RESPONSE" | sed '1,/^\r*$/d')
  echo "hello from shell $EVENT"
  case "$EVENT" in
    *'"fail"'*)
      curl -sS -o /dev/null -X POST "$API/$ID/error" \
        --data-binary '{"errorMessage":"shell says no","errorType":"ShellError"}' ;;
    *'"sleep"'*)
      sleep 5
      curl -sS -o /dev/null -X POST "$API/$ID/response" --data-binary '{"slept":true}' ;;
    *)
      curl -sS -o /dev/null -X POST "$API/$ID/response" \
        --data-binary "{\"runtime\":\"shell\",\"got\":$EVENT,\"greeting\":\"${GREETING:-}\"}" ;;
  esac
done
"""


class LambdaServerTest(harness.ServerTest):
    """A ServerTest with a Lambda client and the `aws lambda` CLI."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scratch = tempfile.mkdtemp(prefix="baton-functions-")
        cls.lam = cls.lambda_client()
        try:
            cls.set_up_functions()
        except BaseException:
            cls.tearDownClass()  # unittest does not when setUpClass fails: stop the server
            raise

    @classmethod
    def set_up_functions(cls):
        """The functions the class's tests share."""

    @classmethod
    def tearDownClass(cls):
        cls.lam.close()
        shutil.rmtree(cls.scratch, ignore_errors=True)
        super().tearDownClass()

    @classmethod
    def lambda_client(cls, session=None, read_timeout=70):
        return (session or boto3.session.Session()).client(
            "lambda", endpoint_url=cls.server.endpoint, region_name=harness.REGION,
            config=Config(read_timeout=read_timeout, retries={"max_attempts": 1}))

    @classmethod
    def cli(cls, *args, check=True):
        """`aws lambda ARGS`: the parsed JSON output, or with check=False (code, out, err)."""
        command = [harness.aws_cli(), "lambda", "--endpoint-url", cls.server.endpoint,
                   "--output", "json", *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if not check:
            return done.returncode, done.stdout, done.stderr
        if done.returncode != 0:
            raise AssertionError(f"aws lambda {' '.join(args)} failed ({done.returncode}):\n"
                                 f"{done.stderr}")
        return json.loads(done.stdout) if done.stdout.strip() else None

    @classmethod
    def zip_file(cls, files):
        """Writes the zip of `files` to the scratch folder: (path, bytes)."""
        data = zip_bytes(files)
        fd, path = tempfile.mkstemp(suffix=".zip", dir=cls.scratch)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return path, data

    @classmethod
    def cli_create(cls, name, runtime, handler, files, *extra):
        path, data = cls.zip_file(files)
        out = cls.cli("create-function", "--function-name", name, "--runtime", runtime,
                      "--handler", handler, "--role", LAMBDA_ROLE,
                      "--zip-file", f"fileb://{path}", *extra)
        return out, data

    @classmethod
    def cli_invoke(cls, name, payload=None, *extra):
        """`aws lambda invoke`: (CLI output, payload bytes)."""
        fd, out_path = tempfile.mkstemp(suffix=".out", dir=cls.scratch)
        os.close(fd)
        args = ["invoke", "--function-name", name]
        if payload is not None:
            args += ["--cli-binary-format", "raw-in-base64-out", "--payload", json.dumps(payload)]
        meta = cls.cli(*args, *extra, out_path)
        with open(out_path, "rb") as f:
            body = f.read()
        os.unlink(out_path)
        return meta, body

    @classmethod
    def create(cls, name, runtime, handler, files, **kwargs):
        """CreateFunction through boto3."""
        return cls.lam.create_function(FunctionName=name, Runtime=runtime, Handler=handler,
                                       Role=LAMBDA_ROLE, Code={"ZipFile": zip_bytes(files)},
                                       **kwargs)

    def invoke(self, name, payload, client=None, **kwargs):
        """Invoke through boto3: (response, parsed payload)."""
        r = (client or self.lam).invoke(FunctionName=name, Payload=json.dumps(payload),
                                        **kwargs)
        return r, json.loads(r["Payload"].read() or b"null")


# --- 1. the aws CLI: Node.js, Python and provided -------------------------------------------

class CliFunctions(LambdaServerTest):

    @classmethod
    def set_up_functions(cls):
        cls.mark_dir = os.path.join(cls.scratch, "marks")
        os.mkdir(cls.mark_dir)
        cls.node_config, cls.node_zip = cls.cli_create(
            "cli-node", "nodejs20.x", "index.handler", {"index.js": NODE_HANDLER})
        cls.python_config, cls.python_zip = cls.cli_create(
            "cli-python", "python3.12", "app.handler", {"app.py": PYTHON_HANDLER},
            "--environment", json.dumps({"Variables": {"MARK_DIR": cls.mark_dir}}))
        cls.shell_config, cls.shell_zip = cls.cli_create(
            "cli-shell", "provided.al2023", "shell.handler", {"bootstrap": SHELL_BOOTSTRAP})

    def check_tail(self, meta, *printed, memory=128):
        lines = log_lines(meta["LogResult"])
        self.assertRegex(lines[0], r"^START RequestId: [0-9a-f-]{36} Version: \$LATEST$")
        request_id = lines[0].split()[2]
        self.assertIn(f"END RequestId: {request_id}", lines)
        report = next(line for line in lines if line.startswith("REPORT"))
        self.assertIn(f"REPORT RequestId: {request_id}\tDuration: ", report)
        self.assertIn("Billed Duration:", report)
        self.assertIn(f"Memory Size: {memory} MB", report)
        self.assertLess(lines.index(f"END RequestId: {request_id}"), lines.index(report))
        text = "\n".join(lines)
        for p in printed:
            self.assertIn(p, text)
        return request_id, lines

    def test_create_function_answers_the_configuration(self):
        c = self.node_config
        self.assertEqual(c["FunctionName"], "cli-node")
        self.assertEqual(c["FunctionArn"], f"{LAMBDA_ARN}:cli-node")
        self.assertEqual((c["Runtime"], c["Handler"], c["Role"]),
                         ("nodejs20.x", "index.handler", LAMBDA_ROLE))
        self.assertEqual((c["Timeout"], c["MemorySize"], c["Version"]), (3, 128, "$LATEST"))
        self.assertEqual(c["CodeSha256"], code_sha256(self.node_zip))
        self.assertEqual(c["CodeSize"], len(self.node_zip))
        self.assertRegex(c["LastModified"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")
        self.assertEqual(self.python_config["Environment"],
                         {"Variables": {"MARK_DIR": self.mark_dir}})
        code, _, err = self.cli("create-function", "--function-name", "cli-node", "--runtime",
                                "nodejs20.x", "--handler", "index.handler", "--role",
                                LAMBDA_ROLE, "--zip-file",
                                "fileb://" + self.zip_file({"index.js": NODE_HANDLER})[0],
                                check=False)
        self.assertEqual(code, 254, err)
        self.assertIn("ResourceConflictException", err)

    def test_node_invoke_result_and_tail_log(self):
        meta, body = self.cli_invoke("cli-node", {"n": 1}, "--log-type", "Tail")
        self.assertEqual(meta["StatusCode"], 200)
        self.assertEqual(meta["ExecutedVersion"], "$LATEST")
        self.assertNotIn("FunctionError", meta)
        result = json.loads(body)
        self.assertEqual((result["runtime"], result["got"], result["fn"]),
                         ("node", {"n": 1}, "cli-node"))
        request_id, lines = self.check_tail(meta, 'hello from node {"n":1}')
        self.assertEqual(result["requestId"], request_id)
        # console.log lines as Lambda's Node.js runtime writes them.
        printed = next(line for line in lines if "hello from node" in line)
        self.assertRegex(printed, rf"^\d{{4}}-.*Z\t{request_id}\tINFO\thello from node")

    def test_node_error(self):
        meta, body = self.cli_invoke("cli-node", {"fail": True}, "--log-type", "Tail")
        self.assertEqual(meta["StatusCode"], 200)
        self.assertEqual(meta["FunctionError"], "Unhandled")
        error = json.loads(body)
        self.assertEqual(error["errorType"], "TypeError")
        self.assertEqual(error["errorMessage"], "node says no")
        self.assertIsInstance(error["trace"], list)
        self.assertEqual(error["trace"][0], "TypeError: node says no")
        self.assertTrue(any("index.js" in t for t in error["trace"]), error["trace"])
        self.check_tail(meta, "Invoke Error", "node says no")

    def test_python_invoke_result_and_tail_log(self):
        meta, body = self.cli_invoke("cli-python", {"p": [1, 2]}, "--log-type", "Tail")
        self.assertEqual((meta["StatusCode"], meta["ExecutedVersion"]), (200, "$LATEST"))
        self.assertNotIn("FunctionError", meta)
        result = json.loads(body)
        self.assertEqual((result["runtime"], result["got"], result["fn"]),
                         ("python", {"p": [1, 2]}, "cli-python"))
        request_id, _ = self.check_tail(meta, 'hello from python {"p": [1, 2]}')
        self.assertEqual(result["requestId"], request_id)

    def test_python_error(self):
        meta, body = self.cli_invoke("cli-python", {"fail": 1}, "--log-type", "Tail")
        self.assertEqual(meta["FunctionError"], "Unhandled")
        error = json.loads(body)
        self.assertEqual(error["errorType"], "ValueError")
        self.assertEqual(error["errorMessage"], "python says no")
        request_id = log_lines(meta["LogResult"])[0].split()[2]
        self.assertEqual(error["requestId"], request_id)
        self.assertIsInstance(error["stackTrace"], list)
        self.assertTrue(any('app.py", line' in t and "in handler" in t
                            for t in error["stackTrace"]), error["stackTrace"])
        self.check_tail(meta, "[ERROR] ValueError: python says no")

    def test_provided_shell_runtime(self):
        meta, body = self.cli_invoke("cli-shell", {"s": "x"}, "--log-type", "Tail")
        self.assertEqual(meta["StatusCode"], 200)
        self.assertNotIn("FunctionError", meta)
        self.assertEqual(json.loads(body), {"runtime": "shell", "got": {"s": "x"},
                                            "greeting": ""})
        self.check_tail(meta, 'hello from shell {"s": "x"}')
        meta, body = self.cli_invoke("cli-shell", {"fail": 1})
        self.assertEqual(meta["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(body), {"errorMessage": "shell says no",
                                            "errorType": "ShellError"})
        # The sandbox survives an error it reported: the next call is answered.
        meta, body = self.cli_invoke("cli-shell", {"again": 1})
        self.assertEqual(json.loads(body)["got"], {"again": 1})

    def test_invoke_without_payload(self):
        meta, body = self.cli_invoke("cli-python")
        self.assertEqual(meta["StatusCode"], 200)
        self.assertEqual(json.loads(body)["got"], {})

    def test_get_function_and_list_functions(self):
        got = self.cli("get-function", "--function-name", "cli-python")
        c = got["Configuration"]
        self.assertEqual((c["FunctionName"], c["Runtime"], c["Handler"]),
                         ("cli-python", "python3.12", "app.handler"))
        self.assertEqual(c["CodeSha256"], code_sha256(self.python_zip))
        self.assertEqual(got["Code"]["RepositoryType"], "S3")
        self.assertIn("Location", got["Code"])
        # by ARN and by partial ARN too
        by_arn = self.cli("get-function", "--function-name", f"{LAMBDA_ARN}:cli-python")
        self.assertEqual(by_arn["Configuration"]["FunctionArn"], f"{LAMBDA_ARN}:cli-python")
        partial = self.cli("get-function-configuration", "--function-name",
                           f"{harness.ACCOUNT}:function:cli-python")
        self.assertEqual(partial["FunctionName"], "cli-python")
        listed = self.cli("list-functions")["Functions"]
        names = {f["FunctionName"] for f in listed}
        self.assertLessEqual({"cli-node", "cli-python", "cli-shell"}, names)
        shell = next(f for f in listed if f["FunctionName"] == "cli-shell")
        self.assertEqual(shell["Runtime"], "provided.al2023")
        # the CLI follows NextMarker across pages
        paged = self.cli("list-functions", "--page-size", "1")["Functions"]
        self.assertEqual({f["FunctionName"] for f in paged}, names)
        code, _, err = self.cli("get-function", "--function-name", "nope", check=False)
        self.assertEqual(code, 254)
        self.assertIn("ResourceNotFoundException", err)
        self.assertIn(f"Function not found: {LAMBDA_ARN}:nope", err)

    def test_update_code_then_configuration(self):
        self.cli_create("cli-updated", "nodejs18.x", "index.handler", {"index.js": NODE_HANDLER})
        meta, body = self.cli_invoke("cli-updated", {})
        self.assertEqual(json.loads(body)["version"], 1)
        path, data = self.zip_file({"index.js": NODE_HANDLER_V2})
        updated = self.cli("update-function-code", "--function-name", "cli-updated",
                           "--zip-file", f"fileb://{path}")
        self.assertEqual(updated["CodeSha256"], code_sha256(data))
        meta, body = self.cli_invoke("cli-updated", {})
        self.assertEqual(json.loads(body)["version"], 2)  # the warm sandbox is not reused
        self.assertIsNone(json.loads(body)["greeting"])
        before = self.cli("get-function-configuration", "--function-name", "cli-updated")
        changed = self.cli("update-function-configuration", "--function-name", "cli-updated",
                           "--environment", "Variables={GREETING=bonjour}", "--timeout", "1",
                           "--memory-size", "256")
        self.assertEqual(changed["Environment"], {"Variables": {"GREETING": "bonjour"}})
        self.assertEqual((changed["Timeout"], changed["MemorySize"]), (1, 256))
        self.assertNotEqual(changed["RevisionId"], before["RevisionId"])
        self.assertEqual(changed["CodeSha256"], code_sha256(data))
        meta, body = self.cli_invoke("cli-updated", {}, "--log-type", "Tail")
        self.assertEqual(json.loads(body)["greeting"], "bonjour")
        self.assertIn("Memory Size: 256 MB", base64.b64decode(meta["LogResult"]).decode())
        # The new timeout: 1 s, and the handler sleeps 2.
        meta, body = self.cli_invoke("cli-updated", {"sleep": 2}, "--log-type", "Tail")
        self.assertEqual(meta["FunctionError"], "Unhandled")
        error = json.loads(body)
        self.assertEqual(error["errorType"], "Sandbox.Timedout")
        self.assertRegex(error["errorMessage"],
                         r"^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$")
        request_id, _ = self.check_tail(meta, "hello from node", memory=256)
        self.assertIn(request_id, error["errorMessage"])
        # a later call gets a new sandbox
        meta, body = self.cli_invoke("cli-updated", {"after": 1})
        self.assertEqual(json.loads(body)["got"], {"after": 1})
        # the shell runtime sees the variables too
        self.cli("update-function-configuration", "--function-name", "cli-shell",
                 "--environment", "Variables={GREETING=hola}")
        meta, body = self.cli_invoke("cli-shell", {})
        self.assertEqual(json.loads(body)["greeting"], "hola")
        self.cli("update-function-configuration", "--function-name", "cli-shell",
                 "--environment", "Variables={}")

    def test_stale_revision_id_is_refused(self):
        current = self.cli("get-function-configuration", "--function-name", "cli-node")
        code, _, err = self.cli("update-function-configuration", "--function-name", "cli-node",
                                "--description", "x", "--revision-id",
                                "00000000-0000-0000-0000-000000000000", check=False)
        self.assertEqual(code, 254)
        self.assertIn("PreconditionFailedException", err)
        done = self.cli("update-function-configuration", "--function-name", "cli-node",
                        "--description", "described", "--revision-id", current["RevisionId"])
        self.assertEqual(done["Description"], "described")

    def test_delete_function_then_invoke(self):
        self.cli_create("cli-doomed", "python3.11", "app.handler", {"app.py": PYTHON_HANDLER})
        meta, _ = self.cli_invoke("cli-doomed", {})
        self.assertEqual(meta["StatusCode"], 200)
        self.assertIsNone(self.cli("delete-function", "--function-name", "cli-doomed"))
        code, _, err = self.cli("invoke", "--function-name", "cli-doomed",
                                os.path.join(self.scratch, "doomed.out"), check=False)
        self.assertEqual(code, 254, err)
        self.assertIn("ResourceNotFoundException", err)
        self.assertIn(f"Function not found: {LAMBDA_ARN}:cli-doomed", err)
        names = {f["FunctionName"] for f in self.cli("list-functions")["Functions"]}
        self.assertNotIn("cli-doomed", names)
        code, _, err = self.cli("delete-function", "--function-name", "cli-doomed", check=False)
        self.assertEqual(code, 254)
        self.assertIn("ResourceNotFoundException", err)

    def test_event_and_dry_run_invocations(self):
        meta, body = self.cli_invoke("cli-python", {"touch": "event-mark"},
                                     "--invocation-type", "Event")
        self.assertEqual(meta["StatusCode"], 202)
        self.assertNotIn("FunctionError", meta)
        self.assertEqual(body, b"")
        mark = os.path.join(self.mark_dir, "event-mark")
        harness.wait_for(lambda: os.path.exists(mark) and os.path.getsize(mark) > 0,
                         timeout=10, what="the Event invocation to run")
        meta, body = self.cli_invoke("cli-python", {"touch": "dry-mark"},
                                     "--invocation-type", "DryRun")
        self.assertEqual(meta["StatusCode"], 204)
        self.assertEqual(body, b"")
        time.sleep(0.3)
        self.assertFalse(os.path.exists(os.path.join(self.mark_dir, "dry-mark")))
        # boto3 sees the same statuses
        r = self.lam.invoke(FunctionName="cli-python", InvocationType="DryRun")
        self.assertEqual(r["StatusCode"], 204)
        code, _, err = self.cli("invoke", "--function-name", "nope", "--invocation-type",
                                "DryRun", os.path.join(self.scratch, "x.out"), check=False)
        self.assertEqual(code, 254)
        self.assertIn("ResourceNotFoundException", err)

    def test_boto3_invoke_and_errors(self):
        r, result = self.invoke("cli-node", {"b": 3}, LogType="Tail")
        self.assertEqual(r["StatusCode"], 200)
        self.assertEqual(r["ResponseMetadata"]["HTTPHeaders"]["content-type"],
                         "application/json")
        self.assertEqual(result["got"], {"b": 3})
        self.assertIn("START RequestId:", base64.b64decode(r["LogResult"]).decode())
        r, error = self.invoke("cli-node", {"fail": 1})
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(error["errorType"], "TypeError")
        self.assertIn("Function not found", self.error_404(self.lam.invoke, FunctionName="nope"))

    def error_404(self, call, **kwargs):
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        response = caught.exception.response
        self.assertEqual(response["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 404)
        return response["Error"]["Message"]


class LambdaLimits(LambdaServerTest):
    """What Lambda refuses, as Lambda refuses it."""

    @classmethod
    def set_up_functions(cls):
        cls.create("limits", "python3.12", "app.handler",
                   {"app.py": "import time\n"
                              "def handler(event, context):\n"
                              "    time.sleep(event.get('sleep', 0))\n"
                              "    return {'ok': True}\n"}, Timeout=1)

    def lambda_error(self, code, status, call, *args, **kwargs):
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(*args, **kwargs)
        response = caught.exception.response
        self.assertEqual(response["Error"]["Code"], code, response["Error"].get("Message"))
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status)
        return response

    def test_reserved_concurrency_zero_throttles_every_call(self):
        self.lam.put_function_concurrency(FunctionName="limits", ReservedConcurrentExecutions=0)
        try:
            r = self.lambda_error("TooManyRequestsException", 429, self.lam.invoke,
                                  FunctionName="limits", Payload=b"{}")
            self.assertEqual(r["Reason"], "ReservedFunctionConcurrentInvocationLimitExceeded")
        finally:
            self.lam.delete_function_concurrency(FunctionName="limits")
        self.assertEqual(self.invoke("limits", {})[1], {"ok": True})

    def test_runtimes_and_reserved_variables(self):
        r = self.lambda_error("InvalidParameterValueException", 400, self.create, "bad-runtime",
                              "nodejs99.x", "index.handler", {"index.js": ""})
        self.assertIn("at 'runtime' failed to satisfy constraint", r["Error"]["Message"])
        r = self.lambda_error("InvalidRuntimeException", 502, self.create, "java-fn", "java21",
                              "Handler::handle", {"Handler.class": ""})
        self.assertIn("baton does not run the runtime java21", r["Error"]["Message"])
        r = self.lambda_error("InvalidParameterValueException", 400,
                              self.lam.update_function_configuration, FunctionName="limits",
                              Environment={"Variables": {"AWS_REGION": "eu-west-1", "OK": "1"}})
        self.assertIn("Reserved keys used in this request: AWS_REGION", r["Error"]["Message"])

    def test_payload_limits(self):
        big = json.dumps({"pad": "x" * (6 * 1024 * 1024)}).encode()
        r = self.lambda_error("RequestTooLargeException", 413, self.lam.invoke,
                              FunctionName="limits", Payload=big)
        self.assertIn("6291456 bytes", r["Error"]["Message"])
        event = json.dumps({"pad": "x" * (1024 * 1024 + 10)}).encode()
        r = self.lambda_error("RequestTooLargeException", 413, self.lam.invoke,
                              FunctionName="limits", Payload=event, InvocationType="Event")
        self.assertIn("too large for the Event invocation type", r["Error"]["Message"])

    def test_a_timeout_says_so_in_the_log(self):
        r, error = self.invoke("limits", {"sleep": 5}, LogType="Tail")
        self.assertEqual(error["errorType"], "Sandbox.Timedout")
        log = base64.b64decode(r["LogResult"]).decode()
        self.assertRegex(log, r"\d{4}-\d\d-\d\dT[\d:.]+Z \S+ Task timed out after 1.00 seconds\n"
                              r"END RequestId:")


class SandboxesDieWithBaton(LambdaServerTest):
    def test_kill_9_of_baton_takes_its_sandboxes_with_it(self):
        self.create("pid", "python3.12", "app.handler",
                    {"app.py": "import os\ndef handler(event, context):\n"
                               "    return {'pid': os.getpid()}\n"})
        self.invoke("pid", {})
        # The warm sandbox, as this machine sees it (inside, its PIDs are its own): baton's child
        # (the sandbox's init) and its runtime.
        sandbox = descendants(self.server.process.pid)
        self.assertGreaterEqual(len(sandbox), 2, sandbox)
        self.server.kill()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            alive = [pid for pid in sandbox if running(pid)]
            if not alive:
                break
            time.sleep(0.05)
        else:
            self.fail(f"sandbox processes {alive} outlived baton")
        self.server.start()  # for tearDownClass


# --- 2. the official Node.js runtime interface client ----------------------------------------

RIC_HANDLER = r"""
exports.handler = async (event, context) => {
  console.log('hello from the ric', JSON.stringify(event));
  if (event.fail) throw new RangeError('ric says no');
  return {ric: true, got: event, fn: context.functionName, requestId: context.awsRequestId,
          arn: context.invokedFunctionArn, remaining: context.getRemainingTimeInMillis()};
};
"""


class RuntimeInterfaceClient(LambdaServerTest):

    @classmethod
    def setUpClass(cls):
        cache = os.environ.get("BATON_RIC_CACHE") or "/tmp/baton-ric-cache"
        setup = subprocess.run(["bash", os.path.join(ROOT, "tests", "runtime", "ric_setup.sh"),
                                cache], capture_output=True, text=True, timeout=900)
        if setup.returncode == 77:
            said = (setup.stderr.strip() or setup.stdout.strip() or "ric_setup.sh exited 77")
            raise unittest.SkipTest(said.splitlines()[-1])
        if setup.returncode != 0:
            raise AssertionError(f"ric_setup.sh failed ({setup.returncode}):\n"
                                 f"{setup.stdout}{setup.stderr}")
        values = dict(line.split("=", 1) for line in setup.stdout.splitlines()
                      if "=" in line and not line.startswith("ric_setup:"))
        cls.ric_entry = values["RIC_ENTRY"]
        super().setUpClass()

    @classmethod
    def set_up_functions(cls):
        bootstrap = f'#!/bin/sh\nexec node "{cls.ric_entry}" index.handler\n'
        cls.create("ric", "provided.al2023", "index.handler",
                   {"bootstrap": bootstrap, "index.js": RIC_HANDLER})

    def test_result(self):
        r, result = self.invoke("ric", {"k": "v"}, LogType="Tail")
        self.assertEqual(r["StatusCode"], 200)
        self.assertNotIn("FunctionError", r)
        log = base64.b64decode(r["LogResult"]).decode()
        request_id = log.splitlines()[0].split()[2]
        self.assertEqual((result["ric"], result["got"], result["fn"], result["requestId"]),
                         (True, {"k": "v"}, "ric", request_id))
        self.assertEqual(result["arn"], f"{LAMBDA_ARN}:ric")
        self.assertTrue(0 < result["remaining"] <= 3000, result["remaining"])
        self.assertRegex(log, rf"\t{request_id}\tINFO\thello from the ric {{\"k\":\"v\"}}")
        self.assertIn(f"END RequestId: {request_id}", log)
        # warm: a second call is answered by the same runtime
        r, result = self.invoke("ric", {"k": 2})
        self.assertEqual(result["got"], {"k": 2})

    def test_thrown_error(self):
        r, error = self.invoke("ric", {"fail": True}, LogType="Tail")
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(error["errorType"], "RangeError")
        self.assertEqual(error["errorMessage"], "ric says no")
        self.assertIsInstance(error["trace"], list)
        self.assertEqual(error["trace"][0], "RangeError: ric says no")
        self.assertIn("ric says no", base64.b64decode(r["LogResult"]).decode())
        r, result = self.invoke("ric", {"after": "error"})
        self.assertEqual(result["got"], {"after": "error"})


# --- 3. a workflow of three languages --------------------------------------------------------

FLAKY_HANDLER = r"""
import os

class FlakyError(Exception):
    pass

def handler(event, context):
    path = os.path.join(os.environ["COUNTER_DIR"], "flaky-" + event["key"])
    attempts = 1
    if os.path.exists(path):
        with open(path) as f:
            attempts = int(f.read()) + 1
    with open(path, "w") as f:
        f.write(str(attempts))
    if attempts <= 2:
        raise FlakyError(f"attempt {attempts} fails")
    return {"attempts": attempts, "doubled": event["value"] * 2}
"""


class Workflow(LambdaServerTest):

    @classmethod
    def set_up_functions(cls):
        counters = os.path.join(cls.scratch, "counters")
        os.mkdir(counters)
        cls.create("wf-node", "nodejs22.x", "index.handler", {"index.js": NODE_HANDLER},
                   Environment={"Variables": {"GREETING": "hi"}})
        cls.create("wf-flaky", "python3.12", "flaky.handler", {"flaky.py": FLAKY_HANDLER},
                   Environment={"Variables": {"COUNTER_DIR": counters}})
        cls.create("wf-shell", "provided", "x", {"bootstrap": SHELL_BOOTSTRAP}, Timeout=1)
        cls.create("wf-echo", "python3.12", "echo.handler",
                   {"echo.py": "def handler(event, context):\n    return event\n"})

    def test_wait_for_task_token_submits_then_waits_for_the_callback(self):
        definition = {"StartAt": "Ask", "States": {"Ask": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "wf-echo", "Payload": {"token.$": "$$.Task.Token"}},
            "End": True}}}
        machine = self.sfn.create_state_machine(
            name="callback-function", roleArn=harness.ROLE,
            definition=json.dumps(definition))["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=machine)["executionArn"]

        def submitted():
            events = self.sfn.get_execution_history(executionArn=arn)["events"]
            return [e for e in events if e["type"] == "TaskSubmitted"]
        details = harness.wait_for(submitted, what="TaskSubmitted")[0][
            "taskSubmittedEventDetails"]
        self.assertEqual((details["resourceType"], details["resource"]),
                         ("lambda", "invoke.waitForTaskToken"))
        response = json.loads(details["output"])
        self.assertEqual(response["StatusCode"], 200)
        token = response["Payload"]["token"]
        self.assertEqual(self.sfn.describe_execution(executionArn=arn)["status"], "RUNNING")
        self.sfn.send_task_success(taskToken=token, output='{"done": true}')
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual((d["status"], json.loads(d["output"])), ("SUCCEEDED", {"done": True}))
        types = [e["type"] for e in self.sfn.get_execution_history(executionArn=arn)["events"]]
        self.assertEqual(types, ["ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                                 "TaskStarted", "TaskSubmitted", "TaskSucceeded",
                                 "TaskStateExited", "ExecutionSucceeded"])

    def test_three_languages_with_retry_and_catch(self):
        definition = {
            "StartAt": "Greet",
            "States": {
                "Greet": {"Type": "Task", "Resource": f"{LAMBDA_ARN}:wf-node",
                          "ResultSelector": {"greeting.$": "$.greeting", "runtime.$": "$.runtime"},
                          "ResultPath": "$.greet", "Next": "Flaky"},
                "Flaky": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                          "Parameters": {"FunctionName": "wf-flaky",
                                         "Payload": {"key.$": "$$.Execution.Name",
                                                     "value.$": "$.value"}},
                          "Retry": [{"ErrorEquals": ["FlakyError"], "IntervalSeconds": 1,
                                     "MaxAttempts": 3, "BackoffRate": 1}],
                          "ResultSelector": {"result.$": "$.Payload",
                                             "status.$": "$.StatusCode"},
                          "ResultPath": "$.flaky", "Next": "Slow"},
                "Slow": {"Type": "Task", "Resource": f"{LAMBDA_ARN}:wf-shell",
                         "Parameters": {"sleep": True},
                         "Catch": [{"ErrorEquals": ["Sandbox.Timedout"],
                                    "ResultPath": "$.caught", "Next": "Done"}],
                         "Next": "Done"},
                "Done": {"Type": "Succeed"},
            },
        }
        machine = self.sfn.create_state_machine(
            name="three-languages", roleArn=harness.ROLE,
            definition=json.dumps(definition))["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=machine, name="run-1",
                                       input='{"value": 21}')["executionArn"]
        d = harness.wait_for_status(self.sfn, arn, timeout=30)
        self.assertEqual(d["status"], "SUCCEEDED", d)
        output = json.loads(d["output"])
        self.assertEqual(output["value"], 21)
        self.assertEqual(output["greet"], {"greeting": "hi", "runtime": "node"})
        self.assertEqual(output["flaky"], {"result": {"attempts": 3, "doubled": 42},
                                           "status": 200})
        self.assertEqual(output["caught"]["Error"], "Sandbox.Timedout")
        cause = json.loads(output["caught"]["Cause"])
        self.assertEqual(cause["errorType"], "Sandbox.Timedout")
        self.assertIn("Task timed out after 1.00 seconds", cause["errorMessage"])

        events = self.sfn.get_execution_history(executionArn=arn)["events"]
        types = [e["type"] for e in events]
        task_types = [t for t in types if t.startswith(("Lambda", "Task")) and
                      not t.startswith("TaskState")]
        self.assertEqual(task_types, [
            "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded",
            "TaskScheduled", "TaskStarted", "TaskFailed",
            "TaskScheduled", "TaskStarted", "TaskFailed",
            "TaskScheduled", "TaskStarted", "TaskSucceeded",
            "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionFailed",
        ])
        self.assertEqual(types[0], "ExecutionStarted")
        self.assertEqual(types[-1], "ExecutionSucceeded")
        self.assertEqual(types.count("TaskStateEntered"), 3)
        self.assertEqual([e["id"] for e in events], list(range(1, len(events) + 1)))
        by_type = {}
        for e in events:
            by_type.setdefault(e["type"], []).append(e)
        scheduled = by_type["LambdaFunctionScheduled"][0]["lambdaFunctionScheduledEventDetails"]
        self.assertEqual(scheduled["resource"], f"{LAMBDA_ARN}:wf-node")
        self.assertEqual(json.loads(scheduled["input"]), {"value": 21})
        succeeded = by_type["LambdaFunctionSucceeded"][0]["lambdaFunctionSucceededEventDetails"]
        self.assertEqual(json.loads(succeeded["output"])["runtime"], "node")
        task = by_type["TaskScheduled"][0]["taskScheduledEventDetails"]
        self.assertEqual((task["resourceType"], task["resource"], task["region"]),
                         ("lambda", "invoke", harness.REGION))
        self.assertEqual(json.loads(task["parameters"]),
                         {"FunctionName": "wf-flaky", "Payload": {"key": "run-1", "value": 21}})
        for failed in by_type["TaskFailed"]:
            details = failed["taskFailedEventDetails"]
            self.assertEqual((details["resourceType"], details["resource"]), ("lambda", "invoke"))
            self.assertEqual(details["error"], "FlakyError")
            cause = json.loads(details["cause"])
            self.assertEqual(cause["errorType"], "FlakyError")
            self.assertRegex(cause["errorMessage"], r"^attempt [12] fails$")
        wrapped = json.loads(by_type["TaskSucceeded"][0]["taskSucceededEventDetails"]["output"])
        self.assertEqual(wrapped["StatusCode"], 200)
        self.assertEqual(wrapped["ExecutedVersion"], "$LATEST")
        self.assertEqual(wrapped["Payload"], {"attempts": 3, "doubled": 42})
        self.assertEqual(wrapped["SdkHttpMetadata"]["HttpStatusCode"], 200)
        timed_out = by_type["LambdaFunctionFailed"][0]["lambdaFunctionFailedEventDetails"]
        self.assertEqual(timed_out["error"], "Sandbox.Timedout")
        # the retries waited IntervalSeconds (1 s) each
        failed_at = [e["timestamp"] for e in by_type["TaskFailed"]]
        retried_at = [e["timestamp"] for e in by_type["TaskScheduled"][1:]]
        for f, s in zip(failed_at, retried_at):
            self.assertGreaterEqual((s - f).total_seconds(), 0.9)

    def test_missing_function_fails_the_task(self):
        definition = {"StartAt": "Call", "States": {
            "Call": {"Type": "Task", "Resource": f"{LAMBDA_ARN}:not-there", "End": True}}}
        machine = self.sfn.create_state_machine(
            name="missing-function", roleArn=harness.ROLE,
            definition=json.dumps(definition))["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=machine)["executionArn"]
        d = harness.wait_for_status(self.sfn, arn)
        self.assertEqual(d["status"], "FAILED")
        self.assertEqual(d["error"], "Lambda.ResourceNotFoundException")
        self.assertIn(f"Function not found: {LAMBDA_ARN}:not-there", d["cause"])


# --- 4. concurrency, and sandboxes that exit mid-call ----------------------------------------

SLEEPER = r"""
// Each sandbox has PIDs of its own: a sandbox is told by an id of its own.
const sandbox = require('crypto').randomUUID();
exports.handler = async (event) => {
  if (event.exit) process.exit(1);
  await new Promise((r) => setTimeout(r, event.ms || 75));
  return {sandbox, i: event.i};
};
"""

PY_SLEEPER = r"""
import os, time

def handler(event, context):
    if event.get("exit"):
        os._exit(1)
    time.sleep(event.get("ms", 75) / 1000)
    return {"pid": os.getpid(), "i": event.get("i")}
"""


def running(pid):
    """Whether process `pid` is there and not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def descendants(parent):
    """PIDs of the processes under `parent`, children of children included."""
    found = []
    for child in child_pids(parent):
        found += [child] + descendants(child)
    return found


def child_pids(parent):
    """PIDs of the processes whose parent is `parent` (zombies included)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == parent:
            out.append(int(entry))
    return out


class ConcurrentCalls(LambdaServerTest):

    def run_concurrently(self, name, payloads):
        session = boto3.session.Session()
        clients = [self.lambda_client(session) for _ in payloads]  # on this thread
        results = [None] * len(payloads)
        start = threading.Barrier(len(payloads))

        def call(i):
            try:
                start.wait()
                r = clients[i].invoke(FunctionName=name, Payload=json.dumps(payloads[i]))
                results[i] = (r.get("FunctionError"), json.loads(r["Payload"].read()))
            except Exception as e:  # noqa: BLE001 - reported by the assertions
                results[i] = ("exception", repr(e))

        threads = [threading.Thread(target=call, args=(i,)) for i in range(len(payloads))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for c in clients:
            c.close()
        return results


class Concurrency(ConcurrentCalls):
    """A server of its own: its children are the sandboxes of this function only."""

    def test_reserved_concurrency_caps_the_sandboxes(self):
        self.create("sleeper", "nodejs20.x", "index.handler", {"index.js": SLEEPER})
        put = self.cli("put-function-concurrency", "--function-name", "sleeper",
                       "--reserved-concurrent-executions", "10")
        self.assertEqual(put, {"ReservedConcurrentExecutions": 10})
        self.assertEqual(self.cli("get-function-concurrency", "--function-name", "sleeper"),
                         {"ReservedConcurrentExecutions": 10})
        got = self.cli("get-function", "--function-name", "sleeper")
        self.assertEqual(got["Concurrency"], {"ReservedConcurrentExecutions": 10})

        baton = self.server.process.pid
        most = [0]
        seen = set()
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                children = child_pids(baton)
                seen.update(children)
                most[0] = max(most[0], len(children))
                time.sleep(0.002)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            results = self.run_concurrently("sleeper", [{"i": i} for i in range(200)])
        finally:
            stop.set()
            sampler.join()
        failures = [r for r in results if r is None or r[0] is not None]
        self.assertEqual(failures, [])
        self.assertEqual(sorted(r[1]["i"] for r in results), list(range(200)))
        sandboxes = {r[1]["sandbox"] for r in results}
        self.assertLessEqual(len(sandboxes), 10, sandboxes)
        self.assertGreater(len(sandboxes), 1)  # they ran in parallel
        self.assertGreaterEqual(len(seen), len(sandboxes))  # each one a child of baton's
        self.assertLessEqual(most[0], 10)
        self.assertGreaterEqual(most[0], 2)


class ExitMidCall(ConcurrentCalls):

    def test_a_sandbox_exiting_mid_call_fails_only_that_call(self):
        for name, runtime, handler, files in [
                ("exiter-node", "nodejs20.x", "index.handler", {"index.js": SLEEPER}),
                ("exiter-python", "python3.12", "app.handler", {"app.py": PY_SLEEPER})]:
            with self.subTest(runtime=runtime):
                self.create(name, runtime, handler, files)
                payloads = [{"i": i, "ms": 300} for i in range(8)]
                payloads[3] = {"i": 3, "exit": True}
                results = self.run_concurrently(name, payloads)
                for i, (function_error, payload) in enumerate(results):
                    if i == 3:
                        self.assertEqual(function_error, "Unhandled")
                        self.assertEqual(payload["errorType"], "Runtime.ExitError")
                        self.assertRegex(payload["errorMessage"],
                                         r"^RequestId: [0-9a-f-]{36} Error: Runtime exited "
                                         r"with error: exit status 1$")
                    else:
                        self.assertIsNone(function_error, payload)
                        self.assertEqual(payload["i"], i)
                # the function still works
                r, result = self.invoke(name, {"i": 99, "ms": 1})
                self.assertEqual(result["i"], 99)


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
