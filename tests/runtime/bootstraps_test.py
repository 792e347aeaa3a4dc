#!/usr/bin/python3
"""Tests for baton's Node.js and Python bootstraps (src/runtime/bootstraps/).

Each test writes handlers into a temporary LAMBDA_TASK_ROOT, starts a bootstrap as a
real child process against a fake Lambda Runtime API served from this process
(http.server on 127.0.0.1, port 0), feeds it invocations and checks what it posts
back and what it prints. Run: /usr/bin/python3 tests/runtime/bootstraps_test.py
"""

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BOOTSTRAPS = os.path.join(ROOT, "src", "runtime", "bootstraps")
NODE = shutil.which("node")
PYTHON = "/usr/bin/python3"
WAIT = 10.0  # seconds any single expectation may take
ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"
NODE_LOG = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t(\S+)\t([A-Z]+)\t(.*)$")
PY_LOG = re.compile(r"^\[([A-Z]+)\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t(\S*)\t(.*)$")


class FakeRuntimeApi:
    """The Runtime API of one sandbox: hands out queued events, records what is posted."""

    def __init__(self):
        self.events = queue.Queue()
        self.posts = queue.Queue()  # (kind, request id, headers, body)
        self.closed = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path != "/2018-06-01/runtime/invocation/next":
                    return self.reply(404, b"{}")
                while not api.closed.is_set():
                    try:
                        body, headers = api.events.get(timeout=0.05)
                        break
                    except queue.Empty:
                        pass
                else:
                    return
                self.send_response(200)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                m = re.match(r"^/2018-06-01/runtime/(?:invocation/([^/]+)/(response|error)|"
                             r"init/(error))$", self.path)
                if not m:
                    return self.reply(404, b"{}")
                kind = "init" if m.group(3) else m.group(2)
                api.posts.put((kind, m.group(1), dict(self.headers), body))
                self.reply(202, b'{"status":"OK"}')

            def reply(self, status, body):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a sandbox killed at the end of a test drops its connection

        self.server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        self.address = "127.0.0.1:%d" % self.server.server_address[1]

    def close(self):
        self.closed.set()
        self.server.shutdown()
        self.server.server_close()


class Sandbox:
    """One bootstrap process with its task root, Runtime API and captured stdout."""

    def __init__(self, test, command, files, handler, extra_env=None):
        self.root = tempfile.mkdtemp(prefix="baton-bootstrap-")
        test.addCleanup(shutil.rmtree, self.root, True)
        for name, text in files.items():
            path = os.path.join(self.root, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(textwrap.dedent(text))
        self.api = FakeRuntimeApi()
        test.addCleanup(self.api.close)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "_HANDLER": handler,
            "LAMBDA_TASK_ROOT": self.root,
            "AWS_LAMBDA_RUNTIME_API": self.api.address,
            "AWS_LAMBDA_FUNCTION_NAME": "fn",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2024/01/01/[$LATEST]abc",
            "AWS_REGION": "us-east-1",
            "TZ": ":UTC",
        }
        env.update(extra_env or {})
        self.proc = subprocess.Popen(command, cwd=self.root, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        test.addCleanup(self.stop)
        self.lines = []  # stdout lines, split on "\n" only (Lambda keeps "\r" inside records)
        self.stderr = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr), daemon=True).start()

    def _read(self, stream, into):
        for raw in iter(stream.readline, b""):
            with self._lock:
                into.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()

    def send(self, event, timeout_ms=3000, **headers):
        request_id = str(uuid.uuid4())
        all_headers = {
            "Lambda-Runtime-Aws-Request-Id": request_id,
            "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + timeout_ms),
            "Lambda-Runtime-Invoked-Function-Arn": ARN,
            "Lambda-Runtime-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0",
        }
        all_headers.update(headers)
        self.api.events.put((json.dumps(event).encode(), all_headers))
        return request_id

    def posted(self):
        try:
            return self.api.posts.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError("nothing posted; stderr: %s" % "\n".join(self.stderr))

    def invoke(self, event=None, **headers):
        """Sends one event; returns (kind, parsed body, request id, headers posted)."""
        request_id = self.send(event, **headers)
        kind, posted_id, posted_headers, body = self.posted()
        assert posted_id == request_id, (posted_id, request_id)
        return kind, json.loads(body), request_id, posted_headers

    def init_error(self):
        kind, _, headers, body = self.posted()
        assert kind == "init", kind
        return json.loads(body), headers

    def wait_line(self, predicate):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with self._lock:
                for line in self.lines:
                    if predicate(line):
                        return line
            time.sleep(0.01)
        raise AssertionError("no such log line in:\n" + "\n".join(self.lines))

    def exit_code(self):
        return self.proc.wait(timeout=WAIT)


