"""API Gateway's REST APIs on `baton serve`: the management API through boto3's apigateway client
(APIs, resources, methods, integrations and their responses, deployments, stages, OpenAPI
import, TestInvokeMethod, AWS's errors, a restart), and the methods served on the HTTP API port:
Lambda proxy integrations (payload 1.0) in front of a real Node.js function, mock integrations,
AWS integrations with Velocity mapping templates to Step Functions and SQS, stages and their
deployments, and AWS's answers to paths it does not have.

usage: python3 tests/serve/test_rest_api.py PATH_TO_BATON
"""

import http.client
import json
import time
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

import harness
from test_functions import LAMBDA_ROLE, zip_bytes

REGION = harness.REGION
ACCOUNT = harness.ACCOUNT

NODE = r"""
exports.handler = async (event) => {
  if (event.queryStringParameters && event.queryStringParameters.mode === 'throw') {
    throw new Error('boom');
  }
  if (event.httpMethod === undefined) {
    // A non-proxy integration: the mapped body is the event.
    if (event.fail) throw new Error('Bad input: ' + event.fail);
    return {echo: event};
  }
  return {statusCode: 200, headers: {'content-type': 'application/json'},
          multiValueHeaders: {'x-many': ['a', 'b']}, body: JSON.stringify(event)};
};
"""

WAIT_DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})


def client(server, service):
    return boto3.session.Session().client(
        service, endpoint_url=server.endpoint, region_name=REGION,
        config=Config(retries={"max_attempts": 1}))


def function_uri(name):
    return (f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
            f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}/invocations")


