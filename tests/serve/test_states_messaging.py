"""Workflows that call SQS and SNS: the optimized integrations (sqs:sendMessage, sns:publish)
answer what Step Functions answers (the API's result with SdkHttpMetadata and
SdkResponseMetadata) and fail with SQS.* / SNS.* errors; the AWS SDK integrations
(aws-sdk:sqs:*, aws-sdk:sns:*) answer the API's result alone and fail with Sqs.* / Sns.*."""

import hashlib
import json

import boto3
from botocore.config import Config

import harness

ACCOUNT = "123456789012"


class StatesMessagingTest(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        session = boto3.session.Session()
        config = Config(retries={"max_attempts": 1})
        cls.sqs = session.client("sqs", endpoint_url=cls.server.endpoint,
                                 region_name=harness.REGION, config=config)
        cls.sns = session.client("sns", endpoint_url=cls.server.endpoint,
                                 region_name=harness.REGION, config=config)

    @classmethod
    def tearDownClass(cls):
        cls.sqs.close()
        cls.sns.close()
        super().tearDownClass()

    def run_task(self, name, task, payload=None):
        task = dict(task, End=True)
        definition = {"StartAt": "Call", "States": {"Call": task}}
        machine = self.sfn.create_state_machine(name=name, roleArn=harness.ROLE,
                                                definition=json.dumps(definition))
        arn = self.sfn.start_execution(stateMachineArn=machine["stateMachineArn"],
                                       input=json.dumps(payload or {}))["executionArn"]
        return harness.wait_for_status(self.sfn, arn)

    def queue(self, name):
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn

    def test_send_message_answers_with_the_http_metadata_and_the_message_arrives(self):
        url, _ = self.queue("from-workflow")
        done = self.run_task("send", {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {"QueueUrl": url, "MessageBody": {"order.$": "$.order"},
                           "MessageAttributes": {"kind": {"DataType": "String",
                                                          "StringValue": "order"}}}},
            {"order": 7})
        self.assertEqual(done["status"], "SUCCEEDED", done)
        out = json.loads(done["output"])
        body = '{"order":7}'
        self.assertEqual(out["MD5OfMessageBody"], hashlib.md5(body.encode()).hexdigest())
        self.assertRegex(out["MessageId"], r"^[0-9a-f-]{36}$")
        self.assertIn("MD5OfMessageAttributes", out)
        metadata = out["SdkHttpMetadata"]
        self.assertEqual(metadata["HttpStatusCode"], 200)
        self.assertEqual(metadata["HttpHeaders"]["Content-Type"], "text/xml")
        self.assertEqual(metadata["HttpHeaders"]["x-amzn-RequestId"],
                         out["SdkResponseMetadata"]["RequestId"])
        got = self.sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
        self.assertEqual([(m["MessageId"], m["Body"]) for m in got], [(out["MessageId"], body)])
        self.assertEqual(got[0]["MessageAttributes"]["kind"]["StringValue"], "order")

    def test_a_missing_queue_fails_the_task_with_the_sqs_error(self):
        done = self.run_task("send-nowhere", {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {"QueueUrl": f"{self.server.endpoint}/{ACCOUNT}/nowhere",
                           "MessageBody": "x"}})
        self.assertEqual(done["status"], "FAILED")
        self.assertEqual(done["error"], "SQS.QueueDoesNotExistException")
        self.assertIn("(Service: AmazonSQS; Status Code: 400;", done["cause"])

    def test_publish_reaches_every_subscribed_queue_and_filters_apply(self):
        topic = self.sns.create_topic(Name="from-workflow")["TopicArn"]
        every_url, every_arn = self.queue("every")
        red_url, red_arn = self.queue("red-only")
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=every_arn)
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=red_arn, Attributes={
            "FilterPolicy": json.dumps({"colour": ["red"]}), "RawMessageDelivery": "true"})
        for colour in ("red", "blue"):
            done = self.run_task(f"publish-{colour}", {
                "Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                "Parameters": {"TopicArn": topic, "Message": {"colour.$": "$.colour"},
                               "MessageAttributes": {"colour": {
                                   "DataType": "String", "StringValue.$": "$.colour"}}}},
                {"colour": colour})
            self.assertEqual(done["status"], "SUCCEEDED", done)
            out = json.loads(done["output"])
            self.assertRegex(out["MessageId"], r"^[0-9a-f-]{36}$")
            self.assertEqual(out["SdkHttpMetadata"]["HttpStatusCode"], 200)
        every = self.sqs.receive_message(QueueUrl=every_url, MaxNumberOfMessages=10)["Messages"]
        envelopes = sorted(json.loads(m["Body"])["Message"] for m in every)
        self.assertEqual(envelopes, ['{"colour":"blue"}', '{"colour":"red"}'])
        red = self.sqs.receive_message(QueueUrl=red_url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual([m["Body"] for m in red], ['{"colour":"red"}'])

    def test_sdk_integrations_answer_the_api_result_alone(self):
        url, _ = self.queue("sdk-target")
        done = self.run_task("sdk-get-url", {
            "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:getQueueUrl",
            "Parameters": {"QueueName": "sdk-target"}})
        self.assertEqual(done["status"], "SUCCEEDED", done)
        self.assertEqual(json.loads(done["output"]), {"QueueUrl": url})

        done = self.run_task("sdk-topics", {
            "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sns:createTopic",
            "Parameters": {"Name": "made-by-a-workflow"}})
        self.assertEqual(done["status"], "SUCCEEDED", done)
        self.assertEqual(json.loads(done["output"]), {
            "TopicArn": f"arn:aws:sns:{harness.REGION}:{ACCOUNT}:made-by-a-workflow"})

    def test_sdk_errors_are_named_after_the_service_and_can_be_caught(self):
        done = self.run_task("sdk-missing", {
            "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:getQueueUrl",
            "Parameters": {"QueueName": "not-there"}})
        self.assertEqual((done["status"], done["error"]),
                         ("FAILED", "Sqs.QueueDoesNotExistException"))
        definition = {"StartAt": "Call", "States": {
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:getQueueUrl",
                     "Parameters": {"QueueName": "not-there"},
                     "Catch": [{"ErrorEquals": ["Sqs.QueueDoesNotExistException"],
                                "ResultPath": "$.error", "Next": "Caught"}], "End": True},
            "Caught": {"Type": "Pass", "End": True}}}
        machine = self.sfn.create_state_machine(name="sdk-caught", roleArn=harness.ROLE,
                                                definition=json.dumps(definition))
        arn = self.sfn.start_execution(stateMachineArn=machine["stateMachineArn"],
                                       input="{}")["executionArn"]
        done = harness.wait_for_status(self.sfn, arn)
        self.assertEqual(done["status"], "SUCCEEDED", done)
        self.assertEqual(json.loads(done["output"])["error"]["Error"],
                         "Sqs.QueueDoesNotExistException")


if __name__ == "__main__":
    harness.baton_binary()
    harness.unittest.main()
