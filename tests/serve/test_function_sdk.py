"""Functions on `baton serve` call baton's own API with the AWS SDK they expect, as on Lambda,
without bundling it: a Python handler with the machine's boto3 (Debian's, whose botocore 1.29
does not read AWS_ENDPOINT_URL by itself), Node.js handlers with the SDK v3 clients of sdk/node,
by require() and by import (an .mjs file, and a .js file under "type": "module"). Each lists the
state machines and starts an execution of the one the test created, and the test checks that it
saw that machine and that the execution is there. Also: the variables a sandbox gets (endpoint,
region, credentials, NODE_PATH), a function's own Environment winning over them, an explicit
endpoint_url kept, and the SDK's folder read-only in an isolated sandbox. With isolation
(namespaces, both networks) and without it.

usage: python3 tests/serve/test_function_sdk.py PATH_TO_BATON
"""

import json
import os
import subprocess
import tempfile
import unittest

import harness
import test_functions as tf

SDK = os.path.join(tf.ROOT, "sdk", "node")

PYTHON_SDK = r"""
import json
import boto3
import botocore

# Created as the module is imported, as handlers usually do.
sfn = boto3.client("stepfunctions")

def handler(event, context):
    listed = sfn.list_state_machines()["stateMachines"]
    started = sfn.start_execution(stateMachineArn=event["machine"], name=event["execution"],
                                  input=json.dumps({"from": "python"}))
    return {"machines": [m["name"] for m in listed], "executionArn": started["executionArn"],
            "endpoint": sfn.meta.endpoint_url, "region": sfn.meta.region_name,
            "sqs": boto3.client("sqs").meta.endpoint_url,
            "explicit": boto3.client("sqs", endpoint_url="http://127.0.0.1:2").meta.endpoint_url,
            "botocore": botocore.__version__}
"""

NODE_CALLS = r"""
const client = new SFNClient({});

async function calls(event) {
  const listed = await client.send(new ListStateMachinesCommand({}));
  const started = await client.send(new StartExecutionCommand({
    stateMachineArn: event.machine, name: event.execution, input: JSON.stringify({from: FROM}),
  }));
  return {machines: listed.stateMachines.map((m) => m.name), executionArn: started.executionArn,
          region: await client.config.region()};
}
"""

NODE_CJS = r"""
const fs = require('fs');
const path = require('path');
const { SFNClient, ListStateMachinesCommand, StartExecutionCommand } =
  require('@aws-sdk/client-sfn');
const FROM = 'commonjs';
""" + NODE_CALLS + r"""
exports.handler = async (event) => {
  if (event.write) {
    // Into the SDK's own folder: refused when the sandbox is isolated.
    const dir = path.dirname(require.resolve('@aws-sdk/client-sfn'));
    try {
      fs.writeFileSync(path.join(dir, 'planted.js'), 'module.exports = 1;');
      return {written: dir};
    } catch (err) {
      return {refused: err.code, dir};
    }
  }
  return {...await calls(event), resolved: require.resolve('@aws-sdk/client-sfn')};
};
"""

NODE_ESM = r"""
import { SFNClient, ListStateMachinesCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
const FROM = 'esm';
""" + NODE_CALLS + r"""
export const handler = async (event) => ({...await calls(event),
                                          documentClient: typeof DynamoDBDocumentClient});
"""

# What the SDKs are told, as the function sees it.
PYTHON_ENV = r"""
import os

NAMES = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SFN", "AWS_REGION", "AWS_DEFAULT_REGION",
         "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CA_BUNDLE",
         "NODE_EXTRA_CA_CERTS", "NODE_PATH"]

def handler(event, context):
    seen = {name: os.environ.get(name) for name in NAMES}
    if event.get("clients"):
        import boto3
        seen["sfn"] = boto3.client("stepfunctions").meta.endpoint_url
        seen["sqs"] = boto3.client("sqs").meta.endpoint_url
        seen["machines"] = [m["name"] for m in
                            boto3.client("stepfunctions").list_state_machines()["stateMachines"]]
    return seen
"""

NODE_ENV = r"""
exports.handler = async () => ({NODE_PATH: process.env.NODE_PATH || null,
                                AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL || null});
"""


