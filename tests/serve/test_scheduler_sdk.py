"""EventBridge Scheduler through the current AWS SDK for JavaScript v3
(@aws-sdk/client-scheduler, rest-json): tests/serve/js/scheduler_clients.js drives `baton serve
--clock-control` and prints what it saw: ActionAfterCompletion DELETE (newer than Debian's
boto3), timestamps as the SDK parses them, a flexible window, and the errors.

usage: python3 tests/serve/test_scheduler_sdk.py PATH_TO_BATON
"""

import json
import os
import subprocess
import unittest

import harness

ROOT = os.path.dirname(os.path.dirname(harness.HERE))
SDK = os.path.join(ROOT, "sdk", "node")
SCRIPT = os.path.join(harness.HERE, "js", "scheduler_clients.js")


class SchedulerSdk(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(os.path.join(SDK, "node_modules", "@aws-sdk", "client-scheduler")):
            raise unittest.SkipTest("run `npm ci` in sdk/node first")
        with harness.Server(harness.BATON, args=["--clock-control"]) as server:
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

    def test_one_time_schedule_deleted_after_its_fire(self):
        self.assertTrue(self.ok("once").endswith(":schedule/js-group/js-once"))
        before = self.ok("before")
        self.assertEqual((before["ActionAfterCompletion"], before["State"]), ("DELETE", "ENABLED"))
        [body] = self.ok("received")
        self.assertRegex(body, r"^once at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        gone = self.out["afterFire"]["error"]
        self.assertEqual((gone["name"], gone["status"]), ("ResourceNotFoundException", 404))

    def test_rate_schedule_with_a_start_date(self):
        self.assertEqual(self.ok("listed"), ["js-rate"])
        self.assertEqual(self.ok("startDate"), self.out["expected"])

    def test_errors(self):
        missing = self.out["deleteMissing"]["error"]
        self.assertEqual((missing["name"], missing["message"]),
                         ("ResourceNotFoundException", "Schedule nope does not exist."))


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