class RestApiTest(harness.ServerTest):
    """A server with the apigateway, Lambda, Step Functions and SQS clients, and a function."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.apigw = client(cls.server, "apigateway")
        cls.lam = client(cls.server, "lambda")
        cls.sqs = client(cls.server, "sqs")
        cls.lam.create_function(FunctionName="echo", Runtime="nodejs20.x",
                                Role=LAMBDA_ROLE, Handler="index.handler",
                                Code={"ZipFile": zip_bytes({"index.js": NODE})})

    @classmethod
    def tearDownClass(cls):
        for c in (cls.apigw, cls.lam, cls.sqs):
            c.close()
        super().tearDownClass()

    def refused(self, code, status, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        response = caught.exception.response
        self.assertEqual(response["Error"]["Code"], code, response["Error"].get("Message"))
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status)
        return response["Error"]["Message"]

    def request(self, method, path, body=None, headers=(), host=None):
        """(status, {header: value} with names lower-cased, body text)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.server.api_port, timeout=30)
        connection.putrequest(method, path, skip_host=host is not None,
                              skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host)
        for name, value in headers:
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body.encode() if isinstance(body, str) else body)
        response = connection.getresponse()
        data = response.read().decode()
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def root_of(self, api_id):
        """The id of the API's "/" (rootResourceId, which Debian's boto3 does not read)."""
        return next(r["id"] for r in self.apigw.get_resources(restApiId=api_id)["items"]
                    if r["path"] == "/")

    def host(self, api_id):
        return f"{api_id}.execute-api.localhost:{self.server.api_port}"

    def api_with_method(self, name, path_part, method="GET", integration=None):
        """An API with /PATH_PART and one method on it; (api id, resource id)."""
        api = self.apigw.create_rest_api(name=name)
        root = self.root_of(api["id"])
        resource = self.apigw.create_resource(restApiId=api["id"], parentId=root,
                                              pathPart=path_part)
        self.apigw.put_method(restApiId=api["id"], resourceId=resource["id"], httpMethod=method,
                              authorizationType="NONE")
        self.apigw.put_integration(restApiId=api["id"], resourceId=resource["id"],
                                   httpMethod=method, **(integration or {
                                       "type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                       "uri": function_uri("echo")}))
        return api["id"], resource["id"]


class ManagementTest(RestApiTest):

    def test_api_lifecycle_and_errors(self):
        api = self.apigw.create_rest_api(name="pets", description="first",
                                         tags={"team": "a"})
        self.assertRegex(api["id"], r"^[a-z0-9]{10}$")
        self.assertEqual(api["apiKeySource"], "HEADER")
        self.assertEqual(api["endpointConfiguration"]["types"], ["EDGE"])
        resources = self.apigw.get_resources(restApiId=api["id"])["items"]
        self.assertEqual([r["path"] for r in resources], ["/"])
        root = resources[0]["id"]
        self.assertIn(api["id"], [a["id"] for a in self.apigw.get_rest_apis()["items"]])
        updated = self.apigw.update_rest_api(restApiId=api["id"], patchOperations=[
            {"op": "replace", "path": "/name", "value": "pets2"},
            {"op": "add", "path": "/binaryMediaTypes/image~1png"}])
        self.assertEqual(updated["name"], "pets2")
        self.assertEqual(updated["binaryMediaTypes"], ["image/png"])
        message = self.refused("BadRequestException", 400, self.apigw.create_deployment,
                               restApiId=api["id"], stageName="prod")
        self.assertEqual(message, "The REST API doesn't contain any methods")
        pets = self.apigw.create_resource(restApiId=api["id"], parentId=root,
                                          pathPart="pets")
        self.assertEqual(pets["path"], "/pets")
        pet = self.apigw.create_resource(restApiId=api["id"], parentId=pets["id"],
                                         pathPart="{petId}")
        self.assertEqual(pet["path"], "/pets/{petId}")
        self.refused("ConflictException", 409, self.apigw.create_resource,
                     restApiId=api["id"], parentId=root, pathPart="pets")
        message = self.refused("BadRequestException", 400, self.apigw.create_resource,
                               restApiId=api["id"], parentId=pets["id"], pathPart="{other}")
        self.assertIn("only one is allowed", message)
        self.apigw.put_method(restApiId=api["id"], resourceId=pet["id"], httpMethod="GET",
                              authorizationType="NONE",
                              requestParameters={"method.request.path.petId": True})
        self.refused("ConflictException", 409, self.apigw.put_method, restApiId=api["id"],
                     resourceId=pet["id"], httpMethod="GET", authorizationType="NONE")
        message = self.refused("BadRequestException", 400, self.apigw.create_deployment,
                               restApiId=api["id"], stageName="prod")
        self.assertIn("No integration defined for method", message)
        integration = self.apigw.put_integration(
            restApiId=api["id"], resourceId=pet["id"], httpMethod="GET", type="AWS_PROXY",
            integrationHttpMethod="POST", uri=function_uri("echo"))
        self.assertEqual((integration["type"], integration["httpMethod"],
                          integration["passthroughBehavior"], integration["timeoutInMillis"]),
                         ("AWS_PROXY", "POST", "WHEN_NO_MATCH", 29000))
        message = self.refused("BadRequestException", 400, self.apigw.put_integration,
                               restApiId=api["id"], resourceId=pet["id"], httpMethod="GET",
                               type="MOCK", requestTemplates={"application/json": "#foreach("})
        self.assertIn("Invalid mapping expression specified", message)
        self.refused("NotFoundException", 404, self.apigw.put_integration_response,
                     restApiId=api["id"], resourceId=pet["id"], httpMethod="GET",
                     statusCode="200")
        self.apigw.put_method_response(restApiId=api["id"], resourceId=pet["id"],
                                       httpMethod="GET", statusCode="200")
        self.apigw.put_integration_response(restApiId=api["id"], resourceId=pet["id"],
                                            httpMethod="GET", statusCode="200",
                                            selectionPattern="")
        method = self.apigw.get_method(restApiId=api["id"], resourceId=pet["id"], httpMethod="GET")
        self.assertEqual(method["methodIntegration"]["uri"], function_uri("echo"))
        self.assertEqual(list(method["methodResponses"]), ["200"])
        embedded = self.apigw.get_resources(restApiId=api["id"], embed=["methods"])["items"]
        self.assertEqual({r["path"]: sorted(r.get("resourceMethods", {})) for r in embedded},
                         {"/": [], "/pets": [], "/pets/{petId}": ["GET"]})
        deployment = self.apigw.create_deployment(restApiId=api["id"], stageName="prod",
                                                  description="v1", variables={"color": "blue"})
        self.assertRegex(deployment["id"], r"^[a-z0-9]{6}$")
        stage = self.apigw.get_stage(restApiId=api["id"], stageName="prod")
        self.assertEqual((stage["deploymentId"], stage["variables"]),
                         (deployment["id"], {"color": "blue"}))
        self.assertEqual([d["id"] for d in self.apigw.get_deployments(restApiId=api["id"])["items"]],
                         [deployment["id"]])
        message = self.refused("BadRequestException", 400, self.apigw.delete_deployment,
                               restApiId=api["id"], deploymentId=deployment["id"])
        self.assertIn("Active stages", message)
        self.apigw.update_stage(restApiId=api["id"], stageName="prod", patchOperations=[
            {"op": "replace", "path": "/variables/color", "value": "green"}])
        self.assertEqual(self.apigw.get_stages(restApiId=api["id"])["item"][0]["variables"],
                         {"color": "green"})
        self.refused("ConflictException", 409, self.apigw.create_stage, restApiId=api["id"],
                     stageName="prod", deploymentId=deployment["id"])
        self.apigw.delete_resource(restApiId=api["id"], resourceId=pets["id"])
        self.assertEqual([r["path"] for r in self.apigw.get_resources(restApiId=api["id"])["items"]],
                         ["/"])
        self.apigw.delete_rest_api(restApiId=api["id"])
        message = self.refused("NotFoundException", 404, self.apigw.get_rest_api,
                               restApiId=api["id"])
        self.assertEqual(message, f"Invalid API identifier specified {ACCOUNT}:{api['id']}")

    def test_import_openapi_and_test_invoke(self):
        document = {
            "openapi": "3.0.1", "info": {"title": "imported"},
            "paths": {
                "/items/{id}": {
                    "get": {
                        "parameters": [{"name": "id", "in": "path", "required": True}],
                        "x-amazon-apigateway-integration": {
                            "type": "aws_proxy", "httpMethod": "POST",
                            "uri": function_uri("echo")}}},
                "/health": {
                    "x-amazon-apigateway-any-method": {
                        "x-amazon-apigateway-integration": {
                            "type": "mock",
                            "requestTemplates": {"application/json": '{"statusCode": 200}'},
                            "responses": {"default": {"statusCode": "200"}}},
                        "responses": {"200": {"description": "ok"}}}}}}
        api = self.apigw.import_rest_api(body=json.dumps(document).encode())
        self.assertEqual(api["name"], "imported")
        by_path = {r["path"]: r for r in self.apigw.get_resources(
            restApiId=api["id"], embed=["methods"])["items"]}
        self.assertEqual(sorted(by_path), ["/", "/health", "/items", "/items/{id}"])
        get = by_path["/items/{id}"]["resourceMethods"]["GET"]
        self.assertEqual(get["requestParameters"], {"method.request.path.id": True})
        self.assertEqual(get["methodIntegration"]["type"], "AWS_PROXY")
        self.assertEqual(list(by_path["/health"]["resourceMethods"]), ["ANY"])
        tested = self.apigw.test_invoke_method(
            restApiId=api["id"], resourceId=by_path["/items/{id}"]["id"], httpMethod="GET",
            pathWithQueryString="/items/42?x=1", headers={"X-Test": "yes"})
        self.assertEqual(tested["status"], 200)
        event = json.loads(tested["body"])
        self.assertEqual((event["resource"], event["path"], event["pathParameters"],
                          event["queryStringParameters"]),
                         ("/items/{id}", "/items/42", {"id": "42"}, {"x": "1"}))
        # PutRestApi overwrite: only what the new document has.
        document["paths"].pop("/health")
        self.apigw.put_rest_api(restApiId=api["id"], mode="overwrite",
                                body=json.dumps(document).encode())
        self.assertEqual(sorted(r["path"] for r in self.apigw.get_resources(
            restApiId=api["id"])["items"]), ["/", "/items", "/items/{id}"])
        broken = {"swagger": "2.0", "info": {"title": "broken"}, "paths": {"/x": {"get": {
            "x-amazon-apigateway-integration": {
                "type": "mock", "requestTemplates": {"application/json": "#if($a"}}}}}}
        message = self.refused("BadRequestException", 400, self.apigw.import_rest_api,
                               body=json.dumps(broken).encode())
        self.assertIn("Invalid mapping expression specified", message)
        self.assertIn("requestTemplates", message)
        message = self.refused("BadRequestException", 400, self.apigw.import_rest_api,
                               body=b"not a document")
        self.assertIn("Invalid OpenAPI specification", message)


class ServingTest(RestApiTest):

    def test_lambda_proxy_through_a_stage(self):
        api_id, _ = self.api_with_method("served", "{proxy+}", method="ANY")
        self.apigw.create_deployment(restApiId=api_id, stageName="prod",
                                     variables={"color": "blue"})
        status, headers, body = self.request(
            "POST", "/prod/pets/7?a=1&a=2&b=3", body='{"x":1}', host=self.host(api_id),
            headers=[("Content-Type", "application/json"), ("X-Multi", "1"), ("X-Multi", "2")])
        self.assertEqual(status, 200, body)
        self.assertIn("x-many", headers)
        self.assertIn("x-amzn-requestid", headers)
        event = json.loads(body)
        self.assertEqual((event["resource"], event["path"], event["httpMethod"]),
                         ("/{proxy+}", "/pets/7", "POST"))
        self.assertEqual(event["pathParameters"], {"proxy": "pets/7"})
        self.assertEqual(event["queryStringParameters"], {"a": "2", "b": "3"})
        self.assertEqual(event["multiValueQueryStringParameters"], {"a": ["1", "2"], "b": ["3"]})
        self.assertEqual(event["stageVariables"], {"color": "blue"})
        self.assertEqual(event["body"], '{"x":1}')
        self.assertEqual(event["requestContext"]["stage"], "prod")
        self.assertEqual(event["requestContext"]["apiId"], api_id)
        self.assertFalse(event["isBase64Encoded"])
        # A Content-Type among the API's binaryMediaTypes: the body goes base64-encoded.
        self.apigw.update_rest_api(restApiId=api_id, patchOperations=[
            {"op": "add", "path": "/binaryMediaTypes/image~1*"}])
        status, _, body = self.request("PUT", "/pets/7", body=b"\x00\x01png",
                                       headers=[("Content-Type", "image/png")])
        event = json.loads(body)
        self.assertEqual((event["isBase64Encoded"], event["body"]), (True, "AAFwbmc="))
        # A failing function: 502; a path outside the API's resources: 403, as AWS answers.
        status, _, body = self.request("GET", "/prod/x?mode=throw", host=self.host(api_id))
        self.assertEqual((status, json.loads(body)), (502, {"message": "Internal server error"}))
        status, _, body = self.request("GET", "/nostage/x", host=self.host(api_id))
        self.assertEqual((status, json.loads(body)), (403, {"message": "Missing Authentication Token"}))

    def test_stages_serve_their_deployment(self):
        api_id, resource_id = self.api_with_method("staged", "v1thing")
        self.apigw.create_deployment(restApiId=api_id, stageName="live")
        later = self.apigw.create_resource(restApiId=api_id, parentId=self.root_of(api_id),
                                           pathPart="v2thing")
        self.apigw.put_method(restApiId=api_id, resourceId=later["id"], httpMethod="GET",
                              authorizationType="NONE")
        self.apigw.put_integration(restApiId=api_id, resourceId=later["id"], httpMethod="GET",
                                   type="AWS_PROXY", integrationHttpMethod="POST",
                                   uri=function_uri("echo"))
        # Not deployed: the stage does not have it; the API's host without a stage never does;
        # any other host without a stage serves the current resources.
        self.assertEqual(self.request("GET", "/live/v2thing", host=self.host(api_id))[0], 403)
        self.assertEqual(self.request("GET", "/live/v1thing", host=self.host(api_id))[0], 200)
        self.assertEqual(self.request("GET", "/v2thing")[0], 200)
        self.apigw.create_deployment(restApiId=api_id, stageName="live")
        self.assertEqual(self.request("GET", "/live/v2thing", host=self.host(api_id))[0], 200)

    def test_mock_integration_with_templates(self):
        api_id, resource_id = self.api_with_method("mocked", "mock", integration={
            "type": "MOCK",
            "requestTemplates": {"application/json": """
#if($input.params('fail') == 'yes')
{"statusCode": 500}
#else
{"statusCode": 200}
#end"""}})
        for status in ("200", "500"):
            self.apigw.put_method_response(restApiId=api_id, resourceId=resource_id,
                                           httpMethod="GET", statusCode=status,
                                           responseParameters={"method.response.header.X-Kind": False})
        self.apigw.put_integration_response(
            restApiId=api_id, resourceId=resource_id, httpMethod="GET", statusCode="200",
            responseTemplates={"application/json":
                               '{"who": "$input.params(\'name\')", "stage": "$context.stage"}'},
            responseParameters={"method.response.header.X-Kind": "'mock'"})
        self.apigw.put_integration_response(
            restApiId=api_id, resourceId=resource_id, httpMethod="GET", statusCode="500",
            selectionPattern="5\\d{2}",
            responseTemplates={"application/json": '#set($context.responseOverride.status = 418)'
                                                   '{"failed": true}'})
        self.apigw.create_deployment(restApiId=api_id, stageName="dev")
        status, headers, body = self.request("GET", "/dev/mock?name=ada", host=self.host(api_id))
        self.assertEqual((status, json.loads(body)), (200, {"who": "ada", "stage": "dev"}))
        self.assertEqual(headers["x-kind"], "mock")
        self.assertEqual(headers["content-type"], "application/json")
        status, _, body = self.request("GET", "/dev/mock?fail=yes", host=self.host(api_id))
        self.assertEqual((status, json.loads(body)), (418, {"failed": True}))

    def test_aws_integration_starts_an_execution(self):
        sfn = self.server.client()
        machine = sfn.create_state_machine(
            name="from-rest", definition=WAIT_DEFINITION,
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/r")["stateMachineArn"]
        template = ('{"input": "$util.escapeJavaScript($input.json(\'$\'))", '
                    '"stateMachineArn": "' + machine + '"}')
        api_id, resource_id = self.api_with_method("orders", "orders", method="POST", integration={
            "type": "AWS", "integrationHttpMethod": "POST",
            "uri": f"arn:aws:apigateway:{REGION}:states:action/StartExecution",
            "requestTemplates": {"application/json": template}})
        self.apigw.put_method_response(restApiId=api_id, resourceId=resource_id,
                                       httpMethod="POST", statusCode="200")
        self.apigw.put_method_response(restApiId=api_id, resourceId=resource_id,
                                       httpMethod="POST", statusCode="400")
        self.apigw.put_integration_response(restApiId=api_id, resourceId=resource_id,
                                            httpMethod="POST", statusCode="200")
        self.apigw.put_integration_response(
            restApiId=api_id, resourceId=resource_id, httpMethod="POST", statusCode="400",
            selectionPattern="4\\d{2}",
            responseTemplates={"application/json": '{"error": "$input.path(\'$.__type\')"}'})
        self.apigw.create_deployment(restApiId=api_id, stageName="prod")
        status, _, body = self.request("POST", "/prod/orders", body='{"item": "book", "n": 2}',
                                       host=self.host(api_id),
                                       headers=[("Content-Type", "application/json")])
        self.assertEqual(status, 200, body)
        started = json.loads(body)
        execution = sfn.describe_execution(executionArn=started["executionArn"])
        self.assertEqual(json.loads(execution["input"]), {"item": "book", "n": 2})
        # A body that is not JSON: the service refuses the call; the 4xx response maps it.
        status, _, body = self.request("POST", "/prod/orders", body='not json',
                                       host=self.host(api_id),
                                       headers=[("Content-Type", "text/plain")])
        self.assertEqual(status, 400, body)
        sfn.close()

    def test_aws_integration_sends_to_a_queue(self):
        url = self.sqs.create_queue(QueueName="from-rest")["QueueUrl"]
        api_id, resource_id = self.api_with_method("queue", "send", method="POST", integration={
            "type": "AWS", "integrationHttpMethod": "POST",
            "uri": f"arn:aws:apigateway:{REGION}:sqs:path/{ACCOUNT}/from-rest",
            "requestParameters": {"integration.request.header.Content-Type":
                                  "'application/x-www-form-urlencoded'"},
            "requestTemplates": {"application/json":
                                 "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"}})
        self.apigw.put_method_response(restApiId=api_id, resourceId=resource_id,
                                       httpMethod="POST", statusCode="200")
        self.apigw.put_integration_response(restApiId=api_id, resourceId=resource_id,
                                            httpMethod="POST", statusCode="200")
        self.apigw.create_deployment(restApiId=api_id, stageName="prod")
        status, _, body = self.request("POST", "/prod/send", body='{"hello": "queue & more"}',
                                       host=self.host(api_id),
                                       headers=[("Content-Type", "application/json")])
        self.assertEqual(status, 200, body)
        sent = json.loads(body)["SendMessageResponse"]["SendMessageResult"]
        got = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
        self.assertEqual(got[0]["MessageId"], sent["MessageId"])
        self.assertEqual(got[0]["Body"], '{"hello": "queue & more"}')

    def test_lambda_integration_with_selection_patterns(self):
        api_id, resource_id = self.api_with_method("custom", "custom", method="POST", integration={
            "type": "AWS", "integrationHttpMethod": "POST", "uri": function_uri("echo"),
            "requestTemplates": {"application/json":
                                 '{"name": "$input.path(\'$.name\')", '
                                 '"fail": "$!input.path(\'$.fail\')"}'}})
        for status in ("200", "400"):
            self.apigw.put_method_response(restApiId=api_id, resourceId=resource_id,
                                           httpMethod="POST", statusCode=status)
        self.apigw.put_integration_response(
            restApiId=api_id, resourceId=resource_id, httpMethod="POST", statusCode="200",
            responseTemplates={"application/json": '{"hello": "$input.path(\'$.echo.name\')"}'})
        self.apigw.put_integration_response(
            restApiId=api_id, resourceId=resource_id, httpMethod="POST", statusCode="400",
            selectionPattern="Bad input.*",
            responseTemplates={"application/json": '{"why": "$input.path(\'$.errorMessage\')"}'})
        self.apigw.create_deployment(restApiId=api_id, stageName="prod")
        status, _, body = self.request("POST", "/prod/custom", body='{"name": "ada"}',
                                       host=self.host(api_id),
                                       headers=[("Content-Type", "application/json")])
        self.assertEqual((status, json.loads(body)), (200, {"hello": "ada"}))
        status, _, body = self.request("POST", "/prod/custom", body='{"name": "x", "fail": "no"}',
                                       host=self.host(api_id),
                                       headers=[("Content-Type", "application/json")])
        self.assertEqual((status, json.loads(body)), (400, {"why": "Bad input: no"}))


class RestartTest(RestApiTest):

    def test_restart_keeps_apis(self):
        api_id, _ = self.api_with_method("kept", "kept")
        self.apigw.create_deployment(restApiId=api_id, stageName="prod")
        self.server.stop()
        self.server.start()
        self.apigw.close()
        self.apigw = client(self.server, "apigateway")
        self.assertEqual(self.apigw.get_rest_api(restApiId=api_id)["name"], "kept")
        status, _, body = self.request("GET", "/prod/kept", host=self.host(api_id))
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["resource"], "/kept")


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
