#!/usr/bin/env python3
"""`baton serve` driven by Debian's `aws` CLI (2.9.19), the client most users have at hand.

Two parts:

- DocExamples runs every example of docs/api.md, in order, in one shell, against a fresh
  server, and checks each against the output printed under it, so the documentation cannot
  rot. What counts as an example (fences may be indented, as in a list):
    ```console        lines starting with "$ " are commands (continued while a quote is open
                      or a line ends with "\\");
                      the lines up to the next command are what it prints. "..." on a line of
                      its own stands for lines left out, inside a line for text left out.
                      Dates, UUIDs, task tokens and CLI paging tokens may differ.
    ```json file=NAME the block is written to NAME, where the commands run.
  Other blocks (```sh, ```python without file=) are not run. The endpoint
  http://127.0.0.1:8083 becomes the test server's, and $PWD/tests/serve/aws-model this
  checkout's model. A command must exit 0 unless what it prints is an error.
  `test_cli.py BATON --show-doc` prints what each example prints now, to refresh the doc.

- The other classes assert behaviour explicitly: what AWS does, with the CLI's own paging,
  long polls, exit codes and messages. Where baton differs from AWS a test asserts AWS's
  behaviour and says where it was recorded.

The CLI runs warm (see WarmCli): Debian's own code, without its 0.4 s of imports a command.
BATON_TEST_COLD_AWS=1 runs /usr/bin/aws as a process of its own for every command instead.

Run: /usr/bin/python3 tests/serve/test_cli.py build/src/cli/baton [TestClass[.test_name]]
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import harness
from harness import ARN, ROLE, Server, execution_arn, machine_arn, wait_for, wait_for_status

BATON = None  # set in main, before unittest reads argv
ROOT = os.path.abspath(os.path.join(harness.HERE, "..", ".."))
DOC = os.path.join(ROOT, "docs", "api.md")
DOC_ENDPOINT = "http://127.0.0.1:8083"
DOC_MODEL = "$PWD/tests/serve/aws-model"


def read(path):
    with open(path) as f:
        return f.read()


# ------------------------------------------------------------------------------------------
# Debian's aws CLI, warm
#
# The CLI spends 0.4 of its 0.5 s a command importing itself, and this file runs some 200
# commands. A warm CLI is a process that has imported it (with the interpreter of its own #!
# line) and forks for each command: the child takes the command's arguments, environment,
# working folder and standard streams, and runs `awscli.clidriver.main()` as /usr/bin/aws
# does. The code that runs is the CLI's own; only the import is shared. BATON_TEST_COLD_AWS=1
# runs every command as a process of its own instead.

WARM_SERVER = r"""
import json, os, signal, socket, sys
import awscli
import awscli.clidriver
import awscli.handlers  # what the CLI imports first thing in each command (its plugins)
AWSCLI_DATA = os.path.join(os.path.dirname(os.path.abspath(awscli.__file__)), "data")
listener = socket.socket(socket.AF_UNIX)
listener.bind(sys.argv[1])
listener.listen(64)
listener.settimeout(1)
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
parent = os.getppid()
print("ready", flush=True)
while True:
    try:
        conn, _ = listener.accept()
    except socket.timeout:
        if os.getppid() != parent:
            sys.exit(0)  # the test is gone: so is this
        continue
    conn.settimeout(None)
    if os.fork() != 0:
        conn.close()
        continue
    listener.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    data, fds, _, _ = socket.recv_fds(conn, 65536, 3)
    size = int.from_bytes(data[:4], "big")
    data = data[4:]
    while len(data) < size:
        data += conn.recv(65536)
    request = json.loads(data)
    for number, fd in enumerate(fds):
        os.dup2(fd, number)
        os.close(fd)
    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", closefd=False)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # What /usr/bin/aws and awscli/__init__.py do with the environment when they start.
    if os.environ.get("LC_CTYPE", "") == "UTF-8":
        os.environ["LC_CTYPE"] = "en_US.UTF-8"
    paths = [os.path.expanduser(os.path.expandvars(p))
             for p in os.environ["AWS_DATA_PATH"].split(os.pathsep)] \
        if "AWS_DATA_PATH" in os.environ else []
    os.environ["AWS_DATA_PATH"] = os.pathsep.join(paths + [AWSCLI_DATA])
    sys.argv = ["aws"] + request["argv"]
    code = 255
    try:
        code = awscli.clidriver.main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        conn.sendall(str(code or 0).encode())
    os._exit(0)
"""

WARM_CLIENT = """#!{python} -IS
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect({socket_path!r})
message = json.dumps({{"argv": sys.argv[1:], "env": dict(os.environ), "cwd": os.getcwd()}})
message = len(message.encode()).to_bytes(4, "big") + message.encode()
sent = socket.send_fds(s, [message[:4096]], [0, 1, 2])
s.sendall(message[sent:])
code = s.recv(16)
sys.exit(int(code) if code else 255)
"""


class WarmCli:
    """A warm `aws` (see above) in `folder`/aws; `path` is Debian's own when warming is off
    or impossible (an aws that is no Python script)."""

    def __init__(self, folder):
        self.process = None
        self.path = harness.aws_cli()
        if os.environ.get("BATON_TEST_COLD_AWS"):
            return
        with open(self.path, "rb") as f:
            first = f.readline().decode(errors="replace").strip()
        if not first.startswith("#!") or "python" not in first:
            return
        python = first[2:].split()[0]
        socket_path = os.path.join(folder, "aws.sock")
        self.process = subprocess.Popen([python, "-c", WARM_SERVER, socket_path],
                                        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                        env={k: v for k, v in os.environ.items()
                                             if not k.startswith("AWS_")})
        if self.process.stdout.readline().strip() != b"ready":
            raise RuntimeError("the warm aws CLI did not start")
        self.path = os.path.join(folder, "aws")
        with open(self.path, "w") as f:
            f.write(WARM_CLIENT.format(python=python, socket_path=socket_path))
        os.chmod(self.path, 0o755)

    def close(self):
        if self.process:
            self.process.kill()
            self.process.wait()
            self.process.stdout.close()


# ------------------------------------------------------------------------------------------
# The examples of docs/api.md


class Example:
    def __init__(self, line):
        self.line = line          # line number in the doc, for messages
        self.command = ""
        self.expected = []

    def complete(self):
        """Whether the command is whole: no open quote, no trailing backslash."""
        try:
            shlex.split(self.command)
            return True
        except ValueError:
            return False


def read_examples(text):
    """The doc's runnable steps in order: ("file", name, content, line) or ("run", Example)."""
    steps = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        fence = re.match(r"^( *)```(\w*)\s*(.*)$", lines[i])
        if not fence:
            i += 1
            continue
        indent, language, info = len(fence.group(1)), fence.group(2), fence.group(3)
        start = i
        i += 1
        body = []
        while i < len(lines) and not lines[i].lstrip(" ").startswith("```"):
            body.append(lines[i][indent:] if lines[i][:indent].isspace() else lines[i])
            i += 1
        i += 1
        file_name = re.search(r"\bfile=(\S+)", info)
        if file_name:
            steps.append(("file", file_name.group(1), "\n".join(body) + "\n", start + 1))
        elif language == "console":
            current = None
            for offset, line in enumerate(body):
                if current is not None and not current.complete():
                    current.command += "\n" + line
                elif line.startswith("$ "):
                    current = Example(start + 2 + offset)
                    current.command = line[2:]
                    steps.append(("run", current))
                elif current is not None:
                    current.expected.append(line)
    return steps


