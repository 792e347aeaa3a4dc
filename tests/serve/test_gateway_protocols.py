"""One port, four protocols, with the real clients: SQS's SendMessage (the query protocol of
Debian's aws CLI and boto3, the JSON protocol of the current SDK for JavaScript v3), the
gateway's S3 probe (BATON_TEST_SERVICES=1) answering PutObject and GetObject (rest-xml, with
the SDK v3's default checksums); Lambda (rest-json) and Step Functions (json). Also: errors in each protocol's form, requests no API takes, the model's validation
of Lambda's CreateFunction, and the health check.

usage: python3 tests/serve/test_gateway_protocols.py PATH_TO_BATON
"""

import hashlib
import http.client
import json
import os
import subprocess
import unittest
import xml.etree.ElementTree as ET

import boto3
import botocore.exceptions
from botocore.config import Config

import harness
import test_functions as tf

os.environ["BATON_TEST_SERVICES"] = "1"
SDK = os.path.join(tf.ROOT, "sdk", "node")
JS_CLIENTS = os.path.join(harness.HERE, "js", "gateway_clients.js")
QUEUE = "/123456789012/probe"


def local_name(tag):
    return tag.split("}")[-1]


def find(element, name):
    """The first descendant called `name`, whatever its namespace."""
    for e in element.iter():
        if local_name(e.tag) == name:
            return e
    return None


