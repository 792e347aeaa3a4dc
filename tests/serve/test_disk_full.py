"""Issue 9: a full disk. `baton serve` keeps its data on a 16 MiB tmpfs, which the test fills.
baton must not abort (nor abort again on each restart): the write it could not commit is held
and its caller waits, new work that writes is refused with ServiceUnavailable, reads go on, and
once space returns everything carries on by itself, with nothing acknowledged lost.

The test mounts the tmpfs in a user and mount namespace of its own (no root needed), entered
before any thread starts; baton runs inside it, as a child of the test.
"""

import ctypes
import json
import os
import shutil
import tempfile
import threading
import unittest

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
MS_REC = 16384
MS_PRIVATE = 1 << 18

libc = ctypes.CDLL(None, use_errno=True)


def enter_namespace_with_tmpfs(size):
    """Moves this process into new user and mount namespaces (as root inside them) and mounts a
    tmpfs of `size` on a new folder, which it returns."""
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWUSER | CLONE_NEWNS)")
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"0 {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"0 {gid} 1")
    if libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), "mount --make-rprivate /")
    folder = tempfile.mkdtemp(prefix="baton-disk-full-")
    if libc.mount(b"tmpfs", folder.encode(), b"tmpfs", 0, f"size={size}".encode()) != 0:
        raise OSError(ctypes.get_errno(), "mount tmpfs")
    return folder


DATA = enter_namespace_with_tmpfs("16m")

import botocore.exceptions  # noqa: E402  (after the namespace: boto3 may start threads)

import harness  # noqa: E402

WAIT = {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 3600, "End": True}}}
PAD = "x" * 200_000


class DiskFull(unittest.TestCase):
    def setUp(self):
        self.server = harness.Server(harness.BATON, data=DATA)
        # The server's log must not need the space the test takes away.
        self.log = tempfile.NamedTemporaryFile(prefix="baton-disk-full-", suffix=".log")
        self.server.log_path = self.log.name
        self.server.start()
        self.sfn = self.server.client()
        self.filler = os.path.join(DATA, "filler")

    def tearDown(self):
        self.sfn.close()
        self.server.close()
        self.log.close()
        for name in os.listdir(DATA):
            path = os.path.join(DATA, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)

    def fill(self):
        # Unbuffered: a buffered file would flush what the last write left as it closes, and
        # fail again there (how much is left depends on the free space's alignment).
        with open(self.filler, "wb", buffering=0) as f:
            chunk = b"\0" * 65536
            try:
                while True:
                    f.write(chunk)
                    f.flush()
            except OSError:
                pass

    def start(self, machine, name):
        return self.sfn.start_execution(stateMachineArn=machine, name=name,
                                        input=json.dumps({"pad": PAD}))

    def test_writes_wait_or_are_refused_reads_go_on_and_all_resumes_when_space_returns(self):
        machine = self.sfn.create_state_machine(name="hold", definition=json.dumps(WAIT),
                                                roleArn=harness.ROLE)["stateMachineArn"]
        before = self.start(machine, "before")["executionArn"]
        self.fill()
        # Writes go on while the database's own free space lasts; then one cannot commit, and
        # its caller waits for it.
        acknowledged = []
        waiting = {}
        held_seen = threading.Event()

        def start_until_one_waits():
            for i in range(200):
                if held_seen.is_set():
                    return  # the call that waited has been answered
                name = f"during-{i}"
                waiting["name"] = name
                try:
                    client = self.server.client(read_timeout=120)
                    self.start_with(client, machine, name)
                    acknowledged.append(name)
                except botocore.exceptions.ClientError as e:
                    waiting["refused"] = e.response["Error"]["Code"]
                    return
            waiting["never"] = True

        starter = threading.Thread(target=start_until_one_waits, daemon=True)
        starter.start()
        harness.wait_for(lambda: "cannot commit to the store" in self.server.log(), timeout=60,
                         what="a commit to fail for want of space")
        held_seen.set()
        self.assertNotIn("never", waiting)
        held = waiting["name"]
        # New work that writes is refused at once, with AWS's error for a service that cannot
        # take work.
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            self.start(machine, "refused")
        self.assertEqual(caught.exception.response["Error"]["Code"], "ServiceUnavailable")
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 503)
        # Reads go on.
        self.assertEqual(self.sfn.describe_execution(executionArn=before)["status"], "RUNNING")
        self.assertGreaterEqual(len(self.sfn.list_executions(stateMachineArn=machine)
                                    ["executions"]), 1)
        self.assertTrue(starter.is_alive(), "the held StartExecution was answered too early")
        # Space returns: the held write commits, its caller is answered, work is taken again.
        os.remove(self.filler)
        starter.join(timeout=30)
        self.assertFalse(starter.is_alive(), self.server.log())
        self.assertEqual(acknowledged[-1], held)
        harness.wait_for(lambda: "takes writes again" in self.server.log(), timeout=10)
        after = self.start(machine, "after")["executionArn"]
        # Nothing acknowledged is lost across a kill -9.
        self.server.kill()
        self.server.start()
        self.sfn.close()
        self.sfn = self.server.client()
        for name in ["before", *acknowledged, "after"]:
            arn = harness.execution_arn("hold", name)
            self.assertEqual(self.sfn.describe_execution(executionArn=arn)["status"], "RUNNING",
                             name)
        self.assertEqual(self.sfn.describe_execution(executionArn=after)["status"], "RUNNING")

    @staticmethod
    def start_with(client, machine, name):
        try:
            return client.start_execution(stateMachineArn=machine, name=name,
                                          input=json.dumps({"pad": PAD}))
        finally:
            client.close()

    def test_a_restart_on_a_full_disk_starts_and_serves_reads(self):
        machine = self.sfn.create_state_machine(name="hold", definition=json.dumps(WAIT),
                                                roleArn=harness.ROLE)["stateMachineArn"]
        arn = self.start(machine, "kept")["executionArn"]
        self.server.stop()
        self.fill()
        self.server.start()
        self.sfn.close()
        self.sfn = self.server.client()
        self.assertEqual(self.sfn.describe_execution(executionArn=arn)["status"], "RUNNING")
        os.remove(self.filler)
        self.start(machine, "later")


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