def doc_env(bin_dir):
    """The environment the examples run in: no AWS_ settings and no proxy from outside (the doc
    must set up what it uses), no shared config files, and `aws` = Debian's CLI."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k.lower() not in ("http_proxy", "https_proxy",
                                                             "no_proxy", "all_proxy")}
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    return env


def run_examples(server, steps, work):
    """Runs the steps in one bash process in `work`; returns [(example, exit code, output)]."""
    bin_dir = os.path.join(work, ".bin")
    os.makedirs(bin_dir, exist_ok=True)
    os.symlink(harness.aws_cli(), os.path.join(bin_dir, "aws"))
    os.symlink(sys.executable, os.path.join(bin_dir, "python3"))

    def localise(text):
        return text.replace(DOC_ENDPOINT, server.endpoint).replace(DOC_MODEL, harness.MODEL)

    script = ["__rc=0"]
    examples = []
    for step in steps:
        if step[0] == "file":
            _, name, content, _ = step
            script.append(f"cat > '{name}' <<'__BATON_DOC_EOF__'\n{localise(content)}"
                          "__BATON_DOC_EOF__")
            continue
        example = step[1]
        n = len(examples)
        examples.append(example)
        # `$?` inside a command is the previous command's exit code, as in a terminal.
        script.append(f"printf '\\n@@BEGIN {n}\\n'\n(exit $__rc)\n"
                      f"{{ {localise(example.command)}\n}} 2>&1\n"
                      f"__rc=$?\nprintf '\\n@@END {n} %d\\n' $__rc")
    path = os.path.join(work, ".examples.sh")
    with open(path, "w") as f:
        f.write("\n".join(script) + "\n")
    done = subprocess.run(["bash", path], cwd=work, env=doc_env(bin_dir), capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=300)
    found = {}
    for m in re.finditer(r"\n@@BEGIN (\d+)\n(.*?)\n@@END \1 (\d+)\n", done.stdout, re.S):
        found[int(m.group(1))] = (int(m.group(3)), m.group(2))
    results = []
    for n, example in enumerate(examples):
        code, output = found.get(n, (None, "(the command did not run; the script's stderr:\n" +
                                     done.stderr[-2000:] + ")"))
        results.append((example, code,
                        output.replace(f"127.0.0.1:{server.port}", "127.0.0.1:8083")))
    return results


VOLATILE = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)"), "<date>"),
    (re.compile(r"(?<![\d.])1\d{9}(\.\d+)?(?![\d.])"), "<date>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"eyJ[A-Za-z0-9+/=]+"), "<paging-token>"),
    (re.compile(r"(?<![\w+/=-])[\w+/=-]{40,}(?![\w+/=-])"), "<token>"),
]
FAILURE = re.compile(r"An error occurred \(|Could not connect to the endpoint URL|aws: error:")


def normalise(line):
    line = line.strip()
    for pattern, replacement in VOLATILE:
        line = pattern.sub(replacement, line)
    return line


def check_example(example, code, output):
    """None when the output matches the doc, else what is wrong."""
    actual = [normalise(line) for line in output.split("\n")]
    wanted = [line for line in example.expected if line.strip() and line.strip() != "..."]
    expect_failure = any(FAILURE.search(line) for line in wanted)
    if code is None:
        return output
    if expect_failure and code == 0:
        return "exited 0, but the doc shows an error"
    if not expect_failure and code != 0:
        return f"exited {code}"
    if not wanted and output.strip():
        return "printed something, but the doc shows no output"
    at = 0
    for line in wanted:
        parts = normalise(line).split("...")
        pattern = re.compile(".*".join(re.escape(part.strip() if len(parts) > 1 else part)
                                       for part in parts))
        while at < len(actual) and not pattern.fullmatch(actual[at]):
            at += 1
        if at == len(actual):
            return f"no line (in order) matches: {line.strip()}"
        at += 1
    return None


def show_doc(baton):
    """Prints what every example of the doc prints today."""
    steps = read_examples(read(DOC))
    with Server(baton) as server, tempfile.TemporaryDirectory() as work:
        for example, code, output in run_examples(server, steps, work):
            problem = check_example(example, code, output)
            print(f"--- line {example.line}: exit {code}" + (f"  MISMATCH: {problem}"
                                                            if problem else ""))
            print("$ " + example.command)
            print(output)


class DocExamples(unittest.TestCase):
    def test_every_example_of_docs_api_md(self):
        steps = read_examples(read(DOC))
        examples = [s for s in steps if s[0] == "run"]
        self.assertGreater(len(examples), 30, "docs/api.md lost its examples")
        with Server(BATON) as server, tempfile.TemporaryDirectory() as work:
            results = run_examples(server, steps, work)
        problems = []
        for example, code, output in results:
            problem = check_example(example, code, output)
            if problem:
                problems.append(f"docs/api.md:{example.line}: $ {example.command}\n  {problem}\n"
                                f"  it printed:\n    " + output.strip().replace("\n", "\n    "))
        self.assertFalse(problems, "\n\n".join(problems))

    def test_every_implemented_operation_has_an_example(self):
        text = read(DOC)
        commands = " ".join(s[1].command for s in read_examples(text) if s[0] == "run")
        model = json.loads(read(os.path.join(harness.MODEL, "stepfunctions", "2016-11-23",
                                             "service-2.json")))
        missing = []
        for operation in model["operations"]:
            cli_name = re.sub(r"(?<!^)(?=[A-Z])", "-", operation).lower()
            if operation in NOT_IMPLEMENTED:
                self.assertIn(f"`{operation}`", text, f"say that {operation} is not implemented")
                continue
            if not re.search(rf"\b{cli_name}\b", commands):
                missing.append(cli_name)
        self.assertFalse(missing, "operations without a runnable example in docs/api.md")


# ------------------------------------------------------------------------------------------
# Explicit assertions

HELLO = {"StartAt": "Greet", "States": {"Greet": {
    "Type": "Pass", "Parameters": {"greeting.$": "States.Format('Hello, {}!', $.name)"},
    "End": True}}}
WAIT = {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": True}}}
CALLBACK = {"StartAt": "Ask", "States": {"Ask": {
    "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                   "MessageBody": {"token.$": "$$.Task.Token"}},
    "TimeoutSeconds": 600, "End": True}}}


def fanout(count):
    """A Map over `count` Pass iterations: 8 + 4 * count history events."""
    return {"StartAt": "Count", "States": {
        "Count": {"Type": "Pass",
                  "Parameters": {"items.$": f"States.ArrayRange(1, {count}, 1)"},
                  "Next": "Each"},
        "Each": {"Type": "Map", "ItemsPath": "$.items", "End": True,
                 "ItemProcessor": {"StartAt": "Double", "States": {"Double": {
                     "Type": "Pass", "Parameters": {"n.$": "States.MathAdd($, $)"},
                     "End": True}}}}}}


def error_line(code, operation, message):
    return f"An error occurred ({code}) when calling the {operation} operation: {message}"


class CliCase(unittest.TestCase):
    """One server for the class (debug log: one line per request); boto3 for set-up, the
    CLI for what is under test."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(BATON, args=["--log-level", "debug"]).start()
        cls.sfn = cls.server.client()

    @classmethod
    def tearDownClass(cls):
        cls.sfn.close()
        cls.server.close()

    def cli(self, *args, env=None):
        return self.server.cli(*args, env=env)

    def cli_error(self, *args, env=None):
        """Runs a command that must fail; returns (exit code, stderr without blank lines)."""
        code, out, err = self.server.cli(*args, check=False, env=env)
        self.assertNotEqual(code, 0, f"{args} succeeded: {out}")
        return code, err.strip()

    def machine(self, name, definition, kind="STANDARD"):
        return self.sfn.create_state_machine(name=name, definition=json.dumps(definition),
                                             roleArn=ROLE, type=kind)["stateMachineArn"]

    def requests(self, operation):
        """How many requests for `operation` the server has logged so far."""
        return self.server.log().count(f"baton: states.{operation} ")

    def token_of(self, execution):
        """The task token a .waitForTaskToken task of CALLBACK's shape was given."""
        def scheduled():
            events = self.sfn.get_execution_history(executionArn=execution)["events"]
            return [json.loads(e["taskScheduledEventDetails"]["parameters"])["MessageBody"]
                    ["token"] for e in events if e["type"] == "TaskScheduled"]
        return wait_for(scheduled, what="TaskScheduled")[-1]


