"""`baton deploy` and `baton teardown` of REST APIs as a SAM template declares them: functions' Api
events on the implicit ServerlessRestApi (stage Prod) and on an AWS::Serverless::Api with Cors and
stage variables, a state machine's Api event (StartExecution through a mapping template), an
AWS::Serverless::Api from an OpenAPI DefinitionBody with a mock integration, and the
CloudFormation resources AWS::ApiGateway::RestApi, Resource, Method and Deployment; deployed,
served, deployed again (same API ids), and torn down.

usage: python3 tests/serve/test_deploy_rest_api.py PATH_TO_BATON
"""

import http.client
import json
import os
import re
import subprocess
import tempfile
import time
import unittest

import boto3
from botocore.config import Config

import harness

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Cors: "'*'"
      Variables:
        color: blue
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: hello
      Runtime: nodejs20.x
      Handler: index.handler
      CodeUri: hello/
      Events:
        Implicit:
          Type: Api
          Properties:
            Path: /hello/{name}
            Method: get
        Explicit:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /v1/{proxy+}
            Method: ANY
%(extra)s
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: orders
      Definition:
        StartAt: Done
        States:
          Done: {Type: Pass, End: true}
      Events:
        Post:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /orders
            Method: post
  Imported:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      DefinitionBody:
        openapi: "3.0.1"
        info: {title: imported}
        paths:
          /status:
            get:
              responses: {"200": {description: ok}}
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates:
                  application/json: '{"statusCode": 200}'
                responses:
                  default:
                    statusCode: "200"
                    responseTemplates:
                      application/json: '{"up": true, "stage": "$context.stage"}'
  Raw:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: raw
  RawItems:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Raw
      ParentId: !GetAtt Raw.RootResourceId
      PathPart: items
  RawItem:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Raw
      ParentId: !Ref RawItems
      PathPart: "{id}"
  RawGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Raw
      ResourceId: !Ref RawItem
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates:
          application/json: '{"statusCode": 200}'
        IntegrationResponses:
          - StatusCode: "200"
            ResponseTemplates:
              application/json: '{"id": "$input.params(''id'')"}'
            ResponseParameters:
              method.response.header.X-Raw: "'yes'"
      MethodResponses:
        - StatusCode: "200"
          ResponseParameters:
            method.response.header.X-Raw: true
  RawDeployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: RawGet
    Properties:
      RestApiId: !Ref Raw
      StageName: live
