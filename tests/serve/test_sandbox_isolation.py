"""A hostile function on `baton serve`, created and invoked through boto3 as any function is,
tries what a function sharing a machine with others can try: take another function's invocation
from its Runtime API and forge its answer, read baton's database and the other functions' code,
see baton's process, use the descriptors it inherited. None of it may work (README, "Functions":
each sandbox is in Linux namespaces of its own).

usage: python3 tests/serve/test_sandbox_isolation.py PATH_TO_BATON
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import unittest

import boto3
from botocore.config import Config

import harness
import test_functions as tf

# The victim: a custom runtime in shell, answering with what it was given.
VICTIM = tf.SHELL_BOOTSTRAP

# The attacker. It asks every TCP listener it can see for /invocation/next, as a runtime does;
# whatever answers with a request id is someone's Runtime API, and it answers for them.
HOSTILE = r"""
import json, os, socket, time

RUNTIME_API = "/2018-06-01/runtime/invocation"


def listeners():
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] == "0A":  # LISTEN
                        ports.add(int(fields[1].rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return ports


def attempt(what):
    try:
        return {"ok": what()}
    except Exception as e:  # the report says what stopped it
        return {"error": type(e).__name__ + ": " + str(e)}


def read(path):
    with open(path, "rb") as f:
        return f.read(64).decode(errors="replace")


def inherited_listeners():
    found = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            s = socket.socket(fileno=os.dup(fd))
        except OSError:
            continue
        try:
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                found.append(fd)
        except OSError:
            pass
        finally:
            s.close()
    return found


def visible_processes():
    seen = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                seen.append(read(f"/proc/{entry}/cmdline").replace("\0", " ").strip())
            except OSError:
                pass
    return seen


def handler(event, context):
    own = int(os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)[1])
    tried = sorted(listeners() - {own} - set(event["avoid"]))
    asking = {}
    for port in tried:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            s.sendall(f"GET {RUNTIME_API}/next HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            asking[port] = s
        except OSError:
            pass
    open(event["asking"], "w").close()  # the test invokes the victim now
    stolen = []
    deadline = time.monotonic() + 10
    for port, s in asking.items():
        head = b""
        try:
            while b"\r\n\r\n" not in head:
                s.settimeout(max(0.05, deadline - time.monotonic()))
                chunk = s.recv(65536)
                if not chunk:
                    break
                head += chunk
        except OSError:
            continue
        for line in head.decode(errors="replace").split("\r\n"):
            if line.lower().startswith("lambda-runtime-aws-request-id:"):
                request_id = line.split(":", 1)[1].strip()
                forged = b'{"forged": true}'
                c = socket.create_connection(("127.0.0.1", port), timeout=2)
                c.sendall(f"POST {RUNTIME_API}/{request_id}/response HTTP/1.1\r\nHost: x\r\n"
                          f"Content-Length: {len(forged)}\r\n\r\n".encode() + forged)
                c.recv(4096)
                stolen.append({"port": port, "request_id": request_id})
    data = event["data"]
    return {
        "tried": tried,
        "connected": sorted(asking),
        "stolen": stolen,
        "data": attempt(lambda: sorted(os.listdir(data))),
        "database": attempt(lambda: read(os.path.join(data, "baton.db"))),
        "functions": attempt(lambda: sorted(os.listdir(os.path.join(data, "functions")))),
        "victim_code": attempt(lambda: read(os.path.join(event["victim_code"], "bootstrap"))),
        "logs": attempt(lambda: sorted(os.listdir(os.path.join(data, "logs")))),
        "processes": visible_processes(),
        "inherited_listeners": inherited_listeners(),
    }
"""


# baton's API from inside a sandbox, where AWS_ENDPOINT_URL says; and nothing else.
CALLER = r"""
import json, os, socket, urllib.request


def handler(event, context):
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    with urllib.request.urlopen(endpoint + "/2015-03-31/functions/", timeout=10) as r:
        listed = json.load(r)
    try:
        socket.create_connection(("127.0.0.1", event["outside"]), timeout=2).close()
        outside = "connected"
    except OSError as e:
        outside = type(e).__name__
    return {"endpoint": endpoint, "outside": outside,
            "functions": sorted(f["FunctionName"] for f in listed["Functions"])}
"""


def listening_sockets():
    """{socket inode: port} of the TCP listeners of this machine's network namespace."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                if fields[3] == "0A":
                    found[fields[9]] = int(fields[1].rsplit(":", 1)[1], 16)
    return found


def foreign_ports(pid):
    """The ports listened on by processes other than `pid`: the hostile function leaves them
    alone, so that on a baton without isolation it would not take the invocations of other test
    runs sharing this machine (with isolation it cannot see them anyway)."""
    ours = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except PermissionError:  # baton is not dumpable: only root may look
        fds = []
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            ours.add(target[8:-1])
    return sorted({port for inode, port in listening_sockets().items() if inode not in ours})


class HostileFunction(tf.LambdaServerTest):

    @classmethod
    def set_up_functions(cls):
        cls.create("victim", "provided.al2023", "x", {"bootstrap": VICTIM})
        cls.create("hostile", "python3.12", "app.handler", {"app.py": HOSTILE}, Timeout=30)

    def test_a_function_cannot_take_another_functions_invocation(self):
        # The victim's sandbox, warm, waits in /invocation/next for its next invocation.
        r, warm = self.invoke("victim", {"warm": 1})
        self.assertEqual(warm["got"], {"warm": 1})
        asking = os.path.join(self.scratch, "asking")
        victim_code = self.lam.get_function(FunctionName="victim")["Code"]["Location"]
        event = {"asking": asking, "data": self.server.data,
                 "victim_code": victim_code.removeprefix("file://"),
                 "avoid": foreign_ports(self.server.process.pid)}
        attack = {}

        def run_hostile():
            client = self.lambda_client(read_timeout=60)
            attack["response"] = self.invoke("hostile", event, client=client)
            client.close()

        hostile = threading.Thread(target=run_hostile)
        hostile.start()
        harness.wait_for(lambda: os.path.exists(asking) or not hostile.is_alive(), timeout=30,
                         what="the hostile function to ask every listener for invocations")
        client = self.lambda_client(read_timeout=20)
        r, answer = self.invoke("victim", {"secret": "for the victim only"}, client=client)
        client.close()
        hostile.join(60)
        self.assertFalse(hostile.is_alive())
        response, report = attack["response"]
        self.assertNotIn("FunctionError", response, report)

        # The victim's caller has the victim's own answer, and the hostile function took nothing.
        self.assertNotIn("FunctionError", r, answer)
        self.assertEqual(answer, {"runtime": "shell", "got": {"secret": "for the victim only"},
                                  "greeting": ""})
        self.assertEqual(report["stolen"], [])
        # What it could see: its own Runtime API (left alone) and baton's API gateway at most.
        self.assertLessEqual(len(report["tried"]), 1, report)

        # baton's data: no database, no logs, no other function's code; only its own folder.
        self.assertIn("error", report["database"], report["database"])
        self.assertIn("error", report["victim_code"], report["victim_code"])
        self.assertIn("error", report["logs"], report["logs"])
        self.assertNotIn("baton.db", report["data"].get("ok", []), report["data"])
        self.assertEqual(report["functions"], {"ok": ["hostile"]})
        # Neither baton nor any other process of this machine: its PID namespace holds the
        # sandbox's init and its runtime. No descriptor of baton's.
        self.assertFalse([p for p in report["processes"] if p.startswith(self.server.baton)],
                         report["processes"])
        self.assertEqual(len(report["processes"]), 2, report["processes"])
        self.assertTrue(any("sandbox-init" in p for p in report["processes"]), report["processes"])
        self.assertEqual(report["inherited_listeners"], [])

        # Both functions still work.
        self.assertEqual(self.invoke("victim", {"after": 1})[1]["got"], {"after": 1})

    def test_a_function_reaches_batons_api_and_nothing_else(self):
        self.create("caller", "python3.12", "app.handler", {"app.py": CALLER}, Timeout=10)
        # A port this machine listens on, outside the sandbox.
        with socket.create_server(("127.0.0.1", 0)) as outside:
            r, answer = self.invoke("caller", {"outside": outside.getsockname()[1]})
        self.assertNotIn("FunctionError", r, answer)
        # The same port as outside, so that URLs baton hands out work inside too.
        self.assertEqual(answer["endpoint"], self.server.endpoint)
        self.assertIn("caller", answer["functions"])
        self.assertEqual(answer["outside"], "ConnectionRefusedError")


class WithoutNamespaces(unittest.TestCase):
    """A machine that refuses what sandboxes need: here, a mount namespace whose /proc has
    something mounted over part of it, as containers' have, where no new /proc may be mounted.
    baton serve says so at start-up, and runs functions unisolated when told to."""

    def setUp(self):
        self.scratch = tempfile.mkdtemp(prefix="baton-no-namespaces-")
        self.wrapper = os.path.join(self.scratch, "masked-proc-baton")
        with open(self.wrapper, "w") as f:
            f.write("#!/bin/sh\n"
                    "exec unshare --user --map-root-user --mount sh -c "
                    "'mount -t tmpfs none /proc/sys && exec \"$0\" \"$@\"' "
                    f"{harness.BATON} \"$@\"\n")
        os.chmod(self.wrapper, 0o755)
        probe = subprocess.run([self.wrapper, "--version"], capture_output=True, text=True)
        if probe.returncode != 0:
            self.skipTest(f"cannot make a masked /proc here: {probe.stderr.strip()}")

    def tearDown(self):
        shutil.rmtree(self.scratch, ignore_errors=True)

    def test_start_up_fails_clearly_then_runs_unisolated_when_told(self):
        done = subprocess.run([self.wrapper, "serve", "--port", "0", "--api-port", "0", "--data",
                               os.path.join(self.scratch, "data")],
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("baton serve: cannot isolate the sandbox: mounting /proc: Operation not "
                      "permitted", done.stderr)
        self.assertIn("--function-isolation none", done.stderr)

        with harness.Server(self.wrapper, args=["--function-isolation", "none"]) as server:
            self.assertIn("warning: --function-isolation none", server.log())
            lam = boto3.session.Session().client(
                "lambda", endpoint_url=server.endpoint, region_name=harness.REGION,
                config=Config(retries={"max_attempts": 1}))
            lam.create_function(FunctionName="plain", Runtime="python3.12",
                                Handler="app.handler", Role=tf.LAMBDA_ROLE,
                                Code={"ZipFile": tf.zip_bytes({"app.py": (
                                    "import os\n"
                                    "def handler(event, context):\n"
                                    "    return os.environ['AWS_LAMBDA_RUNTIME_API']\n")})})
            answer = json.loads(lam.invoke(FunctionName="plain")["Payload"].read())
            self.assertRegex(answer, r"^127\.0\.0\.1:\d+$")
            self.assertNotEqual(answer, "127.0.0.1:9001")
            lam.close()


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