class StateMachinesAndExecutions(CliCase):
    def test_create_start_describe(self):
        with tempfile.NamedTemporaryFile("w", suffix=".asl.json", delete=False) as f:
            f.write(json.dumps(HELLO, indent=2))
        try:
            created = self.cli("create-state-machine", "--name", "csd",
                               "--definition", f"file://{f.name}", "--role-arn", ROLE)
        finally:
            os.unlink(f.name)
        self.assertEqual(created["stateMachineArn"], machine_arn("csd"))
        self.assertIn("creationDate", created)
        described = self.cli("describe-state-machine", "--state-machine-arn", machine_arn("csd"))
        self.assertEqual(described["definition"], json.dumps(HELLO, indent=2))
        self.assertEqual((described["status"], described["type"], described["roleArn"]),
                         ("ACTIVE", "STANDARD", ROLE))
        started = self.cli("start-execution", "--state-machine-arn", machine_arn("csd"),
                           "--name", "one", "--input", '{"name": "cli"}')
        self.assertEqual(started["executionArn"], execution_arn("csd", "one"))
        wait_for_status(self.sfn, started["executionArn"])
        execution = self.cli("describe-execution", "--execution-arn", started["executionArn"])
        self.assertEqual(execution["status"], "SUCCEEDED")
        self.assertEqual(json.loads(execution["output"]), {"greeting": "Hello, cli!"})
        self.assertEqual(json.loads(execution["input"]), {"name": "cli"})
        self.assertEqual(execution["stateMachineArn"], machine_arn("csd"))
        # The same name, definition and role again: the same state machine.
        again = self.cli("create-state-machine", "--name", "csd",
                         "--definition", json.dumps(HELLO, indent=2), "--role-arn", ROLE)
        self.assertEqual(again["stateMachineArn"], machine_arn("csd"))
        names = self.cli("list-state-machines", "--query", "stateMachines[].name")
        self.assertIn("csd", names)

    def test_history_is_paged_and_the_cli_follows_the_pages(self):
        arn = self.machine("pages", fanout(40))
        execution = self.sfn.start_execution(stateMachineArn=arn, name="wide")["executionArn"]
        wait_for_status(self.sfn, execution)
        total = 8 + 4 * 40
        before = self.requests("GetExecutionHistory")
        events = self.cli("get-execution-history", "--execution-arn", execution,
                          "--page-size", "25")["events"]
        self.assertEqual([e["id"] for e in events], list(range(1, total + 1)))
        self.assertEqual(self.requests("GetExecutionHistory") - before, -(-total // 25))
        self.assertEqual((events[0]["type"], events[-1]["type"]),
                         ("ExecutionStarted", "ExecutionSucceeded"))
        # Default page: 100 events.
        before = self.requests("GetExecutionHistory")
        self.assertEqual(len(self.cli("get-execution-history", "--execution-arn",
                                      execution)["events"]), total)
        self.assertEqual(self.requests("GetExecutionHistory") - before, 2)
        backwards = self.cli("get-execution-history", "--execution-arn", execution,
                             "--reverse-order", "--page-size", "60")["events"]
        self.assertEqual([e["id"] for e in backwards], list(range(total, 0, -1)))
        # --max-items stops early and hands out a token to go on from.
        first = self.cli("get-execution-history", "--execution-arn", execution,
                         "--max-items", "30", "--page-size", "20")
        self.assertEqual([e["id"] for e in first["events"]], list(range(1, 31)))
        rest = self.cli("get-execution-history", "--execution-arn", execution,
                        "--starting-token", first["NextToken"], "--page-size", "20")
        self.assertEqual([e["id"] for e in rest["events"]], list(range(31, total + 1)))
        self.assertNotIn("NextToken", rest)
        # Without execution data: no input or output in the details.
        bare = self.cli("get-execution-history", "--execution-arn", execution,
                        "--no-include-execution-data", "--max-items", "1")["events"][0]
        self.assertNotIn("input", bare["executionStartedEventDetails"])

    def test_page_size_over_1000_is_refused(self):
        # The model bounds maxResults (shape PageSize) to 0..1000 for every paged operation,
        # and AWS refuses what breaks a model constraint with a ValidationException before
        # anything else (the message below, as ListExecutions gives it). baton checks only
        # ListExecutions.
        arn = self.machine("paged", HELLO)
        execution = self.sfn.start_execution(stateMachineArn=arn, input='{"name": "p"}')
        activity = self.sfn.create_activity(name="paged")
        refused = []
        for command, operation in (
                (["list-executions", "--state-machine-arn", arn], "ListExecutions"),
                (["get-execution-history", "--execution-arn", execution["executionArn"]],
                 "GetExecutionHistory"),
                (["list-state-machines"], "ListStateMachines"),
                (["list-activities"], "ListActivities")):
            code, _, err = self.server.cli(*command, "--page-size", "1001", check=False)
            if code == 254 and error_line(
                    "ValidationException", operation,
                    "1 validation error detected: Value '1001' at 'maxResults' failed to "
                    "satisfy constraint: Member must have value less than or equal to 1000"
                    ) in err:
                refused.append(operation)
        self.assertEqual(refused, ["ListExecutions", "GetExecutionHistory",
                                   "ListStateMachines", "ListActivities"])
        self.sfn.delete_activity(activityArn=activity["activityArn"])

    def test_list_executions_with_max_items_and_pages(self):
        arn = self.machine("listed", HELLO)
        for n in range(5):
            self.sfn.start_execution(stateMachineArn=arn, name=f"e{n}",
                                     input=json.dumps({"name": str(n)}))
            time.sleep(0.002)  # distinct start times: the order is by start date
        first = self.cli("list-executions", "--state-machine-arn", arn, "--max-items", "2")
        self.assertEqual([e["name"] for e in first["executions"]], ["e4", "e3"])
        rest = self.cli("list-executions", "--state-machine-arn", arn,
                        "--starting-token", first["NextToken"])
        self.assertEqual([e["name"] for e in rest["executions"]], ["e2", "e1", "e0"])
        before = self.requests("ListExecutions")
        paged = self.cli("list-executions", "--state-machine-arn", arn, "--page-size", "2")
        self.assertEqual([e["name"] for e in paged["executions"]],
                         ["e4", "e3", "e2", "e1", "e0"])
        self.assertEqual(self.requests("ListExecutions") - before, 3)
        for item in paged["executions"]:
            self.assertEqual((item["status"], item["stateMachineArn"]), ("SUCCEEDED", arn))
            self.assertIn("startDate", item)
        self.assertEqual(self.cli("list-executions", "--state-machine-arn", arn,
                                  "--status-filter", "FAILED")["executions"], [])

    def test_stop_execution(self):
        arn = self.machine("stopped", WAIT)
        execution = self.cli("start-execution", "--state-machine-arn", arn,
                             "--name", "s1")["executionArn"]
        # The same name and input while it runs: the same execution (StartExecution is
        # idempotent for a running Standard execution).
        self.assertEqual(self.cli("start-execution", "--state-machine-arn", arn,
                                  "--name", "s1")["executionArn"], execution)
        self.assertEqual(self.cli("describe-execution", "--execution-arn",
                                  execution)["status"], "RUNNING")
        stopped = self.cli("stop-execution", "--execution-arn", execution,
                           "--error", "Operator.Cancelled", "--cause", "not needed")
        self.assertIn("stopDate", stopped)
        described = self.cli("describe-execution", "--execution-arn", execution)
        self.assertEqual((described["status"], described["error"], described["cause"]),
                         ("ABORTED", "Operator.Cancelled", "not needed"))
        last = self.cli("get-execution-history", "--execution-arn", execution,
                        "--reverse-order", "--max-items", "1")["events"][0]
        self.assertEqual(last["type"], "ExecutionAborted")
        self.assertEqual(last["executionAbortedEventDetails"],
                         {"error": "Operator.Cancelled", "cause": "not needed"})
        code, err = self.cli_error("stop-execution", "--execution-arn",
                                   execution_arn("stopped", "never"))
        self.assertEqual(code, 254)
        self.assertEqual(err, error_line(
            "ExecutionDoesNotExist", "StopExecution",
            f"Execution Does Not Exist: '{execution_arn('stopped', 'never')}'"))

    def test_describe_state_machine_for_execution_dates_the_state_machine(self):
        # AWS: updateDate is when the state machine the execution ran was last updated, its
        # creation date if it never was ("For a newly created state machine, this is the
        # creation date." -- DescribeStateMachineForExecution, AWS API reference).
        # baton gives the date its store first met that definition text, which may be
        # another state machine's, or the execution's own start.
        self.machine("twin-a", WAIT)
        time.sleep(1.1)
        created = self.sfn.create_state_machine(name="twin-b", definition=json.dumps(WAIT),
                                                roleArn=ROLE)
        time.sleep(1.1)
        execution = self.sfn.start_execution(stateMachineArn=created["stateMachineArn"],
                                             name="x")["executionArn"]
        described = self.cli("describe-state-machine-for-execution", "--execution-arn",
                             execution)
        self.sfn.stop_execution(executionArn=execution)
        self.assertEqual(described["definition"], json.dumps(WAIT))
        self.assertEqual(described["updateDate"],
                         self.cli("describe-state-machine", "--state-machine-arn",
                                  created["stateMachineArn"])["creationDate"])


class ActivitiesAndTaskTokens(CliCase):
    def test_activity_worker_polls_in_the_background(self):
        activity = self.cli("create-activity", "--name", "work")["activityArn"]
        self.assertEqual(activity, f"{ARN}:activity:work")
        self.assertEqual(self.cli("create-activity", "--name", "work")["activityArn"], activity)
        arn = self.machine("worked", {"StartAt": "Work", "States": {"Work": {
            "Type": "Task", "Resource": activity, "InputPath": "$.job",
            "TimeoutSeconds": 60, "HeartbeatSeconds": 30, "End": True}}})
        # The worker waits before there is any task: GetActivityTask long-polls.
        worker = subprocess.Popen(
            [harness.aws_cli(), "stepfunctions", "--endpoint-url", self.server.endpoint,
             "--output", "json", "get-activity-task", "--activity-arn", activity,
             "--worker-name", "worker-1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        try:
            time.sleep(0.5)  # for the worker to be waiting in GetActivityTask
            self.assertIsNone(worker.poll(), "GetActivityTask answered with no task to give")
            execution = self.cli("start-execution", "--state-machine-arn", arn, "--input",
                                 '{"job": {"doc": 42}}')["executionArn"]
            out, err = worker.communicate(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()
        self.assertEqual(worker.returncode, 0, err)
        task = json.loads(out)
        self.assertEqual(json.loads(task["input"]), {"doc": 42})
        token = task["taskToken"]
        self.assertIsNone(self.cli("send-task-heartbeat", f"--task-token={token}"))
        self.assertIsNone(self.cli("send-task-success", f"--task-token={token}",
                                   "--task-output", '{"pages": 3}'))
        described = wait_for_status(self.sfn, execution)
        self.assertEqual((described["status"], json.loads(described["output"])),
                         ("SUCCEEDED", {"pages": 3}))
        events = self.cli("get-execution-history", "--execution-arn", execution)["events"]
        self.assertEqual([e["type"] for e in events], [
            "ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
            "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"])
        self.assertEqual(events[3]["activityStartedEventDetails"], {"workerName": "worker-1"})
        self.assertEqual(events[2]["activityScheduledEventDetails"]["resource"], activity)
        self.assertIn(activity, [a["activityArn"] for a in
                                 self.cli("list-activities")["activities"]])
        self.assertIsNone(self.cli("delete-activity", "--activity-arn", activity))
        code, err = self.cli_error("describe-activity", "--activity-arn", activity)
        self.assertEqual((code, err), (254, error_line(
            "ActivityDoesNotExist", "DescribeActivity", f"Activity Does Not Exist: '{activity}'")))

    def test_activity_failure_and_redrive(self):
        activity = self.sfn.create_activity(name="judge")["activityArn"]
        arn = self.machine("judged", {"StartAt": "Judge", "States": {"Judge": {
            "Type": "Task", "Resource": activity, "End": True}}})
        execution = self.sfn.start_execution(stateMachineArn=arn, name="j1")["executionArn"]
        token = self.cli("get-activity-task", "--activity-arn", activity)["taskToken"]
        self.assertIsNone(self.cli("send-task-failure", f"--task-token={token}",
                                   "--error", "Judge.Rejected", "--cause", "no"))
        described = wait_for_status(self.sfn, execution)
        self.assertEqual((described["status"], described["error"], described["cause"]),
                         ("FAILED", "Judge.Rejected", "no"))
        self.assertIn("redriveDate", self.cli("redrive-execution", "--execution-arn", execution))
        token = self.cli("get-activity-task", "--activity-arn", activity)["taskToken"]
        self.cli("send-task-success", f"--task-token={token}", "--task-output", '"yes"')
        described = wait_for_status(self.sfn, execution)
        self.assertEqual((described["status"], described["output"], described["redriveCount"]),
                         ("SUCCEEDED", '"yes"', 1))
        code, err = self.cli_error("redrive-execution", "--execution-arn", execution)
        self.assertEqual(code, 254)
        self.assertIn("(ExecutionNotRedrivable)", err)

    def test_task_token_callbacks(self):
        arn = self.machine("called", CALLBACK)
        yes = self.sfn.start_execution(stateMachineArn=arn, name="yes")["executionArn"]
        no = self.sfn.start_execution(stateMachineArn=arn, name="no")["executionArn"]
        token = self.token_of(yes)
        self.assertIsNone(self.cli("send-task-success", f"--task-token={token}",
                                   "--task-output", '{"approved": true}'))
        described = wait_for_status(self.sfn, yes)
        self.assertEqual((described["status"], json.loads(described["output"])),
                         ("SUCCEEDED", {"approved": True}))
        # A token is good once (AWS: TaskTimedOut for a task that has ended).
        code, err = self.cli_error("send-task-success", f"--task-token={token}",
                                   "--task-output", "{}")
        self.assertEqual((code, err), (254, error_line(
            "TaskTimedOut", "SendTaskSuccess",
            "Task Timed Out: 'Provided task does not exist anymore'")))
        self.assertIsNone(self.cli("send-task-failure", f"--task-token={self.token_of(no)}",
                                   "--error", "Approval.Denied", "--cause", "over budget"))
        described = wait_for_status(self.sfn, no)
        self.assertEqual((described["status"], described["error"], described["cause"]),
                         ("FAILED", "Approval.Denied", "over budget"))
        code, err = self.cli_error("send-task-heartbeat", "--task-token=never-issued")
        self.assertEqual((code, err), (254, error_line(
            "InvalidToken", "SendTaskHeartbeat", "Invalid Token: 'Invalid token'")))
        other = self.sfn.start_execution(stateMachineArn=arn, name="bad")["executionArn"]
        code, err = self.cli_error("send-task-success", f"--task-token={self.token_of(other)}",
                                   "--task-output", "{not json")
        self.sfn.stop_execution(executionArn=other)
        self.assertEqual(code, 254)
        self.assertIn("(InvalidOutput)", err)

    def test_task_tokens_never_start_with_a_dash(self):
        # AWS's tokens are base64 of a binary header ("AAAAKgAAAA..."), so they never begin
        # with "-", and worker scripts pass them as `--task-token $TOKEN`. baton's are 43
        # characters of the base64url alphabet, so one in 64 begins with "-", and the CLI
        # then takes it for an option: "aws: error: argument --task-token: expected one
        # argument" (exit 252). 240 tokens: baton passes by luck 2% of the time.
        arn = self.machine("many-tokens", {"StartAt": "Each", "States": {"Each": {
            "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 0, "End": True,
            "ItemProcessor": {"StartAt": "Ask", "States": {"Ask": CALLBACK["States"]["Ask"]}}}}})
        execution = self.sfn.start_execution(stateMachineArn=arn,
                                             input=json.dumps({"items": list(range(240))}))
        tokens = wait_for(lambda: (lambda found: found if len(found) == 240 else None)(
            [json.loads(e["taskScheduledEventDetails"]["parameters"])["MessageBody"]["token"]
             for e in self.sfn.get_execution_history(
                 executionArn=execution["executionArn"], maxResults=1000)["events"]
             if e["type"] == "TaskScheduled"]), what="240 tokens")
        self.sfn.stop_execution(executionArn=execution["executionArn"])
        dashed = [t for t in tokens if t.startswith("-")]
        self.assertEqual(dashed, [], "task tokens that the aws CLI cannot take as "
                                     "`--task-token TOKEN`")

    def test_send_task_failure_checks_the_length_of_cause(self):
        # AWS checks the model's constraints first: a cause over 32,768 characters is
        # "ValidationException: 1 validation error detected: Value at 'cause' failed to
        # satisfy constraint: Member must have length less than or equal to 32768"
        # (recorded in irothschild/stefuna#8). baton accepts it.
        arn = self.machine("long-cause", CALLBACK)
        execution = self.sfn.start_execution(stateMachineArn=arn)["executionArn"]
        token = self.token_of(execution)
        code, _, err = self.server.cli("send-task-failure", f"--task-token={token}",
                                       "--error", "E", "--cause", "c" * 32769, check=False)
        self.sfn.stop_execution(executionArn=execution)
        self.assertEqual(code, 254, "a cause of 32,769 characters was accepted")
        self.assertIn(error_line(
            "ValidationException", "SendTaskFailure",
            "1 validation error detected: Value at 'cause' failed to satisfy constraint: "
            "Member must have length less than or equal to 32768"), err)


class VersionsAndAliases(CliCase):
    def test_publish_alias_and_start_on_it(self):
        hello_again = json.loads(json.dumps(HELLO).replace("Hello", "Hello again"))
        created = self.cli("create-state-machine", "--name", "rel", "--definition",
                           json.dumps(HELLO), "--role-arn", ROLE, "--publish",
                           "--version-description", "first")
        arn = created["stateMachineArn"]
        self.assertEqual(created["stateMachineVersionArn"], f"{arn}:1")
        updated = self.cli("update-state-machine", "--state-machine-arn", arn, "--definition",
                           json.dumps(hello_again), "--publish")
        self.assertEqual(updated["stateMachineVersionArn"], f"{arn}:2")
        self.assertIn("revisionId", updated)
        # Publishing again with no change: the same version.
        self.assertEqual(self.cli("publish-state-machine-version", "--state-machine-arn",
                                  arn)["stateMachineVersionArn"], f"{arn}:2")
        code, err = self.cli_error("publish-state-machine-version", "--state-machine-arn", arn,
                                   "--revision-id", "not-the-current-one")
        self.assertEqual(code, 254)
        self.assertIn("(ConflictException)", err)
        self.assertEqual(
            self.cli("list-state-machine-versions", "--state-machine-arn", arn,
                     "--query", "stateMachineVersions[].stateMachineVersionArn"),
            [f"{arn}:2", f"{arn}:1"])
        version_1 = self.cli("describe-state-machine", "--state-machine-arn", f"{arn}:1")
        self.assertEqual((version_1["definition"], version_1["description"]),
                         (json.dumps(HELLO), "first"))
        alias = self.cli("create-state-machine-alias", "--name", "live",
                         "--routing-configuration",
                         f"stateMachineVersionArn={arn}:1,weight=100")["stateMachineAliasArn"]
        self.assertEqual(alias, f"{arn}:live")
        described = self.cli("describe-state-machine-alias", "--state-machine-alias-arn", alias)
        self.assertEqual((described["name"], described["routingConfiguration"]),
                         ("live", [{"stateMachineVersionArn": f"{arn}:1", "weight": 100}]))

        def run(target, name):
            execution = self.cli("start-execution", "--state-machine-arn", target, "--name",
                                 name, "--input", '{"name": "you"}')["executionArn"]
            self.assertEqual(execution, execution_arn("rel", name))
            wait_for_status(self.sfn, execution)
            return self.cli("describe-execution", "--execution-arn", execution)

        on_alias = run(alias, "a1")
        self.assertEqual(json.loads(on_alias["output"]), {"greeting": "Hello, you!"})
        self.assertEqual((on_alias["stateMachineAliasArn"], on_alias["stateMachineVersionArn"],
                          on_alias["stateMachineArn"]), (alias, f"{arn}:1", arn))
        started = self.cli("get-execution-history", "--execution-arn", on_alias["executionArn"],
                           "--max-items", "1")["events"][0]["executionStartedEventDetails"]
        self.assertEqual((started["stateMachineAliasArn"], started["stateMachineVersionArn"]),
                         (alias, f"{arn}:1"))
        self.assertIn("updateDate", self.cli(
            "update-state-machine-alias", "--state-machine-alias-arn", alias,
            "--routing-configuration", f"stateMachineVersionArn={arn}:2,weight=100"))
        on_alias = run(alias, "a2")
        self.assertEqual(json.loads(on_alias["output"]), {"greeting": "Hello again, you!"})
        self.assertEqual(on_alias["stateMachineVersionArn"], f"{arn}:2")
        on_version = run(f"{arn}:1", "v1")
        self.assertEqual(on_version["stateMachineVersionArn"], f"{arn}:1")
        self.assertNotIn("stateMachineAliasArn", on_version)
        self.assertEqual(self.cli("list-state-machine-aliases", "--state-machine-arn", arn,
                                  "--query", "stateMachineAliases[].stateMachineAliasArn"),
                         [alias])
        code, err = self.cli_error("delete-state-machine-version",
                                   "--state-machine-version-arn", f"{arn}:2")
        self.assertEqual(code, 254)
        self.assertIn("(ConflictException)", err)
        self.assertIsNone(self.cli("delete-state-machine-alias", "--state-machine-alias-arn",
                                   alias))
        self.assertIsNone(self.cli("delete-state-machine-version",
                                   "--state-machine-version-arn", f"{arn}:2"))
        code, err = self.cli_error("describe-state-machine-alias", "--state-machine-alias-arn",
                                   alias)
        self.assertEqual(code, 254)
        self.assertIn("(ResourceNotFound)", err)

    def test_list_executions_of_an_alias_or_a_version(self):
        # AWS: "You can also provide a state machine alias ARN or version ARN to list the
        # executions associated with a specific alias or version" (ListExecutions, AWS API
        # reference); an execution started on an alias is associated with the alias and its
        # version, one started on a version with the version only ("How Step Functions
        # associates executions with a version or alias", developer guide). baton lists
        # every execution of the state machine.
        arn = self.sfn.create_state_machine(name="assoc", definition=json.dumps(HELLO),
                                            roleArn=ROLE, publish=True)["stateMachineArn"]
        alias = self.sfn.create_state_machine_alias(
            name="main", routingConfiguration=[{"stateMachineVersionArn": f"{arn}:1",
                                                "weight": 100}])["stateMachineAliasArn"]
        for target, name in ((arn, "plain"), (alias, "by-alias"), (f"{arn}:1", "by-version")):
            self.sfn.start_execution(stateMachineArn=target, name=name, input='{"name": "x"}')
        listed = self.cli("list-executions", "--state-machine-arn", alias,
                          "--query", "executions[].name")
        self.assertEqual(listed, ["by-alias"])
        listed = self.cli("list-executions", "--state-machine-arn", f"{arn}:1",
                          "--query", "executions[].name")
        self.assertEqual(sorted(listed), ["by-alias", "by-version"])


class SyncOperations(CliCase):
    """StartSyncExecution and TestState, which the SDKs send to a sync- host."""

    def test_start_sync_execution_through_http_proxy(self):
        arn = self.machine("fast", HELLO, kind="EXPRESS")
        code, err = self.cli_error("start-sync-execution", "--state-machine-arn", arn)
        self.assertEqual((code, err), (255, 'Could not connect to the endpoint URL: '
                                            f'"http://sync-127.0.0.1:{self.server.port}/"'))
        proxy = {"HTTP_PROXY": self.server.endpoint}
        result = self.cli("start-sync-execution", "--state-machine-arn", arn, "--name", "s1",
                          "--input", '{"name": "proxy"}', env=proxy)
        self.assertEqual((result["status"], json.loads(result["output"])),
                         ("SUCCEEDED", {"greeting": "Hello, proxy!"}))
        self.assertTrue(result["executionArn"].startswith(f"{ARN}:express:fast:s1:"))
        self.assertEqual((result["name"], result["stateMachineArn"]), ("s1", arn))
        self.assertIn("billingDetails", result)
        # A failed execution is still an answer, and exit code 0.
        failing = self.machine("fast-fail", {"StartAt": "No", "States": {"No": {
            "Type": "Fail", "Error": "Oops", "Cause": "on purpose"}}}, kind="EXPRESS")
        result = self.cli("start-sync-execution", "--state-machine-arn", failing, env=proxy)
        self.assertEqual((result["status"], result["error"], result["cause"]),
                         ("FAILED", "Oops", "on purpose"))
        standard = self.machine("slow", HELLO)
        code, err = self.cli_error("start-sync-execution", "--state-machine-arn", standard,
                                   env=proxy)
        self.assertEqual((code, err), (254, error_line(
            "StateMachineTypeNotSupported", "StartSyncExecution",
            "This operation is not supported by this type of state machine")))
        # The other operations work through the proxy too.
        self.assertIn(arn, [m["stateMachineArn"] for m in
                            self.cli("list-state-machines", env=proxy)["stateMachines"]])

    def test_test_state_through_http_proxy(self):
        proxy = {"HTTP_PROXY": self.server.endpoint}
        result = self.cli("test-state", "--definition", json.dumps({
            "Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1,
                                           "Next": "Big"}], "Default": "Small"}),
            "--input", '{"n": 5}', env=proxy)
        self.assertEqual((result["status"], result["nextState"], json.loads(result["output"])),
                         ("SUCCEEDED", "Big", {"n": 5}))
        result = self.cli("test-state", "--definition", json.dumps({
            "Type": "Fail", "Error": "Nope", "Cause": "because"}), env=proxy)
        self.assertEqual((result["status"], result["error"], result["cause"]),
                         ("FAILED", "Nope", "because"))

    def test_test_state_debug_shows_each_step_of_data_processing(self):
        # Recorded on AWS (localstack/localstack, tests/aws/services/stepfunctions/v2/
        # test_state/test_test_state_scenarios.snapshot.json, test_base_inspection_level_
        # debug[IO_PASS_STATE], 14-11-2025): a Pass state with InputPath, Parameters and
        # ResultPath reports input, afterInputPath, afterParameters, afterResultSelector and
        # afterResultPath. baton reports input and afterResultPath only.
        result = self.cli("test-state", "--definition", json.dumps({
            "Type": "Pass", "InputPath": "$.initialData",
            "Parameters": {"staticValue": "some value", "inputValue.$": "$.fieldFromInput"},
            "ResultPath": "$.modifiedData", "End": True}),
            "--input", json.dumps({"initialData": {"fieldFromInput": "value from input",
                                                   "otherField": "other"},
                                   "unrelatedData": {"someOtherField": 1234}}),
            "--inspection-level", "DEBUG", env={"HTTP_PROXY": self.server.endpoint})
        data = {k: json.loads(v) for k, v in result["inspectionData"].items()}
        parameters = {"staticValue": "some value", "inputValue": "value from input"}
        self.assertEqual(sorted(data), ["afterInputPath", "afterParameters", "afterResultPath",
                                        "afterResultSelector", "input"])
        self.assertEqual(data, {
            "input": {"initialData": {"fieldFromInput": "value from input",
                                      "otherField": "other"},
                      "unrelatedData": {"someOtherField": 1234}},
            "afterInputPath": {"fieldFromInput": "value from input", "otherField": "other"},
            "afterParameters": parameters,
            "afterResultSelector": parameters,
            "afterResultPath": {"initialData": {"fieldFromInput": "value from input",
                                                "otherField": "other"},
                                "unrelatedData": {"someOtherField": 1234},
                                "modifiedData": parameters}})


class HostPrefixRecipes(CliCase):
    """The ways around the sync- host that docs/api.md gives, besides HTTP_PROXY."""

    def test_boto3_without_host_prefix(self):
        arn = self.machine("boto", HELLO, kind="EXPRESS")
        result = self.sfn.start_sync_execution(stateMachineArn=arn, input='{"name": "b"}')
        self.assertEqual(result["status"], "SUCCEEDED")
        import boto3
        import botocore.exceptions
        from botocore.config import Config
        plain = boto3.client("stepfunctions", endpoint_url=self.server.endpoint,
                             region_name=harness.REGION,
                             config=Config(retries={"max_attempts": 1}))
        with self.assertRaises(botocore.exceptions.EndpointConnectionError):
            plain.start_sync_execution(stateMachineArn=arn)
        plain.close()

    def test_disable_host_prefix_injection_variable(self):
        arn = self.machine("env-var", HELLO, kind="EXPRESS")
        flag = {"AWS_DISABLE_HOST_PREFIX_INJECTION": "true"}
        version = subprocess.run([harness.aws_cli(), "--version"], capture_output=True,
                                 text=True).stdout
        if version.startswith("aws-cli/2.9."):
            # Debian 12's CLI predates the variable (botocore 1.37.5).
            code, err = self.cli_error("start-sync-execution", "--state-machine-arn", arn,
                                       env=flag)
            self.assertEqual(code, 255)
            self.assertIn("http://sync-127.0.0.1", err)
        newer = shutil.which("aws")
        found = re.search(r"botocore/(\d+)\.(\d+)\.(\d+)", subprocess.run(
            [newer, "--version"], capture_output=True, text=True).stdout) if newer else None
        if not found or tuple(map(int, found.groups())) < (1, 37, 5):
            self.skipTest("no aws CLI on PATH with botocore >= 1.37.5")
        done = subprocess.run(
            [newer, "stepfunctions", "--endpoint-url", self.server.endpoint, "--output",
             "json", "start-sync-execution", "--state-machine-arn", arn,
             "--input", '{"name": "new"}'],
            capture_output=True, text=True, env={**os.environ, **flag}, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout)["output"], '{"greeting":"Hello, new!"}')

    def test_sync_localhost_in_etc_hosts(self):
        # Checks the /etc/hosts recipe without touching /etc/hosts: a copy with the line is
        # bind-mounted over it in a private mount namespace that ends with the command.
        if os.geteuid() != 0 or not shutil.which("unshare"):
            self.skipTest("needs root and unshare for a private mount namespace")
        arn = self.machine("hosts", HELLO, kind="EXPRESS")
        with tempfile.NamedTemporaryFile("w", delete=False) as hosts:
            hosts.write(read("/etc/hosts") + "\n127.0.0.1 sync-localhost\n")
        script = ('mount --bind "$0" /etc/hosts 2>/dev/null || exit 77\n'
                  'exec "$@"')
        done = subprocess.run(
            ["unshare", "-m", "sh", "-c", script, hosts.name, DEBIAN_AWS, "stepfunctions",
             "--endpoint-url", f"http://localhost:{self.server.port}", "--output", "json",
             "start-sync-execution", "--state-machine-arn", arn, "--input", '{"name": "h"}'],
            capture_output=True, text=True, timeout=60)
        os.unlink(hosts.name)
        if done.returncode == 77 or "unshare failed" in done.stderr:
            self.skipTest("cannot bind-mount in a private mount namespace here")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout)["output"], '{"greeting":"Hello, h!"}')