class FunctionSdk(tf.LambdaServerTest):
    """Isolated sandboxes (namespaces, their own network), the SDK folder named explicitly."""

    server_args = ("--function-sdk", SDK)
    mode = "isolated"

    @classmethod
    def set_up_functions(cls):
        cls.machine = f"sdk-{cls.mode}"
        cls.machine_arn = cls.sfn.create_state_machine(
            name=cls.machine, roleArn=harness.ROLE,
            definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass",
                                                                           "End": True}}})
        )["stateMachineArn"]
        cls.create("py-sdk", "python3.12", "app.handler", {"app.py": PYTHON_SDK}, Timeout=30)
        cls.create("node-cjs", "nodejs20.x", "index.handler", {"index.js": NODE_CJS}, Timeout=30)
        cls.create("node-mjs", "nodejs20.x", "index.handler", {"index.mjs": NODE_ESM},
                   Timeout=30)
        cls.create("node-module", "nodejs20.x", "lib/index.handler",
                   {"package.json": '{"type": "module"}', "lib/index.js": NODE_ESM}, Timeout=30)
        cls.create("py-env", "python3.12", "app.handler", {"app.py": PYTHON_ENV}, Timeout=30)
        cls.create("py-env-own", "python3.12", "app.handler", {"app.py": PYTHON_ENV},
                   Timeout=30, Environment={"Variables": {
                       "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
                       "AWS_ENDPOINT_URL_SFN": cls.server.endpoint + "/",
                       "AWS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt"}})
        cls.create("node-env", "nodejs20.x", "index.handler", {"index.js": NODE_ENV})
        cls.create("node-env-own", "nodejs20.x", "index.handler", {"index.js": NODE_ENV},
                   Environment={"Variables": {"NODE_PATH": "/opt/mine"}})

    def call(self, name, event=None):
        r, result = self.invoke(name, event or {}, LogType="Tail")
        self.assertNotIn("FunctionError", r, (result, tf.log_lines(r["LogResult"])))
        return result

    def check_calls(self, name):
        """`name` listed the test's machine and started an execution of it."""
        execution = f"{name}-{self.mode}"
        result = self.call(name, {"machine": self.machine_arn, "execution": execution})
        self.assertIn(self.machine, result["machines"])
        self.assertEqual(result["executionArn"], harness.execution_arn(self.machine, execution))
        described = self.sfn.describe_execution(executionArn=result["executionArn"])
        self.assertEqual(described["stateMachineArn"], self.machine_arn)
        harness.wait_for_status(self.sfn, result["executionArn"])
        return result

    def test_python_boto3_reaches_step_functions(self):
        result = self.check_calls("py-sdk")
        self.assertEqual(result["endpoint"], f"http://127.0.0.1:{self.server.port}")
        self.assertEqual(result["region"], harness.REGION)
        self.assertEqual(result["sqs"], f"http://127.0.0.1:{self.server.port}")
        # An explicit endpoint_url is kept.
        self.assertEqual(result["explicit"], "http://127.0.0.1:2")
        # Debian's botocore (1.29) reads no AWS_ENDPOINT_URL of its own: baton's bootstrap did.
        self.assertTrue(result["botocore"].startswith("1."), result["botocore"])

    def test_node_commonjs_requires_the_sdk(self):
        result = self.check_calls("node-cjs")
        self.assertEqual(result["region"], harness.REGION)
        self.assertTrue(result["resolved"].startswith(self.sdk_seen_at() + "/@aws-sdk/client-sfn/"),
                        result["resolved"])

    def sdk_seen_at(self):
        """Where the sandbox sees the SDK's node_modules: isolated, in the folder that hides
        baton's data, an ancestor of the code (where ES modules look)."""
        return os.path.join(os.path.realpath(self.server.data), "node_modules")

    def test_node_mjs_imports_the_sdk(self):
        result = self.check_calls("node-mjs")
        self.assertEqual(result["documentClient"], "function")

    def test_node_type_module_imports_the_sdk(self):
        self.check_calls("node-module")

    def test_the_environment_names_baton(self):
        seen = self.call("py-env", {"clients": True})
        self.assertEqual(seen["AWS_ENDPOINT_URL"], f"http://127.0.0.1:{self.server.port}")
        self.assertEqual((seen["AWS_REGION"], seen["AWS_DEFAULT_REGION"]),
                         (harness.REGION, harness.REGION))
        self.assertEqual((seen["AWS_ACCESS_KEY_ID"], seen["AWS_SECRET_ACCESS_KEY"]),
                         ("baton", "baton"))
        self.assertTrue(seen["AWS_SESSION_TOKEN"])
        self.assertIsNone(seen["AWS_CA_BUNDLE"])
        self.assertIsNone(seen["NODE_PATH"])  # Node.js functions only
        self.assertIn(self.machine, seen["machines"])
        node = self.call("node-env")
        self.assertEqual(node["AWS_ENDPOINT_URL"], seen["AWS_ENDPOINT_URL"])
        self.assertTrue(node["NODE_PATH"].endswith("node_modules"), node)

    def test_a_functions_own_environment_wins(self):
        seen = self.call("py-env-own", {"clients": True})
        self.assertEqual(seen["AWS_ENDPOINT_URL"], "http://127.0.0.1:1")
        self.assertEqual(seen["AWS_CA_BUNDLE"], "/etc/ssl/certs/ca-certificates.crt")
        # The service's own variable first, then the general one, as botocore 1.31+ has it.
        self.assertEqual(seen["sfn"], self.server.endpoint + "/")
        self.assertEqual(seen["sqs"], "http://127.0.0.1:1")
        self.assertIn(self.machine, seen["machines"])
        node = self.call("node-env-own")
        # Its own folders first, then the SDK's.
        self.assertTrue(node["NODE_PATH"].startswith("/opt/mine:"), node)
        self.assertEqual(node["NODE_PATH"].split(":")[1], self.call("node-env")["NODE_PATH"])

    def test_the_sdk_folder_is_read_only_when_isolated(self):
        result = self.call("node-cjs", {"write": True})
        self.assertEqual(result.get("refused"), "EROFS", result)


