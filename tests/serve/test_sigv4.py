"""`baton serve --auth sigv4 --credentials FILE`: every request but the health check must be
signed (AWS Signature Version 4) with a key of FILE, for the region served, within 15 minutes
of now. Driven with boto3 and Debian's aws CLI signing for real: a valid key, a wrong secret,
an unknown key, the wrong region, a clock 20 minutes off, unsigned requests, presigned URLs
(used twice while valid, refused once expired or pointed elsewhere), each refused in the
protocol's own words (Step Functions' JSON, SQS's query XML, S3's <Error>). Also: functions
sign their calls with the served key; a non-loopback --host needs --auth.

usage: python3 tests/serve/test_sigv4.py PATH_TO_BATON
"""

import datetime
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from unittest import mock

import boto3
import botocore.auth
import botocore.exceptions
from botocore.config import Config

import harness
import test_functions as tf

os.environ["BATON_TEST_SERVICES"] = "1"
KEY, SECRET = "AKIDBATONTEST0001", "a-secret-only-the-test-knows"
CREDENTIALS = f"""# two profiles: any of their keys is taken
[default]
aws_access_key_id = {KEY}
aws_secret_access_key = {SECRET}

[other]
aws_access_key_id = AKIDBATONTEST0002
aws_secret_access_key = another-secret
"""
PASS = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
CALLER = r"""
import boto3

def handler(event, context):
    return [m["name"] for m in boto3.client("stepfunctions").list_state_machines()["stateMachines"]]
"""


def write_credentials():
    fd, path = tempfile.mkstemp(prefix="baton-credentials-")
    with os.fdopen(fd, "w") as f:
        f.write(CREDENTIALS)
    return path


