"""EventBridge through the current AWS SDK for JavaScript v3 (@aws-sdk/client-eventbridge, the
awsJson1_1 protocol): tests/serve/js/eventbridge_clients.js drives `baton serve` and prints what
it saw. The newer model's members (CreateEventBus's Description) and the errors as the SDK
names them.

usage: python3 tests/serve/test_eventbridge_sdk.py PATH_TO_BATON
"""

import json
import os
import subprocess
import unittest

import harness

ROOT = os.path.dirname(os.path.dirname(harness.HERE))
SDK = os.path.join(ROOT, "sdk", "node")
SCRIPT = os.path.join(harness.HERE, "js", "eventbridge_clients.js")
ACCOUNT = harness.ACCOUNT
REGION = harness.REGION


class EventBridgeSdk(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(os.path.join(SDK, "node_modules", "@aws-sdk", "client-eventbridge")):
            raise unittest.SkipTest("run `npm ci` in sdk/node first")
        with harness.Server(harness.BATON) as server:
            env = dict(os.environ, NODE_PATH=os.path.join(SDK, "node_modules"),
                       NODE_NO_WARNINGS="1")
            done = subprocess.run(["node", SCRIPT, server.endpoint], capture_output=True,
                                  text=True, timeout=120, env=env)
        if done.returncode != 0:
            raise AssertionError(done.stderr)
        cls.out = json.loads(done.stdout)

    def ok(self, step):
        self.assertIn("ok", self.out[step], self.out[step])
        return self.out[step]["ok"]

    def error(self, step):
        self.assertIn("error", self.out[step], self.out[step])
        return self.out[step]["error"]

    def test_bus_with_description(self):
        self.assertEqual(self.ok("bus"), f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/js-bus")
        self.assertEqual(self.ok("describeBus"), {
            "Name": "js-bus", "Arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/js-bus",
            "Description": "from the SDK v3"})

    def test_rule_targets_and_delivery(self):
        self.assertEqual(self.ok("rule"), f"arn:aws:events:{REGION}:{ACCOUNT}:rule/js-bus/js-rule")
        self.assertEqual(self.ok("targets"), 0)
        [target] = self.ok("listed")
        self.assertEqual(target["InputTransformer"]["InputTemplate"], '"n is <n>"')
        put = self.ok("put")
        self.assertEqual(put["FailedEntryCount"], 1)
        self.assertEqual(put["Entries"][1]["ErrorCode"], "MalformedDetail")
        self.assertEqual(self.ok("received"), ['"n is 5"'])

    def test_pattern_and_errors(self):
        self.assertTrue(self.ok("test"))
        bad = self.error("badPattern")
        self.assertEqual((bad["name"], bad["status"]), ("InvalidEventPatternException", 400))
        self.assertTrue(bad["message"].startswith("Event pattern is not valid."), bad)
        missing = self.error("missingRule")
        self.assertEqual((missing["name"], missing["message"]),
                         ("ResourceNotFoundException", "Rule nope does not exist on EventBus default."))


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
