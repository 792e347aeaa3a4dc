"""`baton deploy` and `baton teardown` against a running `baton serve`: the example SAM project
(examples/shop: Python, Node.js and shell functions, and the workflow calling them) is
deployed, run, deployed again, torn down and torn down again; and the errors a user can make
(no server there, no project there)."""

import json
import os
import socket
import subprocess

import boto3
from botocore.config import Config

import harness

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHOP = os.path.join(ROOT, "examples", "shop")
FUNCTIONS = ["shop-notify", "shop-quote", "shop-reserve"]


def baton(*args):
    return subprocess.run([harness.BATON, *args], capture_output=True, text=True, timeout=120)


class DeployTest(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam = boto3.session.Session().client(
            "lambda", endpoint_url=cls.server.endpoint, region_name=harness.REGION,
            config=Config(retries={"max_attempts": 1}))

    @classmethod
    def tearDownClass(cls):
        cls.lam.close()
        super().tearDownClass()

    def functions(self):
        return sorted(f["FunctionName"] for f in self.lam.list_functions()["Functions"])

    def machines(self):
        return [m["name"] for m in self.sfn.list_state_machines()["stateMachines"]]

    def test_deploy_run_redeploy_teardown(self):
        done = baton("deploy", SHOP, "--endpoint", self.server.endpoint)
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertIn("function shop-quote (python3.12) created", done.stdout)
        self.assertRegex(done.stdout, r"function shop-reserve \(nodejs20\.x\) created, \d+ bytes")
        self.assertIn(f"state machine shop created: {harness.machine_arn('shop')}", lines)
        self.assertEqual(self.functions(), FUNCTIONS)
        self.assertIn("shop", self.machines())

        with open(os.path.join(ROOT, "examples", "order.input.json")) as f:
            order = f.read()
        arn = self.sfn.start_execution(stateMachineArn=harness.machine_arn("shop"),
                                       input=order)["executionArn"]
        d = harness.wait_for_status(self.sfn, arn, timeout=60)
        self.assertEqual(d["status"], "SUCCEEDED", d)
        self.assertIsInstance(json.loads(d["output"]), dict)

        again = baton("deploy", SHOP, "--endpoint", self.server.endpoint)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("function shop-quote (python3.12) updated", again.stdout)
        self.assertIn("state machine shop ", again.stdout)

        gone = baton("teardown", SHOP, "--endpoint", self.server.endpoint)
        self.assertEqual(gone.returncode, 0, gone.stderr)
        self.assertEqual(gone.stdout.splitlines(), [
            f"state machine shop deleted: {harness.machine_arn('shop')}",
            "function shop-notify deleted", "function shop-quote deleted",
            "function shop-reserve deleted"])
        self.assertEqual(self.functions(), [])
        self.assertNotIn("shop", self.machines())

        twice = baton("teardown", SHOP, "--endpoint", self.server.endpoint)
        self.assertEqual(twice.returncode, 0, twice.stderr)
        self.assertEqual(twice.stdout.splitlines(), [
            "state machine shop is not there", "function shop-notify is not there",
            "function shop-quote is not there", "function shop-reserve is not there"])

    def test_errors_a_user_can_make(self):
        with socket.socket() as s:  # a port nothing listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        for command in ("deploy", "teardown"):
            done = baton(command, SHOP, "--endpoint", f"http://127.0.0.1:{port}")
            self.assertEqual(done.returncode, 1, done.stderr)
            self.assertIn(f"baton {command}: cannot reach baton serve at http://127.0.0.1:{port}",
                          done.stderr)
            missing = baton(command, os.path.join(ROOT, "no-such-project"), "--endpoint",
                            self.server.endpoint)
            self.assertEqual(missing.returncode, 2, missing.stderr)
            self.assertIn(f"baton {command}: ", missing.stderr)
            self.assertIn("no-such-project", missing.stderr)


if __name__ == "__main__":
    harness.baton_binary()
    import unittest
    unittest.main()
