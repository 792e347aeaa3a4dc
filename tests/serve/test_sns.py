"""SNS through the real clients (boto3 and Debian's aws CLI, SNS's query protocol) against
`baton serve`: topics and subscriptions with AWS's errors, Publish and PublishBatch, delivery
to queues (the envelope, its signature checked with the served certificate, raw delivery,
filter policies, FIFO order and deduplication), to an HTTP endpoint served by this test
(SubscriptionConfirmation, the SubscribeURL, notifications, retries by the delivery policy, the
dead-letter queue), and topics and subscriptions kept across a restart.

usage: python3 tests/serve/test_sns.py PATH_TO_BATON
"""

import base64
import http.server
import json
import os
import subprocess
import threading
import unittest
import urllib.error
import urllib.parse
import urllib.request

import boto3
import botocore.exceptions
from botocore.config import Config
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

import harness
import test_functions as tf

REGION = harness.REGION
ACCOUNT = harness.ACCOUNT
SDK = os.path.join(harness.HERE, "..", "..", "sdk", "node")
JS_CLIENTS = os.path.join(harness.HERE, "js", "sns_clients.js")


def topic_arn(name):
    return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"


def string_to_sign(m):
    """The canonical string AWS documents for verifying an SNS message's signature."""
    if m["Type"] == "Notification":
        keys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        keys = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    return "".join(f"{k}\n{m[k]}\n" for k in keys if k in m and m[k] is not None).encode()


def verify_signature(message):
    """Fetches the SigningCertURL and checks Signature as a subscriber does; raises if bad."""
    with urllib.request.urlopen(message["SigningCertURL"], timeout=10) as r:
        certificate = x509.load_pem_x509_certificate(r.read())
    digest = hashes.SHA1() if message["SignatureVersion"] == "1" else hashes.SHA256()
    certificate.public_key().verify(base64.b64decode(message["Signature"]),
                                    string_to_sign(message), padding.PKCS1v15(), digest)