class ErrorsAndExitCodes(CliCase):
    def test_errors_are_aws_errors(self):
        nope = machine_arn("nope")
        self.assertEqual(self.cli_error("describe-state-machine", "--state-machine-arn", nope),
                         (254, error_line("StateMachineDoesNotExist", "DescribeStateMachine",
                                          f"State Machine Does Not Exist: '{nope}'")))
        self.assertEqual(self.cli_error("start-execution", "--state-machine-arn", nope),
                         (254, error_line("StateMachineDoesNotExist", "StartExecution",
                                          f"State Machine Does Not Exist: '{nope}'")))
        missing = execution_arn("nope", "x")
        self.assertEqual(self.cli_error("describe-execution", "--execution-arn", missing),
                         (254, error_line("ExecutionDoesNotExist", "DescribeExecution",
                                          f"Execution Does Not Exist: '{missing}'")))
        arn = self.machine("errs", HELLO)
        self.sfn.start_execution(stateMachineArn=arn, name="taken", input='{"name": "a"}')
        self.assertEqual(
            self.cli_error("start-execution", "--state-machine-arn", arn, "--name", "taken",
                           "--input", '{"name": "b"}'),
            (254, error_line("ExecutionAlreadyExists", "StartExecution",
                             f"Execution Already Exists: '{execution_arn('errs', 'taken')}'")))
        self.assertEqual(
            self.cli_error("start-execution", "--state-machine-arn", arn, "--name", "two words"),
            (254, error_line("InvalidName", "StartExecution", "Invalid Name: 'two words'")))
        code, err = self.cli_error("start-execution", "--state-machine-arn", arn,
                                   "--input", "{oops")
        self.assertEqual(code, 254)
        self.assertTrue(err.startswith(error_line(
            "InvalidExecutionInput", "StartExecution",
            "Invalid State Machine Execution Input: '")), err)
        self.assertEqual(
            self.cli_error("create-state-machine", "--name", "errs", "--definition",
                           json.dumps(WAIT), "--role-arn", ROLE),
            (254, error_line("StateMachineAlreadyExists", "CreateStateMachine",
                             f"State Machine Already Exists: '{arn}'")))
        code, err = self.cli_error("create-state-machine", "--name", "bad", "--definition",
                                   '{"StartAt": "A", "States": {"A": {"Type": "Pass"}}}',
                                   "--role-arn", ROLE)
        self.assertEqual(code, 254)
        self.assertTrue(err.startswith(error_line(
            "InvalidDefinition", "CreateStateMachine",
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ")), err)
        self.assertEqual(
            self.cli_error("update-state-machine", "--state-machine-arn", arn),
            (254, error_line("MissingRequiredParameter", "UpdateStateMachine",
                             "Either the definition, the role ARN, the LoggingConfiguration, "
                             "or the TracingConfiguration must be specified")))
        self.assertEqual(
            self.cli_error("list-executions", "--state-machine-arn", arn, "--page-size",
                           "1001"),
            (254, error_line("ValidationException", "ListExecutions",
                             "1 validation error detected: Value '1001' at 'maxResults' failed "
                             "to satisfy constraint: Member must have value less than or "
                             "equal to 1000")))
        code, err = self.cli_error("describe-state-machine", "--state-machine-arn", "not-an-arn")
        self.assertEqual(code, 254)
        self.assertIn("(InvalidArn)", err)

    def test_exit_codes_of_the_cli(self):
        # 252: the CLI refuses the command line (here: an operation its own model lacks).
        code, err = self.cli_error("list-state-machine-versions", "--state-machine-arn",
                                   machine_arn("x"), env={"AWS_DATA_PATH": ""})
        self.assertEqual(code, 252)
        self.assertIn("Invalid choice: 'list-state-machine-versions'", err)
        # 255: nothing listens there.
        with Server(BATON) as gone:
            endpoint = gone.endpoint
        done = subprocess.run([harness.aws_cli(), "stepfunctions", "--endpoint-url", endpoint,
                               "list-state-machines"], capture_output=True, text=True)
        self.assertEqual(done.returncode, 255)
        self.assertIn(f'Could not connect to the endpoint URL: "{endpoint}/"', done.stderr)

    def test_the_sdk_gets_the_modeled_exception(self):
        with self.assertRaises(self.sfn.exceptions.StateMachineDoesNotExist):
            self.sfn.describe_state_machine(stateMachineArn=machine_arn("absent"))
        status, headers, body = self.server.raw(
            "AWSStepFunctions.DescribeStateMachine",
            json.dumps({"stateMachineArn": machine_arn("absent")}))
        self.assertEqual(status, 400)
        self.assertEqual(headers.get("x-amzn-errortype"), "StateMachineDoesNotExist")
        self.assertTrue(body["__type"].endswith("StateMachineDoesNotExist"))


# Operations of the model that baton serve does not implement (Service::implements).
NOT_IMPLEMENTED = set()


WARM = None
DEBIAN_AWS = harness.aws_cli()


def setUpModule():
    global WARM
    folder = tempfile.mkdtemp(prefix="baton-test-cli-")
    WARM = WarmCli(folder)
    WARM.folder = folder
    # Server.cli and the doc's `aws` run the warm CLI from here on.
    harness.aws_cli = lambda: WARM.path


def tearDownModule():
    WARM.close()
    shutil.rmtree(WARM.folder, ignore_errors=True)


def main():
    global BATON
    BATON = harness.baton_binary()
    if "--show-doc" in sys.argv:
        setUpModule()
        try:
            show_doc(BATON)
        finally:
            tearDownModule()
        return
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
