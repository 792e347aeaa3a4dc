"""SQS through Debian's aws CLI and boto3 (both speak SQS's query protocol): queues and their
attributes, messages with their digests, FIFO order and deduplication, visibility timeouts and
receipt handles, dead-letter queues, batches and their per-entry failures, long polls answered
when a message arrives, and errors with AWS's codes.

usage: python3 tests/serve/test_sqs.py PATH_TO_BATON
"""

import hashlib
import json
import subprocess
import threading
import time
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

import harness

ACCOUNT = harness.ACCOUNT


class Sqs(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server(harness.BATON).start()
        cls.sqs = boto3.session.Session().client(
            "sqs", endpoint_url=cls.server.endpoint, region_name=harness.REGION,
            config=Config(retries={"max_attempts": 1}, read_timeout=60))

    @classmethod
    def tearDownClass(cls):
        cls.sqs.close()
        cls.server.close()

    def queue(self, name, **attributes):
        return self.sqs.create_queue(QueueName=name, Attributes={
            k: str(v) for k, v in attributes.items()})["QueueUrl"]

    def error(self, code, call, status=400, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        response = caught.exception.response
        self.assertEqual(response["Error"]["Code"], code, response["Error"].get("Message"))
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status)
        return response["Error"]["Message"]

    def aws(self, *args):
        done = subprocess.run([harness.aws_cli(), "--endpoint-url", self.server.endpoint,
                               "--output", "json", "sqs", *args], capture_output=True, text=True,
                              timeout=60)
        return done.returncode, (json.loads(done.stdout) if done.stdout.strip() else None), \
            done.stderr

    def attributes(self, url, *names):
        return self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names) or
                                             ["All"])["Attributes"]

    # --- queues ---

    def test_queue_urls_name_the_host_and_resolve_from_any(self):
        url = self.queue("urls")
        self.assertEqual(url, f"{self.server.endpoint}/{ACCOUNT}/urls")
        self.assertEqual(self.sqs.get_queue_url(QueueName="urls")["QueueUrl"], url)
        self.assertEqual(self.sqs.get_queue_url(QueueName="urls",
                                                QueueOwnerAWSAccountId=ACCOUNT)["QueueUrl"], url)
        other = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/urls"
        self.sqs.send_message(QueueUrl=other, MessageBody="via another host")
        got = self.sqs.receive_message(QueueUrl=url)["Messages"]
        self.assertEqual(got[0]["Body"], "via another host")
        self.assertEqual(self.attributes(url, "QueueArn")["QueueArn"],
                         f"arn:aws:sqs:us-east-1:{ACCOUNT}:urls")

    def test_create_is_idempotent_with_the_same_attributes_only(self):
        url = self.queue("same", VisibilityTimeout=40)
        self.assertEqual(self.queue("same", VisibilityTimeout=40), url)
        message = self.error("QueueAlreadyExists", self.sqs.create_queue, QueueName="same",
                             Attributes={"VisibilityTimeout": "41"})
        self.assertIn("VisibilityTimeout", message)

    def test_queue_names_as_aws_checks_them(self):
        self.error("InvalidParameterValue", self.sqs.create_queue, QueueName="bad name")
        self.error("InvalidParameterValue", self.sqs.create_queue, QueueName="x" * 81)
        self.error("InvalidParameterValue", self.sqs.create_queue, QueueName="nofifo",
                   Attributes={"FifoQueue": "true"})
        self.error("InvalidParameterValue", self.sqs.create_queue, QueueName="ends.fifo")

    def test_attributes_defaults_ranges_and_names(self):
        url = self.queue("attrs")
        a = self.attributes(url)
        self.assertEqual((a["VisibilityTimeout"], a["MaximumMessageSize"],
                          a["MessageRetentionPeriod"], a["DelaySeconds"],
                          a["ReceiveMessageWaitTimeSeconds"], a["SqsManagedSseEnabled"]),
                         ("30", "1048576", "345600", "0", "0", "true"))
        for name in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                     "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp",
                     "LastModifiedTimestamp", "QueueArn"):
            self.assertIn(name, a)
        self.assertNotIn("FifoQueue", a)
        for name, bad in (("VisibilityTimeout", "43201"), ("DelaySeconds", "901"),
                          ("MaximumMessageSize", "1023"), ("MessageRetentionPeriod", "59"),
                          ("ReceiveMessageWaitTimeSeconds", "21"), ("VisibilityTimeout", "x")):
            message = self.error("InvalidAttributeValue", self.sqs.set_queue_attributes,
                                 QueueUrl=url, Attributes={name: bad})
            self.assertEqual(message, f"Invalid value for the parameter {name}.")
        self.assertEqual(self.error("InvalidAttributeName", self.sqs.set_queue_attributes,
                                    QueueUrl=url, Attributes={"Colour": "blue"}),
                         "Unknown Attribute Colour.")
        self.error("InvalidAttributeName", self.sqs.set_queue_attributes, QueueUrl=url,
                   Attributes={"ContentBasedDeduplication": "true"})
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "43200",
                                                                 "DelaySeconds": "900"})
        a = self.attributes(url, "VisibilityTimeout", "DelaySeconds")
        self.assertEqual(a, {"VisibilityTimeout": "43200", "DelaySeconds": "900"})

    def test_missing_queues_have_aws_query_codes(self):
        url = f"{self.server.endpoint}/{ACCOUNT}/nowhere"
        message = self.error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.send_message,
                             QueueUrl=url, MessageBody="x")
        self.assertEqual(message, "The specified queue does not exist.")
        self.error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.get_queue_url,
                   QueueName="nowhere")
        self.error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.send_message,
                   QueueUrl=f"{self.server.endpoint}/999999999999/urls", MessageBody="x")

    def test_list_queues_by_prefix_and_page(self):
        for i in range(5):
            self.queue(f"listed-{i}")
        urls = self.sqs.list_queues(QueueNamePrefix="listed-")["QueueUrls"]
        self.assertEqual([u.rsplit("/", 1)[1] for u in urls], [f"listed-{i}" for i in range(5)])
        page = self.sqs.list_queues(QueueNamePrefix="listed-", MaxResults=2)
        self.assertEqual(len(page["QueueUrls"]), 2)
        seen = list(page["QueueUrls"])
        while "NextToken" in page:
            page = self.sqs.list_queues(QueueNamePrefix="listed-", MaxResults=2,
                                        NextToken=page["NextToken"])
            seen += page["QueueUrls"]
        self.assertEqual(seen, urls)
        self.assertNotIn("QueueUrls", self.sqs.list_queues(QueueNamePrefix="nothing-"))

    def test_delete_queue_then_recreate_waits(self):
        url = self.queue("gone")
        self.sqs.delete_queue(QueueUrl=url)
        self.error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.get_queue_url,
                   QueueName="gone")
        self.error("AWS.SimpleQueueService.QueueDeletedRecently", self.sqs.create_queue,
                   QueueName="gone")

    def test_tags(self):
        url = self.sqs.create_queue(QueueName="tagged", tags={"team": "a"})["QueueUrl"]
        self.sqs.tag_queue(QueueUrl=url, Tags={"env": "dev"})
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"],
                         {"team": "a", "env": "dev"})
        self.sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"], {"env": "dev"})

    def test_permissions_are_kept_in_the_policy(self):
        url = self.queue("shared")
        self.sqs.add_permission(QueueUrl=url, Label="send", AWSAccountIds=["111122223333"],
                                Actions=["SendMessage"])
        policy = json.loads(self.attributes(url, "Policy")["Policy"])
        self.assertEqual(policy["Statement"][0]["Sid"], "send")
        self.assertEqual(policy["Statement"][0]["Action"], "SQS:SendMessage")
        self.error("InvalidParameterValue", self.sqs.add_permission, QueueUrl=url, Label="send",
                   AWSAccountIds=["111122223333"], Actions=["SendMessage"])
        self.sqs.remove_permission(QueueUrl=url, Label="send")
        self.assertNotIn("Policy", self.attributes(url))
        self.error("InvalidParameterValue", self.sqs.remove_permission, QueueUrl=url,
                   Label="send")

    def test_purge_once_a_minute(self):
        url = self.queue("purged")
        for i in range(3):
            self.sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
        self.sqs.purge_queue(QueueUrl=url)
        self.assertEqual(self.attributes(url, "ApproximateNumberOfMessages"),
                         {"ApproximateNumberOfMessages": "0"})
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url))
        self.error("AWS.SimpleQueueService.PurgeQueueInProgress", self.sqs.purge_queue,
                   status=403, QueueUrl=url)

    # --- messages ---

    def test_send_receive_delete_with_digests_and_system_attributes(self):
        url = self.queue("round")
        body = "héllo <world> & friends"
        attributes = {"colour": {"DataType": "String", "StringValue": "blue"},
                      "count": {"DataType": "Number", "StringValue": "3"},
                      "raw": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
                      "app.trace": {"DataType": "String.custom", "StringValue": "t"}}
        before = int(time.time() * 1000)
        sent = self.sqs.send_message(QueueUrl=url, MessageBody=body,
                                     MessageAttributes=attributes)
        self.assertEqual(sent["MD5OfMessageBody"], hashlib.md5(body.encode()).hexdigest())
        # botocore checks every digest of the answers itself and raises when one is wrong.
        got = self.sqs.receive_message(QueueUrl=url, AttributeNames=["All"],
                                       MessageAttributeNames=["All"])["Messages"]
        self.assertEqual(len(got), 1)
        m = got[0]
        self.assertEqual((m["MessageId"], m["Body"]), (sent["MessageId"], body))
        self.assertEqual(m["MD5OfMessageAttributes"], sent["MD5OfMessageAttributes"])
        self.assertEqual(m["MessageAttributes"]["raw"]["BinaryValue"], b"\x00\x01\xff")
        a = m["Attributes"]
        self.assertEqual(a["ApproximateReceiveCount"], "1")
        self.assertEqual(a["SenderId"], ACCOUNT)
        self.assertGreaterEqual(int(a["SentTimestamp"]), before - 1000)
        self.assertGreaterEqual(int(a["ApproximateFirstReceiveTimestamp"]),
                                int(a["SentTimestamp"]))
        counts = self.attributes(url, "ApproximateNumberOfMessages",
                                 "ApproximateNumberOfMessagesNotVisible")
        self.assertEqual(counts, {"ApproximateNumberOfMessages": "0",
                                  "ApproximateNumberOfMessagesNotVisible": "1"})
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        self.assertEqual(self.attributes(url, "ApproximateNumberOfMessagesNotVisible"),
                         {"ApproximateNumberOfMessagesNotVisible": "0"})

    def test_message_attribute_names_select_by_name_and_prefix(self):
        url = self.queue("selected")
        self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={
            "app.one": {"DataType": "String", "StringValue": "1"},
            "app.two": {"DataType": "String", "StringValue": "2"},
            "other": {"DataType": "String", "StringValue": "3"}})
        m = self.sqs.receive_message(QueueUrl=url, MessageAttributeNames=["app.*"],
                                     VisibilityTimeout=0)["Messages"][0]
        self.assertEqual(sorted(m["MessageAttributes"]), ["app.one", "app.two"])
        m = self.sqs.receive_message(QueueUrl=url, MessageAttributeNames=["other"],
                                     VisibilityTimeout=0)["Messages"][0]
        self.assertEqual(sorted(m["MessageAttributes"]), ["other"])
        m = self.sqs.receive_message(QueueUrl=url)["Messages"][0]
        self.assertNotIn("MessageAttributes", m)

    def test_message_limits_and_contents(self):
        url = self.queue("small", MaximumMessageSize=1024)
        self.sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
        message = self.error("InvalidParameterValue", self.sqs.send_message, QueueUrl=url,
                             MessageBody="x" * 1025)
        self.assertIn("Message must be shorter than 1024 bytes", message)
        self.error("InvalidParameterValue", self.sqs.send_message, QueueUrl=url,
                   MessageBody="x" * 1000, MessageAttributes={
                       "big": {"DataType": "String", "StringValue": "y" * 100}})
        self.error("InvalidMessageContents", self.sqs.send_message, QueueUrl=url,
                   MessageBody="bell \x07")
        self.error("InvalidParameterValue", self.sqs.send_message, QueueUrl=url,
                   MessageBody="x", MessageAttributes={
                       "a": {"DataType": "Colour", "StringValue": "1"}})
        self.error("InvalidParameterValue", self.sqs.receive_message, QueueUrl=url,
                   MaxNumberOfMessages=11)
        self.error("InvalidParameterValue", self.sqs.receive_message, QueueUrl=url,
                   WaitTimeSeconds=21)

    def test_delay_per_queue_and_per_message(self):
        url = self.queue("delayed", DelaySeconds=1)
        self.sqs.send_message(QueueUrl=url, MessageBody="later")
        self.sqs.send_message(QueueUrl=url, MessageBody="now", DelaySeconds=0)
        self.assertEqual(self.attributes(url, "ApproximateNumberOfMessagesDelayed"),
                         {"ApproximateNumberOfMessagesDelayed": "1"})
        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual([m["Body"] for m in got], ["now"])
        got = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
        self.assertEqual([m["Body"] for m in got], ["later"])

    def test_visibility_timeout_and_receipt_handles(self):
        url = self.queue("visibility")
        self.sqs.send_message(QueueUrl=url, MessageBody="again")
        first = self.sqs.receive_message(QueueUrl=url, VisibilityTimeout=1)["Messages"][0]
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url))
        second = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5,
                                          AttributeNames=["ApproximateReceiveCount"])
        second = second["Messages"][0]
        self.assertEqual(second["Attributes"]["ApproximateReceiveCount"], "2")
        self.assertNotEqual(first["ReceiptHandle"], second["ReceiptHandle"])
        # An old handle is taken and deletes nothing; the latest one deletes.
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"],
                                           VisibilityTimeout=0)
        third = self.sqs.receive_message(QueueUrl=url)["Messages"][0]
        self.error("AWS.SimpleQueueService.MessageNotInflight",
                   self.sqs.change_message_visibility, QueueUrl=url,
                   ReceiptHandle=second["ReceiptHandle"], VisibilityTimeout=10)
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=third["ReceiptHandle"])
        self.assertEqual(self.attributes(url, "ApproximateNumberOfMessagesNotVisible"),
                         {"ApproximateNumberOfMessagesNotVisible": "0"})
        self.error("ReceiptHandleIsInvalid", self.sqs.delete_message, QueueUrl=url,
                   ReceiptHandle="not-a-handle")

    def test_long_poll_is_answered_when_a_message_arrives(self):
        url = self.queue("waiting")
        result = {}

        def receive():
            started = time.monotonic()
            result["got"] = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=15)
            result["took"] = time.monotonic() - started
        receiver = threading.Thread(target=receive)
        receiver.start()
        time.sleep(0.5)
        sender = boto3.session.Session().client("sqs", endpoint_url=self.server.endpoint,
                                                region_name=harness.REGION)
        sender.send_message(QueueUrl=url, MessageBody="wake up")
        receiver.join(20)
        self.assertEqual(result["got"]["Messages"][0]["Body"], "wake up")
        self.assertLess(result["took"], 5)
        # With nothing sent, the wait ends empty at its time.
        started = time.monotonic()
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1))
        self.assertGreaterEqual(time.monotonic() - started, 0.9)

    # --- FIFO ---

    def test_fifo_order_groups_and_deduplication(self):
        url = self.queue("orders.fifo", FifoQueue="true")
        self.error("MissingParameter", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                   MessageDeduplicationId="d")
        self.error("InvalidParameterValue", self.sqs.send_message, QueueUrl=url,
                   MessageBody="x", MessageGroupId="g")
        self.error("InvalidParameterValue", self.sqs.send_message, QueueUrl=url,
                   MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d",
                   DelaySeconds=5)
        sequence = []
        for i in range(4):
            out = self.sqs.send_message(QueueUrl=url, MessageBody=f"a{i}", MessageGroupId="a",
                                        MessageDeduplicationId=f"a{i}")
            sequence.append(int(out["SequenceNumber"]))
        self.sqs.send_message(QueueUrl=url, MessageBody="b0", MessageGroupId="b",
                              MessageDeduplicationId="b0")
        self.assertEqual(sequence, sorted(sequence))
        self.assertTrue(all(len(str(s)) >= 20 for s in sequence))
        again = self.sqs.send_message(QueueUrl=url, MessageBody="a0 again", MessageGroupId="a",
                                      MessageDeduplicationId="a0")
        self.assertEqual(int(again["SequenceNumber"]), sequence[0])
        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2,
                                       AttributeNames=["All"])["Messages"]
        self.assertEqual([m["Body"] for m in got], ["a0", "a1"])
        self.assertEqual(got[0]["Attributes"]["MessageGroupId"], "a")
        self.assertEqual(got[0]["Attributes"]["MessageDeduplicationId"], "a0")
        self.assertEqual(int(got[0]["Attributes"]["SequenceNumber"]), sequence[0])
        # Group a is held while a0 and a1 are in flight: only b is handed out.
        more = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual([m["Body"] for m in more], ["b0"])
        for m in got + more:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        rest = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual([m["Body"] for m in rest], ["a2", "a3"])

    def test_fifo_content_based_deduplication(self):
        url = self.queue("content.fifo", FifoQueue="true", ContentBasedDeduplication="true")
        first = self.sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
        second = self.sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
        self.assertEqual(first["MessageId"], second["MessageId"])
        self.assertEqual(self.attributes(url, "ApproximateNumberOfMessages"),
                         {"ApproximateNumberOfMessages": "1"})
        a = self.attributes(url)
        self.assertEqual((a["FifoQueue"], a["ContentBasedDeduplication"],
                          a["DeduplicationScope"], a["FifoThroughputLimit"]),
                         ("true", "true", "queue", "perQueue"))

    # --- dead-letter queues ---

    def test_messages_received_too_often_move_to_the_dead_letter_queue(self):
        dlq = self.queue("dead")
        dlq_arn = self.attributes(dlq, "QueueArn")["QueueArn"]
        self.error("InvalidParameterValue", self.sqs.create_queue, QueueName="nodlq",
                   Attributes={"RedrivePolicy": json.dumps({
                       "deadLetterTargetArn": dlq_arn + "-missing", "maxReceiveCount": 1})})
        self.error("InvalidParameterValue", self.sqs.create_queue, QueueName="badcount",
                   Attributes={"RedrivePolicy": json.dumps({
                       "deadLetterTargetArn": dlq_arn, "maxReceiveCount": 0})})
        source = self.queue("source", RedrivePolicy=json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}))
        source_arn = self.attributes(source, "QueueArn")["QueueArn"]
        self.sqs.send_message(QueueUrl=source, MessageBody="poison")
        for _ in range(2):
            got = self.sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)
            self.assertEqual(got["Messages"][0]["Body"], "poison")
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=source))
        moved = self.sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"])["Messages"][0]
        self.assertEqual(moved["Body"], "poison")
        self.assertEqual(moved["Attributes"]["DeadLetterQueueSourceArn"], source_arn)
        self.assertEqual(self.sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"],
                         [source])

    def test_redrive_allow_policy_is_checked(self):
        closed = self.queue("closed", RedriveAllowPolicy=json.dumps(
            {"redrivePermission": "denyAll"}))
        arn = self.attributes(closed, "QueueArn")["QueueArn"]
        url = self.queue("wants-closed")
        self.error("InvalidParameterValue", self.sqs.set_queue_attributes, QueueUrl=url,
                   Attributes={"RedrivePolicy": json.dumps(
                       {"deadLetterTargetArn": arn, "maxReceiveCount": 3})})
        self.error("InvalidParameterValue", self.sqs.set_queue_attributes, QueueUrl=closed,
                   Attributes={"RedriveAllowPolicy": json.dumps(
                       {"redrivePermission": "byQueue"})})

    # --- batches ---

    def test_batches_and_their_failures(self):
        url = self.queue("batched")
        out = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "ok", "MessageBody": "one"},
            {"Id": "bad", "MessageBody": "x", "DelaySeconds": 901},
            {"Id": "ok2", "MessageBody": "two", "MessageAttributes": {
                "k": {"DataType": "String", "StringValue": "v"}}}])
        self.assertEqual(sorted(e["Id"] for e in out["Successful"]), ["ok", "ok2"])
        self.assertEqual([(f["Id"], f["Code"], f["SenderFault"]) for f in out["Failed"]],
                         [("bad", "InvalidParameterValue", True)])
        self.error("AWS.SimpleQueueService.EmptyBatchRequest", self.sqs.send_message_batch,
                   QueueUrl=url, Entries=[])
        self.error("AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                   self.sqs.send_message_batch, QueueUrl=url,
                   Entries=[{"Id": str(i), "MessageBody": "x"} for i in range(11)])
        self.error("AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
                   self.sqs.send_message_batch, QueueUrl=url,
                   Entries=[{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}])
        self.error("AWS.SimpleQueueService.InvalidBatchEntryId", self.sqs.send_message_batch,
                   QueueUrl=url, Entries=[{"Id": "no spaces", "MessageBody": "x"}])
        self.error("AWS.SimpleQueueService.BatchRequestTooLong", self.sqs.send_message_batch,
                   QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "x" * 200000}
                                          for i in range(6)])
        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual(sorted(m["Body"] for m in got), ["one", "two"])
        changed = self.sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
            {"Id": "a", "ReceiptHandle": got[0]["ReceiptHandle"], "VisibilityTimeout": 60},
            {"Id": "b", "ReceiptHandle": "bogus", "VisibilityTimeout": 60}])
        self.assertEqual([e["Id"] for e in changed["Successful"]], ["a"])
        self.assertEqual(changed["Failed"][0]["Code"], "ReceiptHandleIsInvalid")
        deleted = self.sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": f"m{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
        self.assertEqual(len(deleted["Successful"]), 2)
        self.assertEqual(self.attributes(url, "ApproximateNumberOfMessagesNotVisible"),
                         {"ApproximateNumberOfMessagesNotVisible": "0"})

    # --- the aws CLI ---

    def test_the_cli(self):
        code, out, err = self.aws("create-queue", "--queue-name", "cli")
        self.assertEqual(code, 0, err)
        url = out["QueueUrl"]
        code, out, err = self.aws("send-message", "--queue-url", url, "--message-body", "hi")
        self.assertEqual(code, 0, err)
        code, out, err = self.aws("receive-message", "--queue-url", url,
                                  "--attribute-names", "All")
        self.assertEqual((code, out["Messages"][0]["Body"]), (0, "hi"), err)
        code, _, err = self.aws("delete-message", "--queue-url", url, "--receipt-handle",
                                out["Messages"][0]["ReceiptHandle"])
        self.assertEqual(code, 0, err)
        code, _, err = self.aws("get-queue-url", "--queue-name", "no-such-queue")
        self.assertEqual(code, 254)
        self.assertIn("AWS.SimpleQueueService.NonExistentQueue", err)


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