class Endpoint:
    """An HTTP subscriber on 127.0.0.1: records every POST; answers each path's next status
    from `plans[path]` (200 once the plan is used up)."""

    def __init__(self):
        self.received = []
        self.plans = {}
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                with outer.lock:
                    outer.received.append({"path": self.path, "headers": dict(self.headers),
                                           "body": body})
                    plan = outer.plans.get(self.path, [])
                    status = plan.pop(0) if plan else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def posts(self, path, kind=None):
        with self.lock:
            return [r for r in self.received if r["path"] == path and
                    (kind is None or r["headers"].get("x-amz-sns-message-type") == kind)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SnsTest(tf.LambdaServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sns = cls.client("sns")
        cls.sqs = cls.client("sqs")
        cls.endpoint = Endpoint()

    @classmethod
    def tearDownClass(cls):
        cls.endpoint.close()
        super().tearDownClass()

    @classmethod
    def client(cls, service):
        return boto3.session.Session().client(
            service, endpoint_url=cls.server.endpoint, region_name=REGION,
            config=Config(retries={"max_attempts": 1}))

    def aws(self, *args, check=True):
        done = subprocess.run([harness.aws_cli(), "--endpoint-url", self.server.endpoint,
                               "--output", "json", *args], capture_output=True, text=True,
                              timeout=60)
        if not check:
            return done
        if done.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed:\n{done.stderr}")
        return json.loads(done.stdout) if done.stdout.strip() else None

    def sns_error(self, code, call, status=400, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        response = caught.exception.response
        self.assertEqual(response["Error"]["Code"], code, response["Error"].get("Message"))
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status)
        return response["Error"]["Message"]

    # --- queues, for delivery ---

    def queue(self, name, **attributes):
        url = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        return url, arn

    def receive(self, url, count=1, timeout=10):
        got = []

        def enough():
            r = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                         MessageAttributeNames=["All"], WaitTimeSeconds=1)
            for m in r.get("Messages", []):
                got.append(m)
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            return len(got) >= count
        harness.wait_for(enough, timeout, what=f"{count} messages in {url}")
        return got

    def empty(self, url):
        r = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        return r.get("Messages", []) == []

    # --- topics ---

    def test_create_topic_is_idempotent_and_listed(self):
        arn = self.sns.create_topic(Name="orders")["TopicArn"]
        self.assertEqual(arn, topic_arn("orders"))
        self.assertEqual(self.sns.create_topic(Name="orders")["TopicArn"], arn)
        listed = [t["TopicArn"] for t in self.sns.list_topics()["Topics"]]
        self.assertIn(arn, listed)
        a = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual(a["TopicArn"], arn)
        self.assertEqual(a["Owner"], ACCOUNT)
        self.assertEqual((a["SubscriptionsConfirmed"], a["SubscriptionsPending"],
                          a["SubscriptionsDeleted"]), ("0", "0", "0"))
        policy = json.loads(a["Policy"])
        self.assertEqual(policy["Statement"][0]["Resource"], arn)
        effective = json.loads(a["EffectiveDeliveryPolicy"])
        self.assertEqual(effective["http"]["defaultHealthyRetryPolicy"]["numRetries"], 3)
        self.assertEqual(effective["http"]["defaultHealthyRetryPolicy"]["minDelayTarget"], 20)

    def test_topic_attributes_are_set_and_checked(self):
        arn = self.sns.create_topic(Name="attributes",
                                    Attributes={"DisplayName": "Shown"})["TopicArn"]
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="SignatureVersion",
                                      AttributeValue="2")
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="TracingConfig",
                                      AttributeValue="Active")
        a = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual((a["DisplayName"], a["SignatureVersion"], a["TracingConfig"]),
                         ("Shown", "2", "Active"))
        message = self.sns_error("InvalidParameter", self.sns.set_topic_attributes,
                                 TopicArn=arn, AttributeName="SignatureVersion",
                                 AttributeValue="3")
        self.assertEqual(message, "Invalid parameter: SignatureVersion")
        message = self.sns_error("InvalidParameter", self.sns.set_topic_attributes,
                                 TopicArn=arn, AttributeName="Colour", AttributeValue="x")
        self.assertEqual(message, "Invalid parameter: AttributeName")
        message = self.sns_error("InvalidParameter", self.sns.create_topic, Name="attributes",
                                 Attributes={"DisplayName": "Other"})
        self.assertEqual(message, "Invalid parameter: Attributes Reason: Topic already exists "
                                  "with different attributes")

    def test_topic_errors(self):
        message = self.sns_error("InvalidParameter", self.sns.create_topic, Name="bad name")
        self.assertEqual(message, "Invalid parameter: Topic Name")
        message = self.sns_error("InvalidParameter", self.sns.create_topic, Name="plain",
                                 Attributes={"FifoTopic": "true"})
        self.assertTrue(message.startswith("Invalid parameter: Fifo Topic names must end with "
                                           ".fifo"), message)
        message = self.sns_error("NotFound", self.sns.get_topic_attributes, status=404,
                                 TopicArn=topic_arn("missing"))
        self.assertEqual(message, "Topic does not exist")
        message = self.sns_error("InvalidParameter", self.sns.get_topic_attributes,
                                 TopicArn="not-an-arn")
        self.assertEqual(message, "Invalid parameter: TopicArn")
        message = self.sns_error("NotFound", self.sns.publish, status=404,
                                 TopicArn=topic_arn("missing"), Message="x")
        self.assertEqual(message, "Topic does not exist")

    def test_delete_topic_removes_it_and_its_subscriptions(self):
        arn = self.sns.create_topic(Name="deleted")["TopicArn"]
        self.sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="a@example.com")
        self.sns.delete_topic(TopicArn=arn)
        self.sns_error("NotFound", self.sns.get_topic_attributes, status=404, TopicArn=arn)
        self.assertNotIn(arn, [s["TopicArn"] for s in
                               self.sns.list_subscriptions()["Subscriptions"]])
        self.sns.delete_topic(TopicArn=arn)  # again: still succeeds, as on AWS

    def test_list_topics_pages_by_100(self):
        for i in range(105):
            self.sns.create_topic(Name=f"page-{i:03}")
        seen = []
        first = self.sns.list_topics()
        self.assertEqual(len(first["Topics"]), 100)
        self.assertIn("NextToken", first)
        seen += [t["TopicArn"] for t in first["Topics"]]
        token = first["NextToken"]
        while token:
            page = self.sns.list_topics(NextToken=token)
            seen += [t["TopicArn"] for t in page["Topics"]]
            token = page.get("NextToken")
        self.assertEqual(len(seen), len(set(seen)))
        for i in range(105):
            self.assertIn(topic_arn(f"page-{i:03}"), seen)

    def test_tags(self):
        arn = self.sns.create_topic(Name="tagged", Tags=[{"Key": "team", "Value": "a"}])[
            "TopicArn"]
        self.sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}])
        tags = {t["Key"]: t["Value"] for t in
                self.sns.list_tags_for_resource(ResourceArn=arn)["Tags"]}
        self.assertEqual(tags, {"team": "a", "env": "dev"})
        self.sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
        tags = {t["Key"]: t["Value"] for t in
                self.sns.list_tags_for_resource(ResourceArn=arn)["Tags"]}
        self.assertEqual(tags, {"env": "dev"})
        self.sns_error("ResourceNotFound", self.sns.list_tags_for_resource, status=404,
                       ResourceArn=topic_arn("nothing"))
        message = self.sns_error("InvalidParameter", self.sns.create_topic, Name="tagged",
                                 Tags=[{"Key": "team", "Value": "b"}])
        self.assertEqual(message,
                         "Invalid parameter: Tags Reason: Topic already exists with different tags")

    def test_aws_cli_speaks_to_sns(self):
        arn = self.aws("sns", "create-topic", "--name", "from-cli")["TopicArn"]
        self.assertEqual(arn, topic_arn("from-cli"))
        out = self.aws("sns", "publish", "--topic-arn", arn, "--message", "hello",
                       "--message-attributes",
                       '{"colour": {"DataType": "String", "StringValue": "blue"}}')
        self.assertRegex(out["MessageId"], r"^[0-9a-f-]{36}$")
        done = self.aws("sns", "get-topic-attributes", "--topic-arn", topic_arn("nope"),
                        check=False)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("NotFound", done.stderr)
        self.assertIn("Topic does not exist", done.stderr)
        self.aws("sns", "delete-topic", "--topic-arn", arn)

    def test_javascript_sdk_v3(self):
        env = dict(os.environ, NODE_PATH=os.path.join(SDK, "node_modules"))
        done = subprocess.run(["node", JS_CLIENTS, self.server.endpoint], capture_output=True,
                              text=True, timeout=60, env=env)
        self.assertEqual(done.returncode, 0, done.stderr)
        out = json.loads(done.stdout)
        arn = topic_arn("from-js")
        self.assertEqual(out["create"], {"ok": arn})
        self.assertEqual(out["attributes"]["ok"]["DisplayName"], "JS")
        self.assertTrue(out["subscribe"]["ok"].startswith(arn + ":"))
        self.assertEqual([s["SubscriptionArn"] for s in out["subscriptions"]["ok"]],
                         ["PendingConfirmation"])
        self.assertRegex(out["publish"]["ok"], r"^[0-9a-f-]{36}$")
        self.assertEqual(out["batch"]["ok"]["successful"], ["one"])
        self.assertEqual(out["batch"]["ok"]["failed"][0]["Code"], "InvalidParameter")
        self.assertEqual(out["missing"]["error"],
                         {"name": "NotFoundException", "message": "Topic does not exist",
                          "status": 404})
        self.assertEqual(out["delete"], {"ok": True})

    # --- subscriptions ---

    def test_subscription_lifecycle_and_attributes(self):
        arn = self.sns.create_topic(Name="subs")["TopicArn"]
        pending = self.sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="me@example.com")
        self.assertEqual(pending["SubscriptionArn"], "pending confirmation")
        listed = self.sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
        self.assertEqual([(s["SubscriptionArn"], s["Protocol"], s["Endpoint"]) for s in listed],
                         [("PendingConfirmation", "email", "me@example.com")])
        shown = self.sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="me@example.com",
                                   ReturnSubscriptionArn=True)["SubscriptionArn"]
        self.assertTrue(shown.startswith(arn + ":"), shown)
        sms = self.sns.subscribe(TopicArn=arn, Protocol="sms", Endpoint="+15555550100")[
            "SubscriptionArn"]
        a = self.sns.get_subscription_attributes(SubscriptionArn=sms)["Attributes"]
        self.assertEqual((a["Protocol"], a["Endpoint"], a["TopicArn"], a["PendingConfirmation"],
                          a["RawMessageDelivery"], a["Owner"]),
                         ("sms", "+15555550100", arn, "false", "false", ACCOUNT))
        t = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual((t["SubscriptionsConfirmed"], t["SubscriptionsPending"]), ("1", "1"))
        self.sns.set_subscription_attributes(
            SubscriptionArn=sms, AttributeName="FilterPolicy",
            AttributeValue=json.dumps({"colour": ["blue"]}))
        a = self.sns.get_subscription_attributes(SubscriptionArn=sms)["Attributes"]
        self.assertEqual(json.loads(a["FilterPolicy"]), {"colour": ["blue"]})
        self.assertEqual(a["FilterPolicyScope"], "MessageAttributes")
        self.sns.unsubscribe(SubscriptionArn=sms)
        message = self.sns_error("NotFound", self.sns.get_subscription_attributes, status=404,
                                 SubscriptionArn=sms)
        self.assertEqual(message, "Subscription does not exist")
        t = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual(t["SubscriptionsDeleted"], "1")

    def test_subscribe_errors(self):
        arn = self.sns.create_topic(Name="sub-errors")["TopicArn"]
        message = self.sns_error("InvalidParameter", self.sns.subscribe, TopicArn=arn,
                                 Protocol="carrier-pigeon", Endpoint="x")
        self.assertEqual(message, "Invalid parameter: Amazon SNS does not support this "
                                  "protocol string: carrier-pigeon")
        message = self.sns_error("InvalidParameter", self.sns.subscribe, TopicArn=arn,
                                 Protocol="sqs", Endpoint="not-an-arn")
        self.assertEqual(message, "Invalid parameter: SQS endpoint ARN")
        message = self.sns_error("InvalidParameter", self.sns.subscribe, TopicArn=arn,
                                 Protocol="https", Endpoint="http://example.com")
        self.assertEqual(message, "Invalid parameter: Endpoint must match the specified protocol")
        message = self.sns_error(
            "InvalidParameter", self.sns.subscribe, TopicArn=arn, Protocol="sqs",
            Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:q",
            Attributes={"FilterPolicy": json.dumps({"colour": "blue"})})
        self.assertTrue(message.startswith("Invalid parameter: Attributes Reason: FilterPolicy: "),
                        message)
        message = self.sns_error(
            "InvalidParameter", self.sns.subscribe, TopicArn=arn, Protocol="lambda",
            Endpoint=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f",
            Attributes={"RawMessageDelivery": "true"})
        self.assertEqual(message, "Invalid parameter: Attributes Reason: Delivery protocol "
                                  "[lambda] does not support raw message delivery.")
        first = self.sns.subscribe(TopicArn=arn, Protocol="sqs",
                                   Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:same")
        again = self.sns.subscribe(TopicArn=arn, Protocol="sqs",
                                   Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:same")
        self.assertEqual(first["SubscriptionArn"], again["SubscriptionArn"])
        message = self.sns_error("InvalidParameter", self.sns.confirm_subscription, TopicArn=arn,
                                 Token="0123")
        self.assertEqual(message, "Invalid parameter: Token")

    # --- publish errors ---

    def test_publish_errors(self):
        arn = self.sns.create_topic(Name="publish-errors")["TopicArn"]
        message = self.sns_error("InvalidParameter", self.sns.publish, TopicArn=arn, Message="")
        self.assertEqual(message, "Invalid parameter: Empty message")
        message = self.sns_error("InvalidParameter", self.sns.publish, TopicArn=arn,
                                 Message="x" * (256 * 1024 + 1))
        self.assertEqual(message, "Invalid parameter: Message too long")
        message = self.sns_error("InvalidParameter", self.sns.publish, TopicArn=arn,
                                 Message=json.dumps({"sqs": "x"}), MessageStructure="json")
        self.assertEqual(message, "Invalid parameter: Message Structure - No default entry in "
                                  "JSON message body")
        message = self.sns_error("InvalidParameter", self.sns.publish, TopicArn=arn,
                                 Message="not json", MessageStructure="json")
        self.assertEqual(message, "Invalid parameter: Message Structure - JSON message body "
                                  "failed to parse")
        message = self.sns_error(
            "ParameterValueInvalid", self.sns.publish, TopicArn=arn, Message="x",
            MessageAttributes={"n": {"DataType": "Number", "StringValue": "twelve"}})
        self.assertEqual(message, "Could not cast message attribute 'n' value to number.")
        message = self.sns_error(
            "ParameterValueInvalid", self.sns.publish, TopicArn=arn, Message="x",
            MessageAttributes={"t": {"DataType": "Colour", "StringValue": "blue"}})
        self.assertEqual(message, "The message attribute 't' has an invalid message attribute "
                                  "type, the set of supported type prefixes is Binary, Number, "
                                  "and String.")
        message = self.sns_error("InvalidParameter", self.sns.publish, TopicArn=arn,
                                 Message="x", MessageDeduplicationId="d")
        self.assertIn("MessageDeduplicationId", message)
        fifo = self.sns.create_topic(Name="errors.fifo", Attributes={"FifoTopic": "true"})[
            "TopicArn"]
        message = self.sns_error("InvalidParameter", self.sns.publish, TopicArn=fifo,
                                 Message="x", MessageDeduplicationId="d")
        self.assertEqual(message, "Invalid parameter: The MessageGroupId parameter is required "
                                  "for FIFO topics")
        message = self.sns_error("InvalidParameter", self.sns.publish, TopicArn=fifo,
                                 Message="x", MessageGroupId="g")
        self.assertEqual(message, "Invalid parameter: The topic should either have "
                                  "ContentBasedDeduplication enabled or MessageDeduplicationId "
                                  "provided explicitly")

    def test_publish_batch_errors(self):
        arn = self.sns.create_topic(Name="batch-errors")["TopicArn"]
        entry = {"Id": "a", "Message": "x"}
        self.sns_error("TooManyEntriesInBatchRequest", self.sns.publish_batch, TopicArn=arn,
                       PublishBatchRequestEntries=[dict(entry, Id=f"e{i}") for i in range(11)])
        self.sns_error("BatchEntryIdsNotDistinct", self.sns.publish_batch, TopicArn=arn,
                       PublishBatchRequestEntries=[entry, entry])
        self.sns_error("InvalidBatchEntryId", self.sns.publish_batch, TopicArn=arn,
                       PublishBatchRequestEntries=[dict(entry, Id="no spaces")])
        r = self.sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
            {"Id": "good", "Message": "x"}, {"Id": "bad", "Message": ""}])
        self.assertEqual([s["Id"] for s in r["Successful"]], ["good"])
        self.assertEqual([(f["Id"], f["Code"], f["Message"], f["SenderFault"])
                          for f in r["Failed"]],
                         [("bad", "InvalidParameter", "Invalid parameter: Empty message", True)])

    # --- delivery to queues ---

    def test_queue_gets_the_signed_envelope(self):
        arn = self.sns.create_topic(Name="to-queue")["TopicArn"]
        url, queue = self.queue("envelope")
        sub = self.sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
        self.assertTrue(sub.startswith(arn + ":"))
        published = self.sns.publish(
            TopicArn=arn, Message="hello queue", Subject="Greeting",
            MessageAttributes={"colour": {"DataType": "String", "StringValue": "blue"},
                               "count": {"DataType": "Number", "StringValue": "3"},
                               "bytes": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
                               "list": {"DataType": "String.Array",
                                        "StringValue": '["a", 1]'}})
        body = self.receive(url)[0]["Body"]
        self.assertTrue(body.startswith('{\n  "Type" : "Notification",\n  "MessageId" : '), body)
        n = json.loads(body)
        self.assertEqual(list(n), ["Type", "MessageId", "TopicArn", "Subject", "Message",
                                   "Timestamp", "SignatureVersion", "Signature",
                                   "SigningCertURL", "UnsubscribeURL", "MessageAttributes"])
        self.assertEqual((n["MessageId"], n["TopicArn"], n["Subject"], n["Message"],
                          n["SignatureVersion"]),
                         (published["MessageId"], arn, "Greeting", "hello queue", "1"))
        self.assertRegex(n["Timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(n["MessageAttributes"], {
            "colour": {"Type": "String", "Value": "blue"},
            "count": {"Type": "Number", "Value": "3"},
            "bytes": {"Type": "Binary", "Value": base64.b64encode(b"\x00\x01").decode()},
            "list": {"Type": "String.Array", "Value": '["a", 1]'}})
        verify_signature(n)
        # A tampered message fails the same check.
        with self.assertRaises(Exception):
            verify_signature(dict(n, Message="tampered"))
        # SignatureVersion 2: SHA256withRSA.
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="SignatureVersion",
                                      AttributeValue="2")
        self.sns.publish(TopicArn=arn, Message="second")
        n = json.loads(self.receive(url)[0]["Body"])
        self.assertEqual(n["SignatureVersion"], "2")
        self.assertNotIn("Subject", n)
        self.assertNotIn("MessageAttributes", n)
        verify_signature(n)
        # The UnsubscribeURL, followed unsigned, unsubscribes.
        with urllib.request.urlopen(n["UnsubscribeURL"], timeout=10) as r:
            self.assertEqual(r.status, 200)
        self.sns_error("NotFound", self.sns.get_subscription_attributes, status=404,
                       SubscriptionArn=sub)
        self.sns.publish(TopicArn=arn, Message="after")
        self.assertTrue(self.empty(url))

    def test_raw_delivery_and_message_structure(self):
        arn = self.sns.create_topic(Name="raw")["TopicArn"]
        raw_url, raw_queue = self.queue("raw")
        plain_url, plain_queue = self.queue("per-protocol")
        self.sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=raw_queue,
                           Attributes={"RawMessageDelivery": "true"})
        self.sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=plain_queue)
        self.sns.publish(TopicArn=arn, Message="just the body", MessageAttributes={
            "colour": {"DataType": "String", "StringValue": "blue"},
            "bytes": {"DataType": "Binary", "BinaryValue": b"\x02"}})
        m = self.receive(raw_url)[0]
        self.assertEqual(m["Body"], "just the body")
        self.assertEqual(m["MessageAttributes"]["colour"],
                         {"DataType": "String", "StringValue": "blue"})
        self.assertEqual(m["MessageAttributes"]["bytes"],
                         {"DataType": "Binary", "BinaryValue": b"\x02"})
        self.receive(plain_url)
        self.sns.publish(TopicArn=arn, MessageStructure="json", Message=json.dumps(
            {"default": "for everyone", "sqs": "for queues"}))
        self.assertEqual(self.receive(raw_url)[0]["Body"], "for queues")
        self.assertEqual(json.loads(self.receive(plain_url)[0]["Body"])["Message"], "for queues")

    def test_filter_policies_on_attributes_and_body(self):
        arn = self.sns.create_topic(Name="filtered")["TopicArn"]
        blue_url, blue_queue = self.queue("blue")
        big_url, big_queue = self.queue("big-orders")
        self.sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=blue_queue, Attributes={
            "RawMessageDelivery": "true",
            "FilterPolicy": json.dumps({"colour": ["blue"], "size": [{"numeric": [">", 10]}]})})
        self.sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=big_queue, Attributes={
            "RawMessageDelivery": "true", "FilterPolicyScope": "MessageBody",
            "FilterPolicy": json.dumps({"order": {"total": [{"numeric": [">=", 100]}]}})})

        def publish(message, **attributes):
            self.sns.publish(TopicArn=arn, Message=message, MessageAttributes={
                k: {"DataType": "Number" if isinstance(v, int) else "String",
                    "StringValue": str(v)} for k, v in attributes.items()})
        publish("red", colour="red", size=20)
        publish("small blue", colour="blue", size=5)
        publish("big blue", colour="blue", size=20)
        publish(json.dumps({"order": {"total": 50}}))
        publish(json.dumps({"order": {"total": 150}}))
        publish("not json")
        self.assertEqual([m["Body"] for m in self.receive(blue_url)], ["big blue"])
        self.assertEqual([json.loads(m["Body"]) for m in self.receive(big_url)],
                         [{"order": {"total": 150}}])
        self.assertTrue(self.empty(blue_url))
        self.assertTrue(self.empty(big_url))

    def test_fifo_topic_keeps_group_order_and_deduplicates(self):
        arn = self.sns.create_topic(Name="orders.fifo", Attributes={
            "FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
        a = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual((a["FifoTopic"], a["ContentBasedDeduplication"]), ("true", "true"))
        url, queue = self.queue("orders.fifo", FifoQueue="true")
        _, standard = self.queue("standard-for-fifo")
        message = self.sns_error("InvalidParameter", self.sns.subscribe, TopicArn=arn,
                                 Protocol="sqs", Endpoint=standard)
        self.assertIn("FIFO", message)
        self.sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue,
                           Attributes={"RawMessageDelivery": "true"})
        answers = [self.sns.publish(TopicArn=arn, Message=f"m{i}", MessageGroupId="g")
                   for i in range(5)]
        numbers = [int(r["SequenceNumber"]) for r in answers]
        self.assertEqual(numbers, sorted(numbers))
        self.assertEqual(len(set(numbers)), 5)
        # The same content within five minutes: accepted with the same id, delivered once.
        again = self.sns.publish(TopicArn=arn, Message="m0", MessageGroupId="g")
        self.assertEqual(again["MessageId"], answers[0]["MessageId"])
        r = self.sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
            {"Id": "x", "Message": "m5", "MessageGroupId": "g"},
            {"Id": "y", "Message": "m6", "MessageGroupId": "g", "MessageDeduplicationId": "d6"}])
        self.assertEqual([s["Id"] for s in r["Successful"]], ["x", "y"])
        got = []

        def seven():
            out = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                           AttributeNames=["All"], WaitTimeSeconds=1)
            for m in out.get("Messages", []):
                got.append(m)
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            return len(got) >= 7
        harness.wait_for(seven, 10, what="seven messages")
        self.assertEqual([m["Body"] for m in got], [f"m{i}" for i in range(7)])
        self.assertEqual({m["Attributes"]["MessageGroupId"] for m in got}, {"g"})
        self.assertTrue(self.empty(url))

    def test_publish_batch_fans_out_every_entry(self):
        arn = self.sns.create_topic(Name="batch")["TopicArn"]
        url, queue = self.queue("batch")
        self.sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue,
                           Attributes={"RawMessageDelivery": "true"})
        r = self.sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
            {"Id": str(i), "Message": f"entry {i}"} for i in range(10)])
        self.assertEqual(sorted(s["Id"] for s in r["Successful"]), [str(i) for i in range(10)])
        bodies = sorted(m["Body"] for m in self.receive(url, 10))
        self.assertEqual(bodies, sorted(f"entry {i}" for i in range(10)))

    def test_missing_queue_sends_to_the_dead_letter_queue(self):
        arn = self.sns.create_topic(Name="to-dlq")["TopicArn"]
        dlq_url, dlq = self.queue("sns-dlq")
        gone = f"arn:aws:sqs:{REGION}:{ACCOUNT}:never-made"
        self.sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=gone, Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq})})
        self.sns.publish(TopicArn=arn, Message="lost")
        n = json.loads(self.receive(dlq_url)[0]["Body"])
        self.assertEqual((n["Type"], n["Message"]), ("Notification", "lost"))

    def test_exhausted_http_retries_go_to_the_dead_letter_queue(self):
        arn = self.sns.create_topic(Name="http-dlq")["TopicArn"]
        dlq_url, dlq = self.queue("http-dlq")
        policy = {"healthyRetryPolicy": {"numRetries": 2, "minDelayTarget": 1,
                                         "maxDelayTarget": 1}}
        self.sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=self.endpoint.url("/down"),
                           Attributes={"DeliveryPolicy": json.dumps(policy),
                                       "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq})})
        token = json.loads(harness.wait_for(
            lambda: self.endpoint.posts("/down", "SubscriptionConfirmation"))[0]["body"])["Token"]
        self.sns.confirm_subscription(TopicArn=arn, Token=token)
        self.endpoint.plans["/down"] = [500, 500, 500]
        self.sns.publish(TopicArn=arn, Message="undeliverable")
        n = json.loads(self.receive(dlq_url, timeout=15)[0]["Body"])
        self.assertEqual(n["Message"], "undeliverable")
        self.assertEqual(len(self.endpoint.posts("/down", "Notification")), 3)

    # --- HTTP endpoints ---

    def test_http_subscriber_confirms_then_receives_signed_notifications(self):
        arn = self.sns.create_topic(Name="http-topic")["TopicArn"]
        url = self.endpoint.url("/hook")
        self.assertEqual(self.sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=url)[
            "SubscriptionArn"], "pending confirmation")
        posts = harness.wait_for(lambda: self.endpoint.posts("/hook", "SubscriptionConfirmation"),
                                 what="the SubscriptionConfirmation")
        post = posts[0]
        confirmation = json.loads(post["body"])
        self.assertEqual(post["headers"]["x-amz-sns-topic-arn"], arn)
        self.assertEqual(post["headers"]["x-amz-sns-message-id"], confirmation["MessageId"])
        self.assertEqual(post["headers"]["Content-Type"], "text/plain; charset=UTF-8")
        self.assertEqual((confirmation["Type"], confirmation["TopicArn"]),
                         ("SubscriptionConfirmation", arn))
        self.assertIn("Token", confirmation)
        verify_signature(confirmation)
        # Following the SubscribeURL, unsigned, as a subscriber does, confirms it.
        with urllib.request.urlopen(confirmation["SubscribeURL"], timeout=10) as r:
            body = r.read().decode()
        self.assertIn("<SubscriptionArn>" + arn + ":", body)
        listed = self.sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
        self.assertTrue(listed[0]["SubscriptionArn"].startswith(arn + ":"))
        sub = listed[0]["SubscriptionArn"]
        self.sns.publish(TopicArn=arn, Message="to the hook", Subject="Greeting",
                         MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
        posts = harness.wait_for(lambda: self.endpoint.posts("/hook", "Notification"),
                                 what="the Notification")
        post = posts[0]
        n = json.loads(post["body"])
        self.assertEqual(post["headers"]["x-amz-sns-subscription-arn"], sub)
        self.assertEqual((n["Type"], n["Message"], n["Subject"], n["TopicArn"]),
                         ("Notification", "to the hook", "Greeting", arn))
        self.assertEqual(n["MessageAttributes"], {"k": {"Type": "String", "Value": "v"}})
        verify_signature(n)
        # ConfirmSubscription through the API with the same token answers the same ARN.
        again = self.sns.confirm_subscription(TopicArn=arn, Token=confirmation["Token"])
        self.assertEqual(again["SubscriptionArn"], sub)

    def test_http_delivery_is_retried_by_its_delivery_policy(self):
        arn = self.sns.create_topic(Name="http-retries")["TopicArn"]
        url = self.endpoint.url("/flaky")
        policy = {"healthyRetryPolicy": {"numRetries": 3, "minDelayTarget": 1,
                                         "maxDelayTarget": 1}}
        sub = self.sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=url,
                                 ReturnSubscriptionArn=True,
                                 Attributes={"DeliveryPolicy": json.dumps(policy)})[
            "SubscriptionArn"]
        token = json.loads(harness.wait_for(
            lambda: self.endpoint.posts("/flaky", "SubscriptionConfirmation"))[0]["body"])["Token"]
        self.sns.confirm_subscription(TopicArn=arn, Token=token)
        a = self.sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
        self.assertEqual(json.loads(a["EffectiveDeliveryPolicy"])["healthyRetryPolicy"][
            "numRetries"], 3)
        self.endpoint.plans["/flaky"] = [500, 503]
        self.sns.publish(TopicArn=arn, Message="eventually")
        posts = harness.wait_for(lambda: len(self.endpoint.posts("/flaky", "Notification")) >= 3
                                 and self.endpoint.posts("/flaky", "Notification"),
                                 timeout=15, what="three attempts")
        self.assertEqual([json.loads(p["body"])["Message"] for p in posts], ["eventually"] * 3)
        ids = {json.loads(p["body"])["MessageId"] for p in posts}
        self.assertEqual(len(ids), 1)

    def test_invalid_delivery_policy_is_refused(self):
        arn = self.sns.create_topic(Name="bad-policy")["TopicArn"]
        message = self.sns_error(
            "InvalidParameter", self.sns.subscribe, TopicArn=arn, Protocol="http",
            Endpoint=self.endpoint.url("/never"),
            Attributes={"DeliveryPolicy": json.dumps(
                {"healthyRetryPolicy": {"minDelayTarget": 30, "maxDelayTarget": 10}})})
        self.assertTrue(message.startswith("Invalid parameter: Attributes Reason: DeliveryPolicy"),
                        message)


    # --- Lambda ---

    def test_lambda_subscriber_gets_the_sns_event(self):
        handler = ("exports.handler = async (event) => {\n"
                   "  console.log('SNS-EVENT ' + JSON.stringify(event));\n"
                   "  return {};\n};\n")
        function = self.create("sns-listener", "nodejs20.x", "index.handler",
                               {"index.js": handler})["FunctionArn"]
        arn = self.sns.create_topic(Name="to-lambda")["TopicArn"]
        sub = self.sns.subscribe(TopicArn=arn, Protocol="lambda", Endpoint=function)[
            "SubscriptionArn"]
        self.assertTrue(sub.startswith(arn + ":"), sub)
        published = self.sns.publish(
            TopicArn=arn, Message="to the function",
            MessageAttributes={"n": {"DataType": "Number", "StringValue": "7"}})
        log = os.path.join(self.server.data, "logs", "sns-listener.log")

        def logged_event():
            try:
                with open(log) as f:
                    for line in f:
                        if "SNS-EVENT " in line:
                            return json.loads(line.split("SNS-EVENT ", 1)[1])
            except FileNotFoundError:
                return None
            return None
        event = harness.wait_for(logged_event, timeout=30, what="the function's SNS event")
        record = event["Records"][0]
        self.assertEqual((record["EventSource"], record["EventVersion"],
                          record["EventSubscriptionArn"]), ("aws:sns", "1.0", sub))
        n = record["Sns"]
        self.assertEqual((n["Type"], n["MessageId"], n["TopicArn"], n["Subject"], n["Message"]),
                         ("Notification", published["MessageId"], arn, None, "to the function"))
        self.assertEqual(n["MessageAttributes"], {"n": {"Type": "Number", "Value": "7"}})
        self.assertTrue(n["UnsubscribeUrl"].startswith(self.server.endpoint + "/?Action="))
        verify_signature(dict(n, SigningCertURL=n["SigningCertUrl"]))