class SignedRequests(tf.LambdaServerTest):

    credentials_file = write_credentials()
    server_args = ("--auth", "sigv4", "--credentials", credentials_file)

    @classmethod
    def lambda_client(cls, session=None, read_timeout=70):
        return cls.signed("lambda")

    @classmethod
    def setUpClass(cls):
        # The class's own clients sign with the served key.
        os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"] = KEY, SECRET
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.credentials_file)

    @classmethod
    def signed(cls, service, key=KEY, secret=SECRET, region=harness.REGION, **config):
        return boto3.session.Session().client(
            service, endpoint_url=cls.server.endpoint, region_name=region,
            aws_access_key_id=key, aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": 1}, **config))

    def refused(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        r = caught.exception.response
        return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Message"]

    def s3(self, **kwargs):
        # Debian's botocore presigns S3 URLs with SigV2 unless told otherwise.
        return self.signed("s3", s3={"addressing_style": "path"}, signature_version="s3v4",
                           **kwargs)

    def test_valid_signatures_are_taken_from_every_key_of_the_file(self):
        self.signed("stepfunctions").create_state_machine(
            name="signed", roleArn=harness.ROLE, definition=json.dumps(PASS))
        names = [m["name"] for m in self.signed("stepfunctions", "AKIDBATONTEST0002",
                                                "another-secret").list_state_machines()
                 ["stateMachines"]]
        self.assertIn("signed", names)
        sqs = self.signed("sqs")
        url = sqs.create_queue(QueueName="signed")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="m")
        s3 = self.s3()
        s3.put_object(Bucket="b", Key="signed/key", Body=b"payload")
        self.assertEqual(s3.get_object(Bucket="b", Key="signed/key")["Body"].read(), b"payload")
        # The CLI, signing from the environment.
        done = subprocess.run([harness.aws_cli(), "--endpoint-url", self.server.endpoint,
                               "stepfunctions", "list-state-machines"], capture_output=True,
                              text=True, timeout=60,
                              env=dict(os.environ, AWS_ACCESS_KEY_ID=KEY,
                                       AWS_SECRET_ACCESS_KEY=SECRET))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("signed", done.stdout)

    def test_a_wrong_secret_is_a_signature_mismatch(self):
        code, status, _ = self.refused(self.signed("stepfunctions", secret="wrong")
                                       .list_state_machines)
        self.assertEqual((code, status), ("InvalidSignatureException", 403))
        code, status, _ = self.refused(self.signed("sqs", secret="wrong").send_message,
                                       QueueUrl=self.server.endpoint + "/123456789012/q", MessageBody="m")
        self.assertEqual((code, status), ("SignatureDoesNotMatch", 403))
        code, status, message = self.refused(self.s3(secret="wrong").get_object, Bucket="b",
                                             Key="k")
        self.assertEqual((code, status), ("SignatureDoesNotMatch", 403))
        self.assertIn("The request signature we calculated does not match", message)
        code, status, _ = self.refused(self.signed("lambda", secret="wrong").list_functions)
        self.assertEqual((code, status), ("InvalidSignatureException", 403))

    def test_an_unknown_key_is_refused(self):
        code, status, message = self.refused(self.signed("stepfunctions", key="AKIDNOBODY")
                                             .list_state_machines)
        self.assertEqual((code, status), ("UnrecognizedClientException", 403))
        code, status, _ = self.refused(self.signed("sqs", key="AKIDNOBODY").send_message,
                                       QueueUrl=self.server.endpoint + "/123456789012/q", MessageBody="m")
        self.assertEqual((code, status), ("InvalidClientTokenId", 403))
        code, status, _ = self.refused(self.s3(key="AKIDNOBODY").get_object, Bucket="b", Key="k")
        self.assertEqual((code, status), ("InvalidAccessKeyId", 403))

    def test_the_wrong_region_is_refused(self):
        code, status, message = self.refused(self.signed("stepfunctions", region="eu-west-1")
                                             .list_state_machines)
        self.assertEqual((code, status), ("InvalidSignatureException", 403))
        self.assertIn("eu-west-1", message)
        # S3 says which region it wanted (AuthorizationHeaderMalformed with Region), and boto3
        # signs again for that one, as it does with AWS.
        s3 = self.signed("s3", region="eu-west-1", s3={"addressing_style": "path"})
        scopes = []
        s3.meta.events.register("before-send.s3.*", lambda request, **_: scopes.append(
            request.headers["Authorization"].decode().split("/")[2]))
        code, status, _ = self.refused(s3.get_object, Bucket="b", Key="never-written")
        self.assertEqual((code, status, scopes), ("NoSuchKey", 404, ["eu-west-1", "us-east-1"]))

    def test_a_clock_twenty_minutes_off_is_refused(self):
        skewed = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
        fake = mock.Mock(wraps=datetime.datetime)
        fake.utcnow.return_value = skewed
        fake.now.return_value = skewed.replace(tzinfo=datetime.timezone.utc)
        with mock.patch.object(botocore.auth.datetime, "datetime", fake):
            code, status, message = self.refused(self.signed("stepfunctions")
                                                 .list_state_machines)
            self.assertEqual((code, status), ("InvalidSignatureException", 403))
            self.assertIn("Signature expired", message)
            code, status, _ = self.refused(self.s3().get_object, Bucket="b", Key="k")
            self.assertEqual((code, status), ("RequestTimeTooSkewed", 403))

    def test_unsigned_requests_are_refused_but_the_health_check(self):
        status, _, body = self.server.raw("AWSStepFunctions.ListStateMachines", "{}")
        self.assertEqual((status, body["__type"]),
                         (403, "MissingAuthenticationTokenException"))
        with urllib.request.urlopen(self.server.endpoint + "/_baton/health") as r:
            self.assertEqual(json.loads(r.read())["status"], "ok")

    def get(self, url):
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def test_presigned_urls(self):
        s3 = self.s3()
        s3.put_object(Bucket="b", Key="shared", Body=b"shared bytes")
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "shared"},
                                        ExpiresIn=2)
        # Valid for its lifetime, as often as it is used.
        self.assertEqual(self.get(url), (200, b"shared bytes"))
        self.assertEqual(self.get(url), (200, b"shared bytes"))
        # Pointed at another key: the signature no longer matches.
        status, body = self.get(url.replace("/b/shared?", "/b/other?"))
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", body)
        time.sleep(3)
        status, body = self.get(url)
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>AccessDenied</Code>", body)
        self.assertIn(b"Request has expired", body)

    def test_functions_sign_with_the_served_key(self):
        self.create("caller", "python3.12", "app.handler", {"app.py": CALLER}, Timeout=30)
        self.signed("stepfunctions").create_state_machine(
            name="seen-by-function", roleArn=harness.ROLE, definition=json.dumps(PASS))
        r = self.lam.invoke(FunctionName="caller", Payload=b"{}")
        payload = json.loads(r["Payload"].read())
        self.assertNotIn("FunctionError", r, payload)
        self.assertIn("seen-by-function", payload)


class ExposedAddress(unittest.TestCase):

    def test_a_non_loopback_host_needs_auth(self):
        data = tempfile.mkdtemp(prefix="baton-exposed-")
        done = subprocess.run([harness.BATON, "serve", "--host", "0.0.0.0", "--port", "0",
                               "--api-port", "0", "--data", data],
                              capture_output=True, text=True, timeout=30)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("--auth sigv4", done.stderr)
        self.assertIn("--auth none", done.stderr)
        process = subprocess.Popen([harness.BATON, "serve", "--host", "0.0.0.0", "--port", "0",
                                    "--api-port", "0", "--data", data, "--auth", "none"],
                                   stderr=subprocess.PIPE, text=True)
        try:
            first = process.stderr.readline()
            self.assertIn("warning: --auth none on 0.0.0.0", first)
        finally:
            process.terminate()
            process.wait(10)
            process.stderr.close()
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main(verbosity=2)
