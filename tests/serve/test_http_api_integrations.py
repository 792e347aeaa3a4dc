"""HTTP APIs' first-class AWS service integrations on `baton serve`, through boto3's
apigatewayv2 client and plain HTTP on the HTTP API port: SQS-SendMessage (the message arrives),
StepFunctions-StartExecution (the execution has the mapped input), StartSyncExecution (the
output is in the answer), StopExecution, EventBridge-PutEvents (a rule's queue gets the event),
the errors CreateIntegration gives, a service error passed through, request and response
parameter mapping (also for Lambda integrations); Step Functions' apigateway:invoke (and
.waitForTaskToken) calling an HTTP API in front of a real Node.js function; the Scheduler
through aws-sdk:scheduler:*; and `baton deploy` of a SAM template whose HttpApi has an OpenAPI
DefinitionBody and AWS::ApiGatewayV2::Integration resources with subtypes.

usage: python3 tests/serve/test_http_api_integrations.py PATH_TO_BATON
"""

import http.client
import json
import os
import subprocess
import tempfile
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

import harness
from test_functions import LAMBDA_ROLE, zip_bytes

REGION = harness.REGION
ACCOUNT = harness.ACCOUNT
ROLE = f"arn:aws:iam::{ACCOUNT}:role/apigateway"

ECHO = r"""
exports.handler = async (event) => {
  const path = event.rawPath || '';
  if (path.endsWith('/teapot')) {
    return {statusCode: 418, headers: {'content-type': 'application/json'},
            body: JSON.stringify({message: 'short and stout'})};
  }
  if (path.endsWith('/text')) {
    return {statusCode: 200, headers: {'content-type': 'text/plain', 'x-origin': 'fn'},
            body: 'plain words'};
  }
  return {statusCode: 200, headers: {'content-type': 'application/json', 'x-origin': 'fn'},
          body: JSON.stringify({method: event.requestContext.http.method, path,
                                query: event.rawQueryString, headers: event.headers,
                                body: event.body || null, stage: event.requestContext.stage})};
};
"""


def client(server, service):
    return boto3.session.Session().client(
        service, endpoint_url=server.endpoint, region_name=REGION,
        config=Config(retries={"max_attempts": 1}))


class IntegrationTest(harness.ServerTest):
    """A server with the clients of the services the integrations reach."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.apigw = client(cls.server, "apigatewayv2")
        cls.sqs = client(cls.server, "sqs")
        cls.events = client(cls.server, "events")
        cls.lam = client(cls.server, "lambda")

    @classmethod
    def tearDownClass(cls):
        for c in (cls.apigw, cls.sqs, cls.events, cls.lam):
            c.close()
        super().tearDownClass()

    def make_api(self, name, stage_variables=None):
        api = self.apigw.create_api(Name=name, ProtocolType="HTTP")["ApiId"]
        self.apigw.create_stage(ApiId=api, StageName="$default", AutoDeploy=True,
                                StageVariables=stage_variables or {})
        return api

    def route(self, api, key, **integration):
        integration.setdefault("IntegrationType", "AWS_PROXY")
        if "IntegrationSubtype" in integration:
            integration.setdefault("PayloadFormatVersion", "1.0")
            integration.setdefault("CredentialsArn", ROLE)
        made = self.apigw.create_integration(ApiId=api, **integration)
        self.apigw.create_route(ApiId=api, RouteKey=key,
                                Target=f"integrations/{made['IntegrationId']}")
        return made

    def request(self, api, method, path, body=None, headers=()):
        """(status, {header: value} with names lower-cased, body bytes)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.server.api_port, timeout=30)
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", f"{api}.execute-api.localhost:{self.server.api_port}")
        for name, value in headers:
            connection.putheader(name, value)
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            connection.putheader("Content-Length", str(len(data)))
        connection.endheaders(data)
        response = connection.getresponse()
        answer = response.read()
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, answer

    def refused(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        response = caught.exception.response
        self.assertEqual(response["Error"]["Code"], "BadRequestException",
                         response["Error"].get("Message"))
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)
        return response["Error"]["Message"]

    def receive(self, queue_url):
        got = []

        def arrived():
            got.extend(self.sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1,
                                                MessageAttributeNames=["All"]).get("Messages", []))
            return bool(got)

        harness.wait_for(arrived, what="a message in " + queue_url)
        return got[0]