class SnsRestartTest(unittest.TestCase):
    """Topics, subscriptions, the signing key and HTTP/S deliveries still owed survive a
    restart."""

    def test_topics_subscriptions_and_owed_deliveries_survive_a_restart(self):
        endpoint = Endpoint()
        server = harness.Server(harness.BATON).start()
        try:
            sns = boto3.session.Session().client(
                "sns", endpoint_url=server.endpoint, region_name=REGION,
                config=Config(retries={"max_attempts": 1}))
            arn = sns.create_topic(Name="kept", Attributes={"DisplayName": "Kept"})["TopicArn"]
            policy = {"healthyRetryPolicy": {"numRetries": 5, "minDelayTarget": 2,
                                             "maxDelayTarget": 2}}
            sub = sns.subscribe(
                TopicArn=arn, Protocol="http", Endpoint=endpoint.url("/kept"),
                ReturnSubscriptionArn=True,
                Attributes={"DeliveryPolicy": json.dumps(policy),
                            "FilterPolicy": json.dumps({"colour": ["blue"]})})[
                "SubscriptionArn"]
            confirmation = json.loads(harness.wait_for(
                lambda: endpoint.posts("/kept", "SubscriptionConfirmation"))[0]["body"])
            sns.confirm_subscription(TopicArn=arn, Token=confirmation["Token"])
            with urllib.request.urlopen(confirmation["SigningCertURL"], timeout=10) as r:
                certificate = r.read()
            # The endpoint fails the first attempt; the retry is owed when the server stops.
            endpoint.plans["/kept"] = [500]
            blue = {"colour": {"DataType": "String", "StringValue": "blue"}}
            sns.publish(TopicArn=arn, Message="owed", MessageAttributes=blue)
            harness.wait_for(lambda: endpoint.posts("/kept", "Notification"),
                             what="the first attempt")
            server.stop()
            server.start()
            sns = boto3.session.Session().client(
                "sns", endpoint_url=server.endpoint, region_name=REGION,
                config=Config(retries={"max_attempts": 1}))
            posts = harness.wait_for(lambda: len(endpoint.posts("/kept", "Notification")) >= 2
                                     and endpoint.posts("/kept", "Notification"),
                                     timeout=15, what="the retry after the restart")
            self.assertEqual([json.loads(p["body"])["Message"] for p in posts], ["owed"] * 2)
            a = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
            self.assertEqual((a["DisplayName"], a["SubscriptionsConfirmed"]), ("Kept", "1"))
            s = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
            self.assertEqual(json.loads(s["FilterPolicy"]), {"colour": ["blue"]})
            self.assertEqual(s["PendingConfirmation"], "false")
            # The filter policy is compiled again: a red message is not delivered, a blue one is.
            sns.publish(TopicArn=arn, Message="red", MessageAttributes={
                "colour": {"DataType": "String", "StringValue": "red"}})
            sns.publish(TopicArn=arn, Message="blue", MessageAttributes=blue)
            posts = harness.wait_for(lambda: len(endpoint.posts("/kept", "Notification")) >= 3
                                     and endpoint.posts("/kept", "Notification"),
                                     what="the blue message")
            self.assertEqual(json.loads(posts[2]["body"])["Message"], "blue")
            verify_signature(json.loads(posts[2]["body"]))
            with urllib.request.urlopen(confirmation["SigningCertURL"].replace(
                    confirmation["SigningCertURL"].split("/_baton")[0], server.endpoint),
                    timeout=10) as r:
                self.assertEqual(r.read(), certificate)
        finally:
            server.close()
            endpoint.close()


