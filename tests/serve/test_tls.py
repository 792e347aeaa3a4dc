"""`baton serve --tls-cert FILE --tls-key FILE`: the API over HTTPS, for the aws CLI with
--ca-bundle and boto3 with verify=, using a self-signed certificate made by `openssl req` in a
temporary folder. Also: what start-up says of a missing, unreadable or mismatched file, that the
TLS port speaks no plain HTTP, and that a long-poll whose client hung up (with or without a
close_notify) is not handed a task.
"""

import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

import harness


def make_certificate(folder, name, subject="/CN=127.0.0.1"):
    """A self-signed P-256 certificate for 127.0.0.1 and its key: (cert path, key path)."""
    cert = os.path.join(folder, f"{name}.pem")
    key = os.path.join(folder, f"{name}-key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", subject,
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True)
    return cert, key


class TlsServer(harness.Server):
    """A `baton serve` with --tls-cert and --tls-key; its endpoint is https."""

    def __init__(self, baton, cert, key, args=()):
        super().__init__(baton, args=["--tls-cert", cert, "--tls-key", key, *args])
        self.cert = cert

    def start(self, timeout=10):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [self.baton, "serve", "--port", "0", "--api-port", "0", "--data", self.data, *self.args],
            stdout=log, stderr=log)
        log.close()
        found = harness.wait_for(
            lambda: self.process.poll() is not None or
            re.findall(r"listening on https://127\.0\.0\.1:(\d+)", self.log()),
            timeout, what="baton serve to listen")
        if self.process.poll() is not None:
            raise RuntimeError(f"baton serve exited with {self.process.returncode}:\n" +
                               self.log())
        self.port = int(found[-1])
        return self

    @property
    def endpoint(self):
        return f"https://127.0.0.1:{self.port}"

    def client(self, read_timeout=70):
        return boto3.session.Session().client(
            "stepfunctions", endpoint_url=self.endpoint, region_name=harness.REGION,
            verify=self.cert,
            config=Config(inject_host_prefix=False, read_timeout=read_timeout,
                          retries={"max_attempts": 1}))


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="baton-tls-")
        cls.cert, cls.key = make_certificate(cls.folder, "server")
        cls.server = TlsServer(BATON, cls.cert, cls.key).start()
        cls.sfn = cls.server.client()

    @classmethod
    def tearDownClass(cls):
        cls.sfn.close()
        cls.server.close()
        shutil.rmtree(cls.folder, ignore_errors=True)

    def aws(self, *args):
        return subprocess.run(
            [harness.aws_cli(), "stepfunctions", "--endpoint-url", self.server.endpoint, *args],
            capture_output=True, text=True, timeout=60)

    def test_the_aws_cli_speaks_https_with_the_ca_bundle(self):
        self.sfn.create_state_machine(
            name="over-tls", roleArn=harness.ROLE,
            definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))
        listed = self.aws("list-state-machines", "--ca-bundle", self.cert)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        names = [m["name"] for m in json.loads(listed.stdout)["stateMachines"]]
        self.assertIn("over-tls", names)

    def test_without_the_ca_bundle_the_certificate_is_not_trusted(self):
        listed = self.aws("list-state-machines")
        self.assertEqual(listed.returncode, 255, listed.stdout)
        self.assertIn("CERTIFICATE_VERIFY_FAILED", listed.stderr)

    def test_executions_run_over_https(self):
        arn = self.sfn.create_state_machine(
            name="tls-run", roleArn=harness.ROLE,
            definition=json.dumps({"StartAt": "P", "States": {
                "P": {"Type": "Pass", "Result": {"ok": True}, "End": True}}}))["stateMachineArn"]
        execution = self.sfn.start_execution(stateMachineArn=arn)["executionArn"]
        done = harness.wait_for_status(self.sfn, execution)
        self.assertEqual(json.loads(done["output"]), {"ok": True})

    def test_tls_1_2_is_enough(self):
        context = ssl.create_default_context(cafile=self.cert)
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as raw:
            with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                self.assertEqual(tls.version(), "TLSv1.2")
                tls.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                self.assertTrue(tls.recv(4096).startswith(b"HTTP/1.1 "))

    def test_the_port_speaks_no_plain_http(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as raw:
            raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = b""
            try:
                while chunk := raw.recv(4096):
                    answer += chunk
            except ConnectionResetError:
                pass
        self.assertFalse(answer.startswith(b"HTTP/"), answer)
        # ... and goes on serving TLS clients after it.
        self.assertIn("stateMachines", self.sfn.list_state_machines())

    def test_a_worker_that_hung_up_is_not_handed_a_task(self):
        activity = self.sfn.create_activity(name="tls-jobs")["activityArn"]
        machine = self.sfn.create_state_machine(
            name="tls-jobs", roleArn=harness.ROLE,
            definition=json.dumps({"StartAt": "Job", "States": {
                "Job": {"Type": "Task", "Resource": activity, "End": True}}}))["stateMachineArn"]
        # One hangs up as urllib3 does (no close_notify), one as a careful client does.
        impatient = self.server.client(read_timeout=1)
        with self.assertRaises(botocore.exceptions.ReadTimeoutError):
            impatient.get_activity_task(activityArn=activity, workerName="impatient")
        impatient.close()
        self.poll_and_say_goodbye(activity)
        time.sleep(0.8)  # the server notices both closed connections
        execution = self.sfn.start_execution(stateMachineArn=machine,
                                             input='{"job": 1}')["executionArn"]
        patient = self.server.client()
        task = patient.get_activity_task(activityArn=activity, workerName="patient")
        patient.close()
        self.assertEqual(json.loads(task["input"]), {"job": 1})
        self.sfn.send_task_success(taskToken=task["taskToken"], output="{}")
        harness.wait_for_status(self.sfn, execution)
        history = self.sfn.get_execution_history(executionArn=execution)["events"]
        started = [e["activityStartedEventDetails"]["workerName"]
                   for e in history if e["type"] == "ActivityStarted"]
        self.assertEqual(started, ["patient"])

    def poll_and_say_goodbye(self, activity):
        """GetActivityTask (unsigned: authentication is off), then close_notify and FIN."""
        body = json.dumps({"activityArn": activity, "workerName": "polite"}).encode()
        context = ssl.create_default_context(cafile=self.cert)
        raw = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        tls = context.wrap_socket(raw, server_hostname="127.0.0.1")
        tls.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
                    b"X-Amz-Target: AWSStepFunctions.GetActivityTask\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        time.sleep(0.3)  # the poll is waiting
        try:
            tls.unwrap()  # close_notify; the answer is not awaited
        except (ssl.SSLError, OSError):
            pass
        tls.close()
        raw.close()


class TlsStartUp(unittest.TestCase):
    """Each bad file stops `baton serve` before it listens, naming the file."""

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="baton-tls-start-")
        cls.cert, cls.key = make_certificate(cls.folder, "server")
        cls.other_cert, cls.other_key = make_certificate(cls.folder, "other")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder, ignore_errors=True)

    def refused(self, *args):
        data = tempfile.mkdtemp(prefix="data-", dir=self.folder)
        result = subprocess.run([BATON, "serve", "--port", "0", "--api-port", "0", "--data", data, *args],
                                capture_output=True, text=True, timeout=30)
        self.assertNotEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("listening on", result.stderr)
        return result.stderr

    def test_a_missing_key_file(self):
        missing = os.path.join(self.folder, "nowhere-key.pem")
        stderr = self.refused("--tls-cert", self.cert, "--tls-key", missing)
        self.assertIn(f"cannot read private key file {missing}: No such file or directory", stderr)

    def test_an_unreadable_certificate(self):
        if os.geteuid() == 0:
            self.skipTest("root reads any file")
        locked = os.path.join(self.folder, "locked.pem")
        shutil.copy(self.cert, locked)
        os.chmod(locked, 0)
        stderr = self.refused("--tls-cert", locked, "--tls-key", self.key)
        self.assertIn(f"cannot read certificate file {locked}: Permission denied", stderr)

    def test_a_file_that_is_no_certificate(self):
        stderr = self.refused("--tls-cert", self.key, "--tls-key", self.key)
        self.assertIn(f"{self.key} holds no PEM certificate", stderr)

    def test_a_key_of_another_certificate(self):
        stderr = self.refused("--tls-cert", self.cert, "--tls-key", self.other_key)
        self.assertIn(f"the private key in {self.other_key} does not match the certificate in "
                      f"{self.cert}", stderr)

    def test_a_certificate_without_a_key(self):
        stderr = self.refused("--tls-cert", self.cert)
        self.assertIn("--tls-cert requires --tls-key", stderr)


if __name__ == "__main__":
    BATON = harness.baton_binary()
    unittest.main(verbosity=2)