class Gateway(tf.LambdaServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        sqs = boto3.session.Session().client("sqs", endpoint_url=cls.server.endpoint,
                                             region_name=harness.REGION)
        sqs.create_queue(QueueName="probe")

    def client(self, service, **config):
        return boto3.session.Session().client(
            service, endpoint_url=self.server.endpoint, region_name=harness.REGION,
            config=Config(retries={"max_attempts": 1}, **config))

    def aws(self, *args, check=True):
        done = subprocess.run([harness.aws_cli(), "--endpoint-url", self.server.endpoint,
                               "--output", "json", *args], capture_output=True, text=True,
                              timeout=60)
        if check and done.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed:\n{done.stderr}")
        return done if not check else (json.loads(done.stdout) if done.stdout.strip() else None)

    def http(self, method, target, body=b"", headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    # --- query (SQS, as Debian's clients speak it) ---

    def test_query_send_message_from_the_cli_with_attribute_digests(self):
        # The CLI checks both digests itself and fails the call when one is wrong.
        out = self.aws("sqs", "send-message", "--queue-url", self.server.endpoint + QUEUE,
                       "--message-body", "hello <&> world",
                       "--message-attributes",
                       json.dumps({"a": {"DataType": "String", "StringValue": "x"},
                                   "n": {"DataType": "Number.int", "StringValue": "7"},
                                   "b": {"DataType": "Binary", "BinaryValue": "AAEC/w=="}}))
        self.assertEqual(out["MD5OfMessageBody"], hashlib.md5(b"hello <&> world").hexdigest())
        self.assertEqual(len(out["MD5OfMessageAttributes"]), 32)
        self.assertRegex(out["MessageId"], r"^[0-9a-f-]{36}$")

    def test_query_send_message_from_boto3(self):
        sqs = self.client("sqs")
        self.assertNotIn("json", sqs.meta.service_model.protocol)
        out = sqs.send_message(QueueUrl=self.server.endpoint + QUEUE, MessageBody="from boto3",
                               MessageAttributes={"k": {"DataType": "String",
                                                        "StringValue": "v"}})
        self.assertEqual(out["MD5OfMessageBody"], hashlib.md5(b"from boto3").hexdigest())
        self.assertIn("MD5OfMessageAttributes", out)

    def test_query_errors_are_error_responses(self):
        sqs = self.client("sqs")
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            sqs.send_message(QueueUrl=self.server.endpoint + QUEUE, MessageBody="x",
                             DelaySeconds=-1)
        error = caught.exception.response["Error"]
        self.assertEqual(error["Code"], "InvalidParameterValue")
        self.assertEqual(error["Message"], "Value -1 for parameter DelaySeconds is invalid. "
                                           "Reason: DelaySeconds must be >= 0 and <= 900.")
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        # The document itself.
        status, headers, body = self.http(
            "POST", "/", b"Action=NoSuchAction&Version=2012-11-05",
            {"Content-Type": "application/x-www-form-urlencoded",
             "Authorization": "AWS4-HMAC-SHA256 Credential=baton/20261205/us-east-1/sqs/"
                              "aws4_request, SignedHeaders=host, Signature=00"})
        self.assertEqual(status, 400)
        root = ET.fromstring(body)
        self.assertEqual(local_name(root.tag), "ErrorResponse")
        self.assertEqual(find(root, "Code").text, "InvalidAction")
        self.assertEqual(find(root, "Type").text, "Sender")
        self.assertTrue(find(root, "RequestId").text)

    def test_query_response_document(self):
        status, headers, body = self.http(
            "POST", "/", ("Action=SendMessage&Version=2012-11-05&QueueUrl=" +
                          "http%3A%2F%2Fany-host%2F123456789012%2Fprobe&MessageBody=caf%C3%A9+%2B+tea").encode(),
            {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 200, body)
        root = ET.fromstring(body)
        self.assertEqual(local_name(root.tag), "SendMessageResponse")
        self.assertEqual(find(root, "MD5OfMessageBody").text,
                         hashlib.md5("café + tea".encode()).hexdigest())
        self.assertTrue(find(find(root, "ResponseMetadata"), "RequestId").text)

    # --- json (SQS as the SDK v3 speaks it), rest-xml (S3 with default checksums) ---

    def test_current_sdk_for_javascript(self):
        env = dict(os.environ, NODE_PATH=os.path.join(SDK, "node_modules"),
                   NODE_NO_WARNINGS="1")
        done = subprocess.run(["node", JS_CLIENTS, self.server.endpoint], capture_output=True,
                              text=True, timeout=120, env=env)
        self.assertEqual(done.returncode, 0, done.stderr)
        out = json.loads(done.stdout)
        send = out["send"]["ok"]
        self.assertEqual(send["MD5OfMessageBody"],
                         hashlib.md5("héllo from the SDK v3".encode()).hexdigest())
        self.assertEqual(len(send["MD5OfMessageAttributes"]), 32)
        # The JSON protocol's errors, named through x-amzn-query-error as the SDK reads them.
        self.assertEqual(out["sendMissing"]["error"]["name"], "InvalidParameterValue")
        self.assertIn("messageBody", out["sendMissing"]["error"]["message"])
        self.assertEqual(out["sendMissing"]["error"]["status"], 400)
        self.assertEqual(out["sendBadType"]["error"]["name"], "InvalidParameterValue")
        put = out["put"]["ok"]
        self.assertTrue(put["ChecksumCRC32"])
        self.assertEqual(put["ETag"], '"' + hashlib.md5(
            ("a body of " * 2000 + "bytes").encode()).hexdigest() + '"')
        # A streamed body goes aws-chunked, its CRC32 in a trailer.
        self.assertEqual(out["putStream"]["ok"]["ChecksumCRC32"], out["getStream"]["ok"]
                         ["ChecksumCRC32"])
        self.assertTrue(out["getStream"]["ok"]["same"])
        get = out["get"]["ok"]
        self.assertEqual((get["same"], get["ContentType"], get["Metadata"]),
                         (True, "text/plain", {"owner": "sdk"}))
        self.assertEqual(get["ChecksumCRC32"], put["ChecksumCRC32"])
        self.assertEqual((out["missing"]["error"]["name"], out["missing"]["error"]["status"]),
                         ("NoSuchKey", 404))

    def test_json_errors_carry_the_query_error_header(self):
        status, headers, body = self.http(
            "POST", "/", json.dumps({"QueueUrl": "http://x/1/q"}).encode(),
            {"Content-Type": "application/x-amz-json-1.0",
             "X-Amz-Target": "AmazonSQS.SendMessage"})
        self.assertEqual(status, 400)
        self.assertEqual(headers["x-amzn-query-error"], "InvalidParameterValue;Sender")
        self.assertEqual(json.loads(body)["__type"], "InvalidParameterValue")

    def test_rest_xml_from_the_cli(self):
        path = os.path.join(self.scratch, "object.bin")
        data = bytes(range(256)) * 40
        with open(path, "wb") as f:
            f.write(data)
        put = self.aws("s3api", "put-object", "--bucket", "cli", "--key", "a/b c/d.bin",
                       "--body", path, "--metadata", "who=cli", "--content-type",
                       "application/x-thing")
        self.assertEqual(put["ETag"], '"' + hashlib.md5(data).hexdigest() + '"')
        out_path = os.path.join(self.scratch, "back.bin")
        got = self.aws("s3api", "get-object", "--bucket", "cli", "--key", "a/b c/d.bin", out_path)
        with open(out_path, "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertEqual((got["ContentType"], got["Metadata"], got["ContentLength"]),
                         ("application/x-thing", {"who": "cli"}, len(data)))
        done = self.aws("s3", "cp", path, "s3://cli/copied.bin", check=False)
        self.assertEqual(done.returncode, 0, done.stderr)

    def test_rest_xml_errors(self):
        s3 = self.client("s3", s3={"addressing_style": "path"})
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            s3.get_object(Bucket="probe", Key="never/written")
        response = caught.exception.response
        self.assertEqual((response["Error"]["Code"], response["Error"]["Key"]),
                         ("NoSuchKey", "never/written"))
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 404)
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            s3.put_object(Bucket="probe", Key="k", Body=b"abc",
                          ContentMD5="ISbc4JkzCWWt1ewbnlqT4g==")
        self.assertEqual(caught.exception.response["Error"]["Code"], "BadDigest")
        # An operation the probe does not implement.
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            s3.delete_object(Bucket="probe", Key="k")
        self.assertEqual(caught.exception.response["Error"]["Code"], "UnknownOperationException")

    # --- rest-json (Lambda): the model's checks, in Lambda's words ---

    def lambda_error(self, **kwargs):
        request = {"FunctionName": "checked", "Runtime": "python3.12", "Handler": "a.handler",
                   "Role": tf.LAMBDA_ROLE, "Code": {"ZipFile": tf.zip_bytes({"a.py": "x=1"})}}
        request.update(kwargs)
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            self.lam.create_function(**request)
        response = caught.exception.response
        return (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"],
                response["Error"]["Message"])

    def test_lambda_create_function_is_checked_against_the_model(self):
        code, status, message = self.lambda_error(FunctionName="bad name!")
        self.assertEqual((code, status), ("ValidationException", 400))
        self.assertIn("Value 'bad name!' at 'functionName' failed to satisfy constraint: Member "
                      "must satisfy regular expression pattern", message)
        code, status, message = self.lambda_error(Timeout=99999)
        self.assertEqual((code, status), ("ValidationException", 400))
        self.assertIn("Value '99999' at 'timeout' failed to satisfy constraint: Member must have "
                      "value less than or equal to 900", message)
        code, status, message = self.lambda_error(Role="nope")
        self.assertEqual((code, status), ("ValidationException", 400))
        self.assertIn("at 'role' failed to satisfy constraint", message)
        code, status, message = self.lambda_error(Runtime="cobol85")
        self.assertEqual((code, status), ("InvalidParameterValueException", 400))
        code, status, message = self.lambda_error(Code={"ZipFile": b"not a zip at all"})
        self.assertEqual((code, status), ("InvalidParameterValueException", 400))

    # --- what no API takes ---

    def test_requests_no_api_takes(self):
        status, headers, body = self.http("POST", "/", b"{}",
                                          {"Content-Type": "application/x-amz-json-1.0",
                                           "X-Amz-Target": "DynamoDB_20120810.ListTables"})
        self.assertEqual((status, json.loads(body)["__type"]), (400, "UnknownOperationException"))
        status, headers, body = self.http("POST", "/", b"{}",
                                          {"Content-Type": "application/x-amz-json-1.0",
                                           "X-Amz-Target": "AWSStepFunctions.NoSuchThing"})
        self.assertEqual((status, json.loads(body)["__type"]), (400, "UnknownOperationException"))
        status, headers, body = self.http("GET", "/no/such/path")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["__type"], "UnknownOperationException")

    def test_health(self):
        status, headers, body = self.http("GET", "/_baton/health")
        self.assertEqual(status, 200)
        health = json.loads(body)
        self.assertEqual(health["status"], "ok")
        self.assertRegex(health["version"], r"^\d+\.\d+\.\d+")
        self.assertGreaterEqual(health["uptimeSeconds"], 0)
        self.assertTrue(health["store"]["location"].startswith("sqlite:"))
        self.assertTrue(health["store"]["writable"])
        services = {s["name"]: s["protocol"] for s in health["services"]}
        self.assertEqual(services, {"states": "json", "lambda": "rest-json", "sqs": "json",
                                    "s3": "rest-xml",
                                    "sns": "query", "events": "json",
                                    "scheduler": "rest-json",
                                    "apigatewayv2": "rest-json", "apigateway": "rest-json"})


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main(verbosity=2)