# ------------------------------------------------------------------ Node.js

NODE_APP = """
    let calls = 0;
    exports.handler = async (event, context) => {
      calls += 1;
      const first = context.getRemainingTimeInMillis();
      await new Promise((r) => setTimeout(r, 20));
      return {
        event, calls, first, second: context.getRemainingTimeInMillis(),
        awsRequestId: context.awsRequestId, functionName: context.functionName,
        functionVersion: context.functionVersion, invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: context.memoryLimitInMB, logGroupName: context.logGroupName,
        logStreamName: context.logStreamName, clientContext: context.clientContext,
        identity: context.identity, waits: context.callbackWaitsForEmptyEventLoop,
        traceId: process.env._X_AMZN_TRACE_ID,
      };
    };
    exports.nested = { deeper: { handler: async () => 'nested' } };
    exports.throws = async () => { throw new TypeError('bad input'); };
    exports.syncThrows = () => { throw new Error('sync boom'); };
    exports.rejectsString = () => Promise.reject('plain string');
    exports.circular = async () => { const o = {}; o.self = o; return o; };
    exports.bigint = async () => 10n;
    exports.undef = async () => undefined;
    exports.plainValue = () => 42;
    exports.logs = async (event, context) => {
      console.log('hello %s', 'world');
      console.error('bad', 'thing');
      console.warn('careful');
      console.info('two\\nlines');
      return 'logged';
    };
    exports.callback = (event, context, callback) => callback(null, { via: 'callback', event });
    exports.callbackError = (event, context, callback) => callback(new RangeError('out of range'));
    exports.callbackString = (event, context, callback) => callback('failed as a string');
    exports.waits = (event, context, callback) => {
      context.callbackWaitsForEmptyEventLoop = event.wait;
      setTimeout(() => console.log('timer fired'), 1000);
      callback(null, Date.now());
    };
    exports.succeed = (event, context) => context.succeed('ok');
    exports.fail = (event, context) => context.fail(new Error('context fail'));
    exports.done = (event, context) => context.done(null, { done: true });
    exports.twice = (event, context, callback) => { callback(null, 'first'); callback(null, 'second'); };
    exports.floating = () => { Promise.reject(new Error('yikes')); };
    exports.notAFunction = 42;
    exports.neverSettles = async () => new Promise(() => {});
    exports.neverCallsBack = (event, context, callback) => {};
"""