class FunctionSdkHostNetwork(FunctionSdk):
    server_args = ("--function-sdk", SDK, "--function-network", "host")
    mode = "host-network"


class FunctionSdkNoIsolation(FunctionSdk):
    """Plain processes; the SDK folder found by default (the source tree's sdk/node)."""

    server_args = ("--function-isolation", "none")
    mode = "none"

    def sdk_seen_at(self):
        return os.path.join(SDK, "node_modules")

    def test_the_sdk_is_found_by_default(self):
        # Linked from baton's data folder, an ancestor of the code, where ES modules look.
        node_path = self.call("node-env")["NODE_PATH"]
        self.assertEqual(node_path, os.path.join(self.server.data, "node_modules"))
        self.assertEqual(os.path.realpath(node_path), os.path.join(SDK, "node_modules"))

    def test_the_sdk_folder_is_read_only_when_isolated(self):
        self.skipTest("without isolation a function can write what baton's user can")


class FunctionSdkOption(unittest.TestCase):

    def test_a_named_folder_without_node_modules_is_refused(self):
        with tempfile.TemporaryDirectory() as empty:
            done = subprocess.run([harness.BATON, "serve", "--port", "0", "--api-port", "0", "--data", empty,
                                   "--function-sdk", empty], capture_output=True, text=True,
                                  timeout=30)
            self.assertEqual(done.returncode, 1, done.stderr)
            self.assertIn(f"--function-sdk {empty}: no node_modules there", done.stderr)
            done = subprocess.run([harness.BATON, "serve", "--port", "0", "--api-port", "0", "--data", empty],
                                  capture_output=True, text=True, timeout=30,
                                  env={**os.environ, "BATON_FUNCTION_SDK": empty})
            self.assertEqual(done.returncode, 1, done.stderr)
            self.assertIn("no node_modules there", done.stderr)


if __name__ == "__main__":
    harness.baton_binary()
    if not os.path.isdir(os.path.join(SDK, "node_modules")):
        raise SystemExit(f"{SDK} is not installed: run scripts/setup (npm ci in {SDK})")
    unittest.main()