class SqsTest(IntegrationTest):

    def test_send_message_maps_body_headers_query_path_and_mixed_values(self):
        queue = self.sqs.create_queue(QueueName="orders")["QueueUrl"]
        api = self.make_api("orders")
        self.route(api, "POST /orders", IntegrationSubtype="SQS-SendMessage", RequestParameters={
            "QueueUrl": queue, "MessageBody": "$request.body.message",
            "DelaySeconds": "$request.querystring.delay",
            "MessageAttributes": "$request.body.attributes"})
        self.route(api, "POST /orders/{id}", IntegrationSubtype="SQS-SendMessage",
                   RequestParameters={"QueueUrl": queue,
                                      "MessageBody": "order ${request.path.id} by "
                                                     "${request.header.x-user} (${context.stage})"})
        status, headers, body = self.request(api, "POST", "/orders?delay=0", {
            "message": "two pears",
            "attributes": {"kind": {"DataType": "String", "StringValue": "fruit"}}})
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["content-type"], "application/json")
        sent = json.loads(body)
        message = self.receive(queue)
        self.assertEqual(message["Body"], "two pears")
        self.assertEqual(sent["MessageId"], message["MessageId"])
        self.assertEqual(message["MessageAttributes"]["kind"]["StringValue"], "fruit")

        status, _, body = self.request(api, "POST", "/orders/77", b"",
                                       headers=[("X-User", "ada")])
        self.assertEqual(status, 200, body)
        self.assertEqual(self.receive(queue)["Body"], "order 77 by ada ($default)")

    def test_receive_delete_and_purge(self):
        queue = self.sqs.create_queue(QueueName="inbox")["QueueUrl"]
        api = self.make_api("inbox")
        self.route(api, "GET /messages", IntegrationSubtype="SQS-ReceiveMessage",
                   RequestParameters={"QueueUrl": queue,
                                      "MaxNumberOfMessages": "$request.querystring.most"})
        self.route(api, "DELETE /messages", IntegrationSubtype="SQS-DeleteMessage",
                   RequestParameters={"QueueUrl": queue,
                                      "ReceiptHandle": "$request.header.x-receipt"})
        self.route(api, "DELETE /all", IntegrationSubtype="SQS-PurgeQueue",
                   RequestParameters={"QueueUrl": queue})
        self.sqs.send_message(QueueUrl=queue, MessageBody="first")
        status, _, body = self.request(api, "GET", "/messages?most=5")
        self.assertEqual(status, 200, body)
        received = json.loads(body)["Messages"]
        self.assertEqual([m["Body"] for m in received], ["first"])
        status, _, body = self.request(api, "DELETE", "/messages",
                                       headers=[("X-Receipt", received[0]["ReceiptHandle"])])
        self.assertEqual(status, 200, body)
        self.sqs.send_message(QueueUrl=queue, MessageBody="second")
        status, _, body = self.request(api, "DELETE", "/all")
        self.assertEqual(status, 200, body)
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages",
                                            "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        self.assertEqual(attributes, {"ApproximateNumberOfMessages": "0",
                                      "ApproximateNumberOfMessagesNotVisible": "0"})

    def test_a_service_error_passes_through_and_an_unresolved_parameter_is_a_bad_request(self):
        api = self.make_api("broken")
        self.route(api, "POST /nowhere", IntegrationSubtype="SQS-SendMessage", RequestParameters={
            "QueueUrl": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/missing",
            "MessageBody": "$request.body"})
        self.route(api, "POST /unresolved", IntegrationSubtype="SQS-SendMessage",
                   RequestParameters={"QueueUrl": "$request.header.x-queue",
                                      "MessageBody": "$request.body"})
        status, headers, body = self.request(api, "POST", "/nowhere", {"a": 1})
        self.assertEqual(status, 400, body)
        self.assertEqual(headers["content-type"], "application/json")
        error = json.loads(body)
        self.assertIn("QueueDoesNotExist", error["__type"])
        self.assertTrue(error["message"])
        status, _, body = self.request(api, "POST", "/unresolved", {"a": 1})
        self.assertEqual((status, json.loads(body)), (400, {"message": "Bad Request"}))
        self.assertIn("Unable to resolve property QueueUrl from source $request.header.x-queue",
                      self.server.log())

    def test_response_parameters_overwrite_the_status_and_map_headers(self):
        queue = self.sqs.create_queue(QueueName="accepted")["QueueUrl"]
        api = self.make_api("accepted")
        self.route(api, "POST /jobs", IntegrationSubtype="SQS-SendMessage",
                   RequestParameters={"QueueUrl": queue, "MessageBody": "$request.body"},
                   ResponseParameters={"200": {
                       "overwrite:statuscode": "202",
                       "append:header.x-message-id": "$response.body.MessageId",
                       "overwrite:header.x-stage": "${context.stage}-${context.apiId}"}})
        status, headers, body = self.request(api, "POST", "/jobs", {"job": 1})
        self.assertEqual(status, 202, body)
        self.assertEqual(headers["x-message-id"], json.loads(body)["MessageId"])
        self.assertEqual(headers["x-stage"], f"$default-{api}")
        self.assertEqual(json.loads(self.receive(queue)["Body"]), {"job": 1})


