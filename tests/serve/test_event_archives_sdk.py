"""EventBridge archives and replays through the current AWS SDK for JavaScript v3
(@aws-sdk/client-eventbridge): tests/serve/js/archive_clients.js drives `baton serve` and prints
what it saw: KmsKeyIdentifier (newer than Debian's boto3), a replay's dates as the SDK parses
them, the managed rule, and the errors as the SDK names them.

usage: python3 tests/serve/test_event_archives_sdk.py PATH_TO_BATON
"""

import json
import os
import subprocess
import unittest

import harness

ROOT = os.path.dirname(os.path.dirname(harness.HERE))
SDK = os.path.join(ROOT, "sdk", "node")
SCRIPT = os.path.join(harness.HERE, "js", "archive_clients.js")


class ArchivesSdk(unittest.TestCase):

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

    def test_archive_with_a_kms_key(self):
        self.assertEqual(self.ok("archive"), {
            "ArchiveArn": f"arn:aws:events:{harness.REGION}:{harness.ACCOUNT}:archive/js-archive",
            "State": "ENABLED", "isDate": True})
        self.assertEqual(self.ok("put"), 0)
        self.assertEqual(self.ok("updated"), "ENABLED")
        self.assertEqual(self.ok("described"), {
            "KmsKeyIdentifier": "alias/other-key", "EventCount": 1, "RetentionDays": 7})

    def test_managed_rule(self):
        self.assertEqual(self.ok("managed"), [{"Name": "Events-Archive-js-archive",
                                               "ManagedBy": "prod.vhs.events.aws.internal"}])
        refused = self.error("enableManaged")
        self.assertEqual((refused["name"], refused["status"]), ("ManagedRuleException", 400))

    def test_replay(self):
        self.assertEqual(self.ok("replay"), "STARTING")
        done = self.ok("done")
        self.assertEqual((done["State"], done["lastReplayed"], done["ended"]),
                         ("COMPLETED", done["expected"], True))
        refused = self.error("cancelDone")
        self.assertEqual((refused["name"], refused["status"]), ("IllegalStatusException", 400))


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