@unittest.skipIf(NODE is None, "node is not installed: the Node.js bootstrap tests are skipped")
class NodeBootstrapTest(unittest.TestCase):
    def sandbox(self, handler, files=None):
        files = files if files is not None else {"index.js": NODE_APP}
        return Sandbox(self, [NODE, os.path.join(BOOTSTRAPS, "node_bootstrap.js")], files, handler)

    def test_async_handler_gets_event_and_context_and_stays_warm(self):
        box = self.sandbox("index.handler")
        identity = {"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"}
        for n in (1, 2, 3):
            kind, body, request_id, _ = box.invoke(
                {"n": n}, **{"Lambda-Runtime-Client-Context": json.dumps({"custom": {"k": "v"}}),
                             "Lambda-Runtime-Cognito-Identity": json.dumps(identity)})
            self.assertEqual(kind, "response")
            self.assertEqual(body["event"], {"n": n})
            self.assertEqual(body["calls"], n)  # module state survives: the sandbox is warm
            self.assertEqual(body["awsRequestId"], request_id)
        self.assertEqual(body["functionName"], "fn")
        self.assertEqual(body["functionVersion"], "$LATEST")
        self.assertEqual(body["invokedFunctionArn"], ARN)
        self.assertEqual(body["memoryLimitInMB"], "256")
        self.assertEqual(body["logGroupName"], "/aws/lambda/fn")
        self.assertEqual(body["logStreamName"], "2024/01/01/[$LATEST]abc")
        self.assertEqual(body["clientContext"], {"custom": {"k": "v"}})
        self.assertEqual(body["identity"], identity)
        self.assertTrue(body["waits"])
        self.assertEqual(body["traceId"], "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0")
        self.assertTrue(0 < body["second"] < body["first"] <= 3000, body)

    def test_nested_handler_path(self):
        box = self.sandbox("index.nested.deeper.handler")
        self.assertEqual(box.invoke({})[:2], ("response", "nested"))

    def test_thrown_error_is_reported_with_type_message_and_trace(self):
        box = self.sandbox("index.throws")
        kind, body, request_id, headers = box.invoke({})
        self.assertEqual(kind, "error")
        self.assertEqual(body["errorType"], "TypeError")
        self.assertEqual(body["errorMessage"], "bad input")
        self.assertEqual(body["trace"][0], "TypeError: bad input")
        self.assertIn("index.js", body["trace"][1])
        self.assertEqual(headers["Lambda-Runtime-Function-Error-Type"], "TypeError")
        line = box.wait_line(lambda l: "Invoke Error" in l)
        request, level, message = NODE_LOG.match(line).groups()
        self.assertEqual((request, level), (request_id, "ERROR"))
        self.assertTrue(message.startswith("Invoke Error \t{"), message)
        logged = json.loads(message.split("\t", 1)[1])
        self.assertEqual((logged["errorType"], logged["errorMessage"]), ("TypeError", "bad input"))
        self.assertEqual(logged["stack"][0], "TypeError: bad input")
        # The sandbox survives a function error.
        self.assertEqual(box.invoke({})[0], "error")

    def test_sync_throw_and_rejected_non_error(self):
        box = self.sandbox("index.syncThrows")
        body = box.invoke({})[1]
        self.assertEqual((body["errorType"], body["errorMessage"]), ("Error", "sync boom"))
        box = self.sandbox("index.rejectsString")
        self.assertEqual(box.invoke({})[1],
                         {"errorType": "string", "errorMessage": "plain string", "trace": []})

    def test_unserialisable_result_is_a_marshal_error(self):
        for handler in ("index.circular", "index.bigint"):
            box = self.sandbox(handler)
            kind, body, _, _ = box.invoke({})
            self.assertEqual(kind, "error")
            self.assertEqual(body["errorType"], "Runtime.MarshalError")
            self.assertEqual(body["errorMessage"], "Unable to stringify response body")

    def test_undefined_result_is_null_and_a_sync_return_value_is_ignored_as_on_lambda(self):
        self.assertEqual(self.sandbox("index.undef").invoke({})[:2], ("response", None))
        self.assertEqual(self.sandbox("index.plainValue").invoke({})[:2], ("response", None))

    def test_a_handler_that_never_finishes_ends_when_the_event_loop_is_empty(self):
        kind, body, _, _ = self.sandbox("index.neverSettles").invoke({})
        self.assertEqual((kind, body["errorType"]), ("error", "Runtime.NodeJsExit"))
        self.assertEqual(self.sandbox("index.neverCallsBack").invoke({})[:2], ("response", None))

    def test_console_lines_carry_time_request_id_and_level(self):
        box = self.sandbox("index.logs")
        _, body, request_id, _ = box.invoke({})
        self.assertEqual(body, "logged")
        expected = {"hello world": "INFO", "bad thing": "ERROR", "careful": "WARN",
                    "two\rlines": "INFO"}
        for message, level in expected.items():
            line = box.wait_line(lambda l, m=message: l.endswith("\t" + m))
            self.assertEqual(NODE_LOG.match(line).groups(), (request_id, level, message))

    def test_callback_handlers(self):
        box = self.sandbox("index.callback")
        self.assertEqual(box.invoke({"a": 1})[:2], ("response", {"via": "callback", "event": {"a": 1}}))
        body = self.sandbox("index.callbackError").invoke({})[1]
        self.assertEqual((body["errorType"], body["errorMessage"]), ("RangeError", "out of range"))
        self.assertEqual(self.sandbox("index.callbackString").invoke({})[1],
                         {"errorType": "string", "errorMessage": "failed as a string", "trace": []})
        self.assertEqual(self.sandbox("index.twice").invoke({})[1], "first")

    def test_callback_waits_for_empty_event_loop_unless_told_not_to(self):
        box = self.sandbox("index.waits")
        box.invoke({"wait": False})  # warm up: start-up time must not count
        box.lines.clear()
        box.invoke({"wait": True})
        self.assertTrue(any("timer fired" in l for l in box.lines),
                        "response posted before the pending timer ran")
        box.wait_line(lambda l: "timer fired" in l)
        box.lines.clear()
        box.invoke({"wait": False})
        self.assertFalse(any("timer fired" in l for l in box.lines),
                         "response waited for the timer although told not to")

    def test_context_succeed_fail_done(self):
        self.assertEqual(self.sandbox("index.succeed").invoke({})[:2], ("response", "ok"))
        body = self.sandbox("index.fail").invoke({})[1]
        self.assertEqual((body["errorType"], body["errorMessage"]), ("Error", "context fail"))
        self.assertEqual(self.sandbox("index.done").invoke({})[:2], ("response", {"done": True}))

    def test_unhandled_rejection_fails_the_invocation_and_ends_the_sandbox(self):
        box = self.sandbox("index.floating")
        kind, body, _, _ = box.invoke({})
        self.assertEqual(kind, "error")
        self.assertEqual(body["errorType"], "Runtime.UnhandledPromiseRejection")
        self.assertEqual(body["errorMessage"], "Error: yikes")
        self.assertEqual(box.exit_code(), 128)

    def test_module_formats(self):
        cases = {
            "esm .mjs": ({"app.mjs": "export const handler = async (e) => ({esm: e.x});"},
                         "app.handler"),
            "esm .js under type module": (
                {"package.json": '{"type": "module"}',
                 "src/app.js": "export const lambdaHandler = async (e) => ({esm: e.x});"},
                "src/app.lambdaHandler"),
            "commonjs .cjs": ({"app.cjs": "module.exports.handler = async (e) => ({esm: e.x});"},
                              "app.handler"),
            "commonjs in a subfolder": (
                {"src/app.js": "exports.lambdaHandler = async (e) => ({esm: e.x});"},
                "src/app.lambdaHandler"),
            "package in node_modules": (
                {"node_modules/pkg/index.js": "exports.handler = async (e) => ({esm: e.x});"},
                "pkg.handler"),
        }
        for name, (files, handler) in cases.items():
            with self.subTest(name):
                box = self.sandbox(handler, files)
                self.assertEqual(box.invoke({"x": 7})[:2], ("response", {"esm": 7}))

    def test_init_errors(self):
        cases = [
            ("nope.handler", {}, "Runtime.ImportModuleError",
             lambda m: m.startswith("Error: Cannot find module 'nope'")),
            ("index.missing", {"index.js": NODE_APP}, "Runtime.HandlerNotFound",
             lambda m: m == "index.missing is undefined or not exported"),
            ("index.notAFunction", {"index.js": NODE_APP}, "Runtime.HandlerNotFound",
             lambda m: m == "index.notAFunction is not a function"),
            ("bad.handler", {"bad.js": "exports.handler = async ( => {};"},
             "Runtime.UserCodeSyntaxError", lambda m: m.startswith("SyntaxError: ")),
            ("esm.handler", {"esm.mjs": "import x from 'not-installed';\nexport const handler = 1;"},
             "Runtime.ImportModuleError",
             lambda m: "Cannot find package 'not-installed'" in m),
            ("index", {"index.js": NODE_APP}, "Runtime.MalformedHandlerName",
             lambda m: m == "Bad handler"),
            ("../index.handler", {}, "Runtime.MalformedHandlerName",
             lambda m: m.startswith("'../index.handler' is not a valid handler name.")),
            ("throws.handler", {"throws.js": "throw new Error('at import');"}, "Error",
             lambda m: m == "at import"),
        ]
        for handler, files, error_type, message_ok in cases:
            with self.subTest(handler):
                box = self.sandbox(handler, files)
                body, headers = box.init_error()
                self.assertEqual(body["errorType"], error_type)
                self.assertTrue(message_ok(body["errorMessage"]), body["errorMessage"])
                self.assertEqual(body["trace"][0].split(": ")[0], error_type)
                self.assertEqual(headers["Lambda-Runtime-Function-Error-Type"], error_type)
                self.assertEqual(box.exit_code(), 129)
                line = box.wait_line(lambda l: "Uncaught Exception" in l)
                self.assertEqual(NODE_LOG.match(line).group(1, 2), ("undefined", "ERROR"))