class StepFunctionsTest(IntegrationTest):

    def machine(self, name, definition, kind="STANDARD"):
        return self.sfn.create_state_machine(name=name, definition=json.dumps(definition),
                                             roleArn=harness.ROLE, type=kind)["stateMachineArn"]

    def test_start_execution_with_the_mapped_input_and_name(self):
        arn = self.machine("greet", {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
        api = self.make_api("flows", stage_variables={"machine": arn})
        self.route(api, "POST /start", IntegrationSubtype="StepFunctions-StartExecution",
                   RequestParameters={"StateMachineArn": "$stageVariables.machine",
                                      "Name": "$request.header.x-name",
                                      "Input": "$request.body"})
        status, _, body = self.request(api, "POST", "/start", {"who": "ada"},
                                       headers=[("X-Name", "first-run")])
        self.assertEqual(status, 200, body)
        started = json.loads(body)
        self.assertEqual(started["executionArn"], harness.execution_arn("greet", "first-run"))
        self.assertIsInstance(started["startDate"], (int, float))
        described = self.sfn.describe_execution(executionArn=started["executionArn"])
        self.assertEqual(json.loads(described["input"]), {"who": "ada"})
        # The same name again: Step Functions' error, passed through.
        status, _, body = self.request(api, "POST", "/start", {"who": "bob"},
                                       headers=[("X-Name", "first-run")])
        self.assertEqual((status, json.loads(body)["__type"]), (400, "ExecutionAlreadyExists"))

    def test_start_sync_execution_answers_the_output(self):
        arn = self.machine("double", {"StartAt": "Twice", "States": {"Twice": {
            "Type": "Pass", "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"},
            "End": True}}}, kind="EXPRESS")
        api = self.make_api("sync")
        self.route(api, "POST /double", IntegrationSubtype="StepFunctions-StartSyncExecution",
                   RequestParameters={"StateMachineArn": arn, "Input": "$request.body"})
        status, _, body = self.request(api, "POST", "/double", {"n": 21})
        self.assertEqual(status, 200, body)
        answer = json.loads(body)
        self.assertEqual(answer["status"], "SUCCEEDED")
        self.assertEqual(json.loads(answer["output"]), {"twice": 42})

    def test_stop_execution(self):
        arn = self.machine("slow", {"StartAt": "Wait", "States": {"Wait": {
            "Type": "Wait", "Seconds": 3600, "End": True}}})
        execution = self.sfn.start_execution(stateMachineArn=arn)["executionArn"]
        api = self.make_api("stopper")
        self.route(api, "POST /stop", IntegrationSubtype="StepFunctions-StopExecution",
                   RequestParameters={"ExecutionArn": "$request.body.execution",
                                      "Error": "Stopped.ByApi", "Cause": "$request.body.why"})
        status, _, body = self.request(api, "POST", "/stop",
                                       {"execution": execution, "why": "enough"})
        self.assertEqual(status, 200, body)
        self.assertIn("stopDate", json.loads(body))
        described = self.sfn.describe_execution(executionArn=execution)
        self.assertEqual((described["status"], described["error"], described["cause"]),
                         ("ABORTED", "Stopped.ByApi", "enough"))


class EventBridgeTest(IntegrationTest):

    def test_put_events_reaches_a_rules_queue(self):
        queue = self.sqs.create_queue(QueueName="shop-events")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(
            QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.events.put_rule(Name="orders", EventPattern=json.dumps({"source": ["shop"]}))
        self.events.put_targets(Rule="orders", Targets=[{"Id": "q", "Arn": queue_arn}])
        api = self.make_api("events")
        self.route(api, "POST /events", IntegrationSubtype="EventBridge-PutEvents",
                   RequestParameters={"Source": "shop", "DetailType": "$request.header.x-type",
                                      "Detail": "$request.body",
                                      "Resources": "$request.querystring.resource"})
        status, _, body = self.request(api, "POST", "/events?resource=arn:aws:shop:order/1",
                                       {"order": 1}, headers=[("X-Type", "OrderPlaced")])
        self.assertEqual(status, 200, body)
        answer = json.loads(body)
        self.assertEqual(answer["FailedEntryCount"], 0)
        event = json.loads(self.receive(queue)["Body"])
        self.assertEqual((event["source"], event["detail-type"], event["detail"],
                          event["resources"]),
                         ("shop", "OrderPlaced", {"order": 1}, ["arn:aws:shop:order/1"]))
        self.assertEqual(event["id"], answer["Entries"][0]["EventId"])


class CreateIntegrationErrorsTest(IntegrationTest):

    def test_errors_name_the_subtype_and_the_parameter(self):
        api = self.make_api("errors")
        queue = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/q"
        base = {"ApiId": api, "IntegrationType": "AWS_PROXY", "PayloadFormatVersion": "1.0",
                "CredentialsArn": ROLE}
        message = self.refused(self.apigw.create_integration, **base,
                               IntegrationSubtype="SQS-SendMessages",
                               RequestParameters={"QueueUrl": queue})
        self.assertIn("SQS-SendMessages", message)
        message = self.refused(self.apigw.create_integration, **base,
                               IntegrationSubtype="Kinesis-PutRecord",
                               RequestParameters={"StreamName": "s"})
        self.assertIn("Kinesis-PutRecord is not supported by baton", message)
        message = self.refused(self.apigw.create_integration, **base,
                               IntegrationSubtype="SQS-SendMessage",
                               RequestParameters={"QueueUrl": queue})
        self.assertIn("Parameter: MessageBody is required for integration subtype: "
                      "SQS-SendMessage", message)
        message = self.refused(self.apigw.create_integration, **base,
                               IntegrationSubtype="SQS-SendMessage",
                               RequestParameters={"QueueUrl": queue, "MessageBody": "x",
                                                  "Color": "blue"})
        self.assertIn("Parameter: Color is not supported for integration subtype: "
                      "SQS-SendMessage", message)
        message = self.refused(self.apigw.create_integration, **base,
                               IntegrationSubtype="SQS-SendMessage",
                               RequestParameters={"QueueUrl": queue,
                                                  "MessageBody": "$request.bogus.x"})
        self.assertIn("Invalid source: $request.bogus.x specified for destination: MessageBody",
                      message)
        message = self.refused(self.apigw.create_integration, ApiId=api,
                               IntegrationType="AWS_PROXY", PayloadFormatVersion="1.0",
                               IntegrationSubtype="SQS-PurgeQueue",
                               RequestParameters={"QueueUrl": queue})
        self.assertIn("CredentialsArn is required", message)
        message = self.refused(self.apigw.create_integration, **base,
                               IntegrationSubtype="SQS-PurgeQueue",
                               RequestParameters={"QueueUrl": queue},
                               ResponseParameters={"200": {"rewrite:header.x": "y"}})
        self.assertIn("rewrite:header.x", message)
        made = self.apigw.create_integration(**base, IntegrationSubtype="SQS-PurgeQueue",
                                             RequestParameters={"QueueUrl": queue})
        self.assertEqual(made["IntegrationSubtype"], "SQS-PurgeQueue")
        self.assertEqual(made["CredentialsArn"], ROLE)
        message = self.refused(self.apigw.update_integration, ApiId=api,
                               IntegrationId=made["IntegrationId"],
                               RequestParameters={"QueueUrl": queue, "Region": REGION,
                                                  "Extra": "1"})
        self.assertIn("Parameter: Extra is not supported", message)


class LambdaMappingTest(IntegrationTest):

    def test_request_and_response_parameters_of_a_lambda_integration(self):
        self.lam.create_function(FunctionName="mapped", Runtime="nodejs20.x",
                                 Handler="index.handler", Role=LAMBDA_ROLE, Timeout=10,
                                 Code={"ZipFile": zip_bytes({"index.js": ECHO})})
        api = self.make_api("mapped")
        self.route(api, "GET /echo", PayloadFormatVersion="2.0",
                   IntegrationUri=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:mapped",
                   RequestParameters={"append:header.x-who": "$request.querystring.who",
                                      "remove:header.x-drop": "''",
                                      "overwrite:querystring.q": "fixed"},
                   ResponseParameters={"200": {"overwrite:header.x-origin": "api",
                                               "append:header.x-copied":
                                                   "$response.header.content-type",
                                               "overwrite:statuscode": "203"}})
        status, headers, body = self.request(api, "GET", "/echo?who=ada&q=asked",
                                             headers=[("X-Drop", "secret")])
        self.assertEqual(status, 203, body)
        event = json.loads(body)
        self.assertEqual(event["headers"]["x-who"], "ada")
        self.assertNotIn("x-drop", event["headers"])
        self.assertIn("q=fixed", event["query"])
        self.assertNotIn("q=asked", event["query"])
        self.assertEqual((headers["x-origin"], headers["x-copied"]), ("api", "application/json"))


class ApiGatewayInvokeTest(IntegrationTest):
    """Step Functions' arn:aws:states:::apigateway:invoke against an HTTP API of baton's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam.create_function(FunctionName="echo", Runtime="nodejs20.x",
                                Handler="index.handler", Role=LAMBDA_ROLE, Timeout=10,
                                Code={"ZipFile": zip_bytes({"index.js": ECHO})})
        cls.api = cls.apigw.create_api(
            Name="invoked", ProtocolType="HTTP",
            Target=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:echo")["ApiId"]
        cls.apigw.create_stage(ApiId=cls.api, StageName="prod")

    def run_task(self, name, parameters, pattern=""):
        definition = {"StartAt": "Call", "States": {"Call": {
            "Type": "Task", "Resource": "arn:aws:states:::apigateway:invoke" + pattern,
            "Parameters": parameters, "End": True}}}
        arn = self.sfn.create_state_machine(name=name, definition=json.dumps(definition),
                                            roleArn=harness.ROLE)["stateMachineArn"]
        return self.sfn.start_execution(stateMachineArn=arn, input=json.dumps({"n": 7}))[
            "executionArn"]

    def test_invoke_sends_the_request_and_gives_the_response(self):
        execution = self.run_task("invoke", {
            "ApiEndpoint": f"{self.api}.execute-api.{REGION}.amazonaws.com",
            "Method": "POST", "Stage": "prod", "Path": "/items/7",
            "QueryParameters": {"tag": ["a", "b"]}, "Headers": {"x-trace": ["t1"]},
            "RequestBody": {"n.$": "$.n"}, "AuthType": "NO_AUTH"})
        described = harness.wait_for_status(self.sfn, execution)
        self.assertEqual(described["status"], "SUCCEEDED", described.get("cause"))
        output = json.loads(described["output"])
        self.assertEqual((output["StatusCode"], output["StatusText"]), (200, "OK"))
        self.assertEqual(output["Headers"]["x-origin"], ["fn"])
        body = output["ResponseBody"]
        # rawPath keeps the stage's segment, as AWS's payload 2.0 does.
        self.assertEqual((body["method"], body["path"], body["stage"]),
                         ("POST", "/prod/items/7", "prod"))
        self.assertEqual(body["query"], "tag=a&tag=b")
        self.assertEqual(body["headers"]["x-trace"], "t1")
        self.assertEqual(json.loads(body["body"]), {"n": 7})

    def test_text_answers_stay_text(self):
        execution = self.run_task("text", {
            "ApiEndpoint": f"{self.api}.execute-api.{REGION}.amazonaws.com",
            "Method": "GET", "Path": "text"})
        described = harness.wait_for_status(self.sfn, execution)
        self.assertEqual(described["status"], "SUCCEEDED", described.get("cause"))
        self.assertEqual(json.loads(described["output"])["ResponseBody"], "plain words")

    def test_a_failing_status_fails_the_task(self):
        execution = self.run_task("teapot", {
            "ApiEndpoint": f"{self.api}.execute-api.{REGION}.amazonaws.com",
            "Method": "GET", "Path": "/teapot"})
        described = harness.wait_for_status(self.sfn, execution)
        self.assertEqual((described["status"], described["error"]), ("FAILED", "ApiGateway.418"))
        cause = json.loads(described["cause"])
        self.assertEqual(cause["ResponseBody"], {"message": "short and stout"})

    def test_another_host_is_refused(self):
        execution = self.run_task("elsewhere", {
            "ApiEndpoint": "example.com", "Method": "GET"})
        described = harness.wait_for_status(self.sfn, execution)
        self.assertEqual((described["status"], described["error"]),
                         ("FAILED", "States.TaskFailed"))
        self.assertIn("baton does not reach other hosts", described["cause"])

    def test_wait_for_task_token(self):
        execution = self.run_task("callback", {
            "ApiEndpoint": f"{self.api}.execute-api.{REGION}.amazonaws.com",
            "Method": "POST", "Path": "/later",
            "Headers": {"TaskToken.$": "States.Array($$.Task.Token)"}}, ".waitForTaskToken")

        def submitted():
            events = self.sfn.get_execution_history(executionArn=execution)["events"]
            return [e for e in events if e["type"] == "TaskSubmitted"]

        harness.wait_for(submitted, what="TaskSubmitted")
        output = json.loads(submitted()[0]["taskSubmittedEventDetails"]["output"])
        token = output["ResponseBody"]["headers"]["tasktoken"]
        self.sfn.send_task_success(taskToken=token, output=json.dumps({"done": True}))
        described = harness.wait_for_status(self.sfn, execution)
        self.assertEqual((described["status"], json.loads(described["output"])),
                         ("SUCCEEDED", {"done": True}))


class SchedulerSdkTest(IntegrationTest):
    """aws-sdk:scheduler:* from a state machine, on baton's Scheduler."""

    def test_create_get_delete_schedule(self):
        queue = self.sqs.create_queue(QueueName="scheduled")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(
            QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sdk = "arn:aws:states:::aws-sdk:scheduler:"
        definition = {"StartAt": "Create", "States": {
            "Create": {"Type": "Task", "Resource": sdk + "createSchedule", "Parameters": {
                "Name.$": "$.name", "ScheduleExpression": "at(2040-01-01T00:00:00)",
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "Target": {"Arn": queue_arn, "RoleArn": ROLE, "Input": "hello"}},
                "ResultPath": "$.created", "Next": "Get"},
            "Get": {"Type": "Task", "Resource": sdk + "getSchedule",
                    "Parameters": {"Name.$": "$.name"}, "ResultPath": "$.got", "Next": "Delete"},
            "Delete": {"Type": "Task", "Resource": sdk + "deleteSchedule",
                       "Parameters": {"Name.$": "$.name"}, "ResultPath": "$.deleted",
                       "Next": "GetAgain"},
            "GetAgain": {"Type": "Task", "Resource": sdk + "getSchedule",
                         "Parameters": {"Name.$": "$.name"}, "End": True,
                         "Catch": [{"ErrorEquals": ["Scheduler.ResourceNotFoundException"],
                                    "ResultPath": "$.missing", "Next": "Gone"}]},
            "Gone": {"Type": "Succeed"}}}
        arn = self.sfn.create_state_machine(name="schedules", definition=json.dumps(definition),
                                            roleArn=harness.ROLE)["stateMachineArn"]
        execution = self.sfn.start_execution(stateMachineArn=arn,
                                             input=json.dumps({"name": "nightly"}))["executionArn"]
        described = harness.wait_for_status(self.sfn, execution)
        self.assertEqual(described["status"], "SUCCEEDED", described.get("cause"))
        output = json.loads(described["output"])
        self.assertEqual(output["created"]["ScheduleArn"],
                         f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/nightly")
        self.assertEqual((output["got"]["Name"], output["got"]["ScheduleExpression"],
                          output["got"]["Target"]["Arn"]),
                         ("nightly", "at(2040-01-01T00:00:00)", queue_arn))
        self.assertEqual(output["deleted"], {})
        self.assertEqual(output["missing"]["Error"], "Scheduler.ResourceNotFoundException")
        scheduler = client(self.server, "scheduler")
        self.addCleanup(scheduler.close)
        self.assertEqual(scheduler.list_schedules()["Schedules"], [])


TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: deployed-orders
  ApiRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: apigateway.amazonaws.com},
                     Action: sts:AssumeRole}]
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: deployed-flow
      Definition:
        StartAt: Done
        States:
          Done: {Type: Succeed}
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionBody:
        openapi: "3.0.1"
        info: {title: shop, version: "1"}
        paths:
          /orders:
            post:
              x-amazon-apigateway-integration:
                type: aws_proxy
                integrationSubtype: SQS-SendMessage
                payloadFormatVersion: "1.0"
                credentials: !GetAtt ApiRole.Arn
                requestParameters:
                  QueueUrl: !Ref Orders
                  MessageBody: $request.body.order
                responseParameters:
                  "200":
                    overwrite:statuscode: "202"
          /tagged/{tag}:
            post:
              x-amazon-apigateway-integration:
                $ref: "#/components/x-amazon-apigateway-integrations/tagged"
        components:
          x-amazon-apigateway-integrations:
            tagged:
              type: aws_proxy
              integrationSubtype: SQS-SendMessage
              payloadFormatVersion: "1.0"
              credentials: !GetAtt ApiRole.Arn
              requestParameters:
                QueueUrl: !GetAtt Orders.QueueUrl
                MessageBody: !Sub "tag ${!request.path.tag}"
  Raw:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: raw-flows
      ProtocolType: HTTP
  StartFlow:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Raw
      IntegrationType: AWS_PROXY
      IntegrationSubtype: StepFunctions-StartExecution
      PayloadFormatVersion: "1.0"
      CredentialsArn: !GetAtt ApiRole.Arn
      RequestParameters:
        StateMachineArn: !Ref Flow
        Input: $request.body
      ResponseParameters:
        "200":
          ResponseParameters:
            - Destination: overwrite:statuscode
              Source: "201"
  StartRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Raw
      RouteKey: POST /flows
      Target: !Sub integrations/${StartFlow}
  RawStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Raw
      StageName: $default
      AutoDeploy: true
"""


class DeployTest(IntegrationTest):

    def test_deploy_an_openapi_body_and_integration_resources_with_subtypes(self):
        with tempfile.TemporaryDirectory() as folder:
            project = os.path.join(folder, "shop")
            os.makedirs(project)
            with open(os.path.join(project, "template.yaml"), "w") as f:
                f.write(TEMPLATE)
            done = subprocess.run([harness.BATON, "deploy", project, "--endpoint",
                                   self.server.endpoint], capture_output=True, text=True,
                                  timeout=120)
            self.assertEqual(done.returncode, 0, done.stderr + done.stdout)
            apis = {a["Name"]: a["ApiId"] for a in self.apigw.get_apis()["Items"]}
            self.assertIn("shop", apis, done.stdout)
            queue = self.sqs.get_queue_url(QueueName="deployed-orders")["QueueUrl"]
            status, _, body = self.request(apis["shop"], "POST", "/orders",
                                           {"order": "three plums"})
            self.assertEqual(status, 202, body)
            self.assertEqual(self.receive(queue)["Body"], "three plums")
            status, _, body = self.request(apis["shop"], "POST", "/tagged/ripe", b"")
            self.assertEqual(status, 200, body)
            self.assertEqual(self.receive(queue)["Body"], "tag ripe")

            status, _, body = self.request(apis["raw-flows"], "POST", "/flows", {"x": 1})
            self.assertEqual(status, 201, body)
            execution = json.loads(body)["executionArn"]
            described = self.sfn.describe_execution(executionArn=execution)
            self.assertEqual(json.loads(described["input"]), {"x": 1})
            integration = [i for i in self.apigw.get_integrations(ApiId=apis["raw-flows"])["Items"]
                           if i.get("IntegrationSubtype")][0]
            self.assertEqual(integration["ResponseParameters"],
                             {"200": {"overwrite:statuscode": "201"}})
            self.assertEqual(integration["CredentialsArn"], f"arn:aws:iam::{ACCOUNT}:role/ApiRole")


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main(verbosity=2)