class SnsSignedTest(unittest.TestCase):
    """With --auth sigv4, the links SNS hands out (SubscribeURL, UnsubscribeURL, the
    SigningCertURL) work unsigned, as AWS's do; other unsigned requests are refused."""

    def test_links_work_unsigned_and_nothing_else_does(self):
        endpoint = Endpoint()
        server = harness.Server(harness.BATON, args=["--auth", "sigv4"]).start()
        try:
            sns = boto3.session.Session(aws_access_key_id="baton",
                                        aws_secret_access_key="baton").client(
                "sns", endpoint_url=server.endpoint, region_name=REGION,
                config=Config(retries={"max_attempts": 1}))
            arn = sns.create_topic(Name="signed")["TopicArn"]
            sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=endpoint.url("/signed"))
            confirmation = json.loads(harness.wait_for(
                lambda: endpoint.posts("/signed", "SubscriptionConfirmation"))[0]["body"])
            with urllib.request.urlopen(confirmation["SubscribeURL"], timeout=10) as r:
                self.assertEqual(r.status, 200)
            verify_signature(confirmation)
            sub = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"][0][
                "SubscriptionArn"]
            self.assertTrue(sub.startswith(arn + ":"))
            with self.assertRaises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(server.endpoint + "/?Action=ListTopics", timeout=10)
            self.assertEqual(refused.exception.code, 403)
            self.assertIn(b"MissingAuthenticationToken", refused.exception.read())
            with urllib.request.urlopen(
                    server.endpoint + "/?Action=Unsubscribe&SubscriptionArn=" +
                    urllib.parse.quote(sub, ""), timeout=10) as r:
                self.assertEqual(r.status, 200)
            self.assertEqual(sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"], [])
        finally:
            server.close()
            endpoint.close()


def main():
    harness.baton_binary()
    unittest.main()


if __name__ == "__main__":
    main()