# ------------------------------------------------------------------- Python

PY_APP = """
    import logging
    import time

    calls = 0

    def handler(event, context):
        global calls
        calls += 1
        first = context.get_remaining_time_in_millis()
        time.sleep(0.02)
        cc = context.client_context
        return {
            "event": event, "calls": calls, "first": first,
            "second": context.get_remaining_time_in_millis(),
            "aws_request_id": context.aws_request_id, "function_name": context.function_name,
            "function_version": context.function_version,
            "invoked_function_arn": context.invoked_function_arn,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "log_group_name": context.log_group_name, "log_stream_name": context.log_stream_name,
            "custom": cc.custom if cc else None,
            "installation_id": cc.client.installation_id if cc and cc.client else None,
            "cognito_identity_id": context.identity.cognito_identity_id,
        }

    def fails(event, context):
        raise ValueError("handler fails")

    def unserialisable(event, context):
        return {"a": {1, 2}}

    def nothing(event, context):
        return None

    def raw(event, context):
        return b"raw bytes"

    def logs(event, context):
        print("printed line")
        logging.getLogger().warning("warned %s", "here")
        time.sleep(0.2)
        return "logged"
"""


class PythonBootstrapTest(unittest.TestCase):
    def sandbox(self, handler, files=None):
        files = files if files is not None else {"app.py": PY_APP}
        return Sandbox(self, [PYTHON, os.path.join(BOOTSTRAPS, "python_bootstrap.py")], files,
                       handler)

    def test_handler_gets_event_and_context_and_stays_warm(self):
        box = self.sandbox("app.handler")
        client_context = {"custom": {"k": "v"}, "client": {"installation_id": "inst-1"}}
        for n in (1, 2, 3):
            kind, body, request_id, _ = box.invoke(
                {"n": n}, **{"Lambda-Runtime-Client-Context": json.dumps(client_context),
                             "Lambda-Runtime-Cognito-Identity": '{"cognitoIdentityId": "id-1"}'})
            self.assertEqual(kind, "response")
            self.assertEqual(body["event"], {"n": n})
            self.assertEqual(body["calls"], n)
            self.assertEqual(body["aws_request_id"], request_id)
        self.assertEqual(body["function_name"], "fn")
        self.assertEqual(body["function_version"], "$LATEST")
        self.assertEqual(body["invoked_function_arn"], ARN)
        self.assertEqual(body["memory_limit_in_mb"], "256")
        self.assertEqual(body["log_group_name"], "/aws/lambda/fn")
        self.assertEqual(body["log_stream_name"], "2024/01/01/[$LATEST]abc")
        self.assertEqual(body["custom"], {"k": "v"})
        self.assertEqual(body["installation_id"], "inst-1")
        self.assertEqual(body["cognito_identity_id"], "id-1")
        self.assertTrue(0 < body["second"] < body["first"] <= 3000, body)

    def test_handler_paths(self):
        files = {"app.py": PY_APP,
                 "dir/file.py": "def func(event, context):\n    return 'dir/file'\n",
                 "pkg/__init__.py": "",
                 "pkg/module.py": "def func(event, context):\n    return 'pkg.module'\n"}
        for handler, expected in (("dir/file.func", "dir/file"), ("pkg.module.func", "pkg.module")):
            with self.subTest(handler):
                self.assertEqual(self.sandbox(handler, files).invoke({})[:2], ("response", expected))

    def test_exception_is_reported_as_lambda_does(self):
        box = self.sandbox("app.fails")
        kind, body, request_id, headers = box.invoke({})
        self.assertEqual(kind, "error")
        self.assertEqual(sorted(body), ["errorMessage", "errorType", "requestId", "stackTrace"])
        self.assertEqual(body["errorMessage"], "handler fails")
        self.assertEqual(body["errorType"], "ValueError")
        self.assertEqual(body["requestId"], request_id)
        self.assertEqual(len(body["stackTrace"]), 1, body["stackTrace"])  # no bootstrap frames
        self.assertRegex(body["stackTrace"][0],
                         r'^  File ".*/app\.py", line \d+, in fails\n'
                         r'    raise ValueError\("handler fails"\)\n$')
        self.assertEqual(headers["Lambda-Runtime-Function-Error-Type"], "ValueError")
        line = box.wait_line(lambda l: l.startswith("[ERROR] ValueError: handler fails"))
        self.assertEqual(line.split("\r")[1], "Traceback (most recent call last):")
        self.assertTrue(line.split("\r")[2].startswith("\u00a0\u00a0File "), line)
        self.assertEqual(box.invoke({})[0], "error")  # the sandbox survives

    def test_unserialisable_result_is_a_marshal_error(self):
        _, body, request_id, _ = self.sandbox("app.unserialisable").invoke({})
        self.assertEqual(body, {
            "errorMessage": "Unable to marshal response: Object of type set is not JSON serializable",
            "errorType": "Runtime.MarshalError", "requestId": request_id, "stackTrace": []})

    def test_none_is_null_and_bytes_go_out_raw(self):
        self.assertEqual(self.sandbox("app.nothing").invoke({})[:2], ("response", None))
        box = self.sandbox("app.raw")
        box.send({})
        kind, _, headers, body = box.posted()
        self.assertEqual((kind, body, headers["Content-Type"]),
                         ("response", b"raw bytes", "application/unknown"))

    def test_output_is_unbuffered_and_logging_is_formatted(self):
        box = self.sandbox("app.logs")
        request_id = box.send({})
        # Both lines are visible while the handler still sleeps: nothing waits in a buffer.
        box.wait_line(lambda l: l == "printed line")
        line = box.wait_line(lambda l: l.startswith("[WARNING]"))
        self.assertEqual(PY_LOG.match(line).groups(), ("WARNING", request_id, "warned here"))
        self.assertTrue(box.api.posts.empty())
        self.assertEqual(json.loads(box.posted()[3]), "logged")

    def test_init_errors(self):
        files = {"app.py": PY_APP,
                 "bad.py": "def handler(event, context)\n    return 1\n",
                 "needs.py": "import not_installed_anywhere\n",
                 "boom.py": "raise RuntimeError('at import')\n"}
        cases = [
            ("nope.handler", "Runtime.ImportModuleError",
             "Unable to import module 'nope': No module named 'nope'"),
            ("needs.handler", "Runtime.ImportModuleError",
             "Unable to import module 'needs': No module named 'not_installed_anywhere'"),
            ("app.missing", "Runtime.HandlerNotFound", "Handler 'missing' missing on module 'app'"),
            ("app", "Runtime.MalformedHandlerName",
             "Bad handler 'app': not enough values to unpack (expected 2, got 1)"),
            ("sys.handler", "Runtime.BuiltInModuleConflict",
             "Cannot use built-in module sys as a handler module"),
            ("boom.handler", "RuntimeError", "at import"),
        ]
        for handler, error_type, message in cases:
            with self.subTest(handler):
                box = self.sandbox(handler, files)
                body, headers = box.init_error()
                self.assertEqual((body["errorType"], body["errorMessage"], body["requestId"]),
                                 (error_type, message, ""))
                self.assertEqual(headers["Lambda-Runtime-Function-Error-Type"], error_type)
                self.assertEqual(box.exit_code(), 1)
                box.wait_line(lambda l: l.startswith("[ERROR] %s: %s" % (error_type, message)))

        box = self.sandbox("bad.handler", files)
        body, _ = box.init_error()
        self.assertEqual(body["errorType"], "Runtime.UserCodeSyntaxError")
        self.assertRegex(body["errorMessage"], r"^Syntax error in module 'bad': .*\(bad\.py, line 1\)$")
        self.assertEqual(body["stackTrace"], [
            '  File "%s" Line 1\n    def handler(event, context)\n' % os.path.join(box.root, "bad.py")])


if __name__ == "__main__":
    unittest.main(verbosity=2)