"""

EXTRA = """        Posted:
          Type: Api
          Properties:
            Path: /posted
            Method: POST"""

HANDLER = """
exports.handler = async (event) => ({
  statusCode: 200,
  headers: {"content-type": "application/json"},
  body: JSON.stringify({resource: event.resource, path: event.pathParameters,
                        stage: event.requestContext.stage, variables: event.stageVariables}),
});
"""


def baton(*args):
    return subprocess.run([harness.BATON, *args], capture_output=True, text=True, timeout=120)


class DeployRestApiTest(harness.ServerTest):

    def call(self, path, host, method="GET", body=None, headers=()):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.api_port, timeout=30)
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host)
        for name, value in headers:
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body.encode() if body is not None else None)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), data

    def write(self, project, extra):
        with open(os.path.join(project, "template.yaml"), "w") as f:
            f.write(TEMPLATE % {"extra": EXTRA if extra else ""})

    def test_deploy_serve_redeploy_teardown(self):
        apigw = boto3.session.Session().client(
            "apigateway", endpoint_url=self.server.endpoint, region_name=harness.REGION,
            config=Config(retries={"max_attempts": 1}))
        self.addCleanup(apigw.close)
        with tempfile.TemporaryDirectory() as folder:
            project = os.path.join(folder, "shop")
            os.makedirs(os.path.join(project, "hello"))
            with open(os.path.join(project, "hello", "index.js"), "w") as f:
                f.write(HANDLER)
            self.write(project, extra=False)
            done = baton("deploy", project, "--endpoint", self.server.endpoint)
            self.assertEqual(done.returncode, 0, done.stderr)
            ids = dict(re.findall(r"rest api (\w+) created: (\w+)", done.stdout))
            self.assertEqual(sorted(ids), ["Api", "Imported", "Raw", "ServerlessRestApi"],
                             done.stdout)
            names = {a["id"]: a["name"] for a in apigw.get_rest_apis()["items"]}
            self.assertEqual(names[ids["ServerlessRestApi"]], "shop")
            self.assertEqual(names[ids["Imported"]], "imported")

            def host(logical_id):
                return f"{ids[logical_id]}.execute-api.localhost:{self.server.api_port}"

            status, _, body = self.call("/Prod/hello/ada", host("ServerlessRestApi"))
            self.assertEqual((status, json.loads(body)),
                             (200, {"resource": "/hello/{name}", "path": {"name": "ada"},
                                    "stage": "Prod", "variables": None}))
            status, _, body = self.call("/dev/v1/a/b", host("Api"), method="DELETE")
            self.assertEqual(json.loads(body)["variables"], {"color": "blue"})
            status, headers, _ = self.call("/dev/v1/a", host("Api"), method="OPTIONS", headers=[
                ("Origin", "https://app.example"), ("Access-Control-Request-Method", "GET")])
            self.assertEqual((status, headers.get("access-control-allow-origin")), (200, "*"))
            self.assertIn("POST", headers.get("access-control-allow-methods"))

            status, _, body = self.call("/dev/orders", host("Api"), method="POST",
                                        body='{"book": "dune"}',
                                        headers=[("Content-Type", "application/json")])
            self.assertEqual(status, 200, body)
            sfn = self.server.client()
            self.addCleanup(sfn.close)
            execution = sfn.describe_execution(executionArn=json.loads(body)["executionArn"])
            self.assertEqual(json.loads(execution["input"]), {"book": "dune"})

            status, _, body = self.call("/v1/status", host("Imported"))
            self.assertEqual((status, json.loads(body)), (200, {"up": True, "stage": "v1"}))
            status, headers, body = self.call("/live/items/42", host("Raw"))
            self.assertEqual((status, json.loads(body), headers.get("x-raw")),
                             (200, {"id": "42"}, "yes"))

            # Again, with a method more: the same APIs, their resources put anew.
            self.write(project, extra=True)
            again = baton("deploy", project, "--endpoint", self.server.endpoint)
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertEqual(dict(re.findall(r"rest api (\w+) updated: (\w+)", again.stdout)), ids)
            status, _, body = self.call("/Prod/posted", host("ServerlessRestApi"), method="POST")
            self.assertEqual((status, json.loads(body)["resource"]), (200, "/posted"))
            self.assertEqual(len(apigw.get_rest_apis()["items"]), 4)

            gone = baton("teardown", project, "--endpoint", self.server.endpoint)
            self.assertEqual(gone.returncode, 0, gone.stderr)
            self.assertIn("rest api ServerlessRestApi deleted", gone.stdout)
            self.assertEqual(apigw.get_rest_apis()["items"], [])
            status, _, _ = self.call("/Prod/hello/ada", host("ServerlessRestApi"))
            self.assertEqual(status, 404)

    def test_template_errors_name_the_place(self):
        with tempfile.TemporaryDirectory() as project:
            with open(os.path.join(project, "template.yaml"), "w") as f:
                f.write("""
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      CodeUri: .
      Events:
        Bad:
          Type: Api
          Properties:
            Method: GET
""")
            done = baton("deploy", project, "--endpoint", self.server.endpoint)
            self.assertNotEqual(done.returncode, 0)
            self.assertIn("/Resources/Fn/Properties/Events/Bad/Properties", done.stderr)
            self.assertIn("Path and a Method", done.stderr)


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main()
