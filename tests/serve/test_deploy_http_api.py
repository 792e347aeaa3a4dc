"""`baton deploy` and `baton teardown` of HTTP APIs as a SAM template declares them: functions'
HttpApi events on the implicit ServerlessHttpApi and on an AWS::Serverless::HttpApi with CORS,
and the CloudFormation resources AWS::ApiGatewayV2::Api, Integration, Route and Stage; deployed,
served, deployed again (same API ids), and torn down.

usage: python3 tests/serve/test_deploy_http_api.py PATH_TO_BATON
"""

import http.client
import json
import os
import re
import subprocess
import tempfile
import unittest

import boto3
from botocore.config import Config

import harness

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: [https://app.example]
        AllowMethods: [GET]
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: hello
      Runtime: nodejs20.x
      Handler: index.handler
      CodeUri: hello/
      Events:
        Implicit:
          Type: HttpApi
          Properties:
            Path: /hello/{name}
            Method: get
        Everything:
          Type: HttpApi
        Explicit:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: /v1/{proxy+}
            Method: ANY
            PayloadFormatVersion: "1.0"
%(extra)s
  Raw:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: raw
      ProtocolType: HTTP
  RawIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Raw
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Hello.Arn}/invocations
      PayloadFormatVersion: "2.0"
  RawRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Raw
      RouteKey: GET /raw
      Target: !Sub integrations/${RawIntegration}
  RawStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Raw
      StageName: live
      AutoDeploy: true
"""

EXTRA = """        Posted:
          Type: HttpApi
          Properties:
            Path: /posted
            Method: POST"""

HANDLER = """
exports.handler = async (event) => ({
  statusCode: 200,
  headers: {"content-type": "application/json"},
  body: JSON.stringify({version: event.version, routeKey: event.routeKey || event.resource,
                        path: event.pathParameters || null}),
});
"""


def baton(*args):
    return subprocess.run([harness.BATON, *args], capture_output=True, text=True, timeout=120)


class DeployHttpApiTest(harness.ServerTest):

    def get(self, path, host=None, method="GET", headers=()):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.api_port, timeout=30)
        connection.putrequest(method, path, skip_host=host is not None)
        if host:
            connection.putheader("Host", host)
        for name, value in headers:
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), body

    def write(self, project, extra):
        with open(os.path.join(project, "template.yaml"), "w") as f:
            f.write(TEMPLATE % {"extra": EXTRA if extra else ""})

    def test_deploy_serve_redeploy_teardown(self):
        apigw = boto3.session.Session().client(
            "apigatewayv2", endpoint_url=self.server.endpoint, region_name=harness.REGION,
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
            urls = dict(re.findall(r"http api (\w+) created: http://(\w+)\.execute-api", done.stdout))
            self.assertEqual(sorted(urls), ["Api", "Raw", "ServerlessHttpApi"], done.stdout)
            self.assertIn("(2 routes)", done.stdout)
            apis = {a["ApiId"]: a for a in apigw.get_apis()["Items"]}
            self.assertEqual(apis[urls["ServerlessHttpApi"]]["Name"], "shop")
            self.assertEqual(apis[urls["Raw"]]["Name"], "raw")

            def host(logical_id):
                return f"{urls[logical_id]}.execute-api.localhost:{self.server.api_port}"

            status, _, body = self.get("/hello/ada", host("ServerlessHttpApi"))
            self.assertEqual((status, json.loads(body)),
                             (200, {"version": "2.0", "routeKey": "GET /hello/{name}",
                                    "path": {"name": "ada"}}))
            status, _, body = self.get("/anything/else", host("ServerlessHttpApi"))
            self.assertEqual(json.loads(body)["routeKey"], "$default")
            status, _, body = self.get("/v1/a/b", host("Api"))
            self.assertEqual(json.loads(body), {"version": "1.0", "routeKey": "/v1/{proxy+}",
                                                "path": {"proxy": "a/b"}})
            status, headers, _ = self.get("/v1/a", host("Api"), method="OPTIONS", headers=[
                ("Origin", "https://app.example"), ("Access-Control-Request-Method", "GET")])
            self.assertEqual((status, headers.get("access-control-allow-origin")),
                             (204, "https://app.example"))
            status, _, body = self.get("/live/raw", host("Raw"))
            self.assertEqual((status, json.loads(body)["routeKey"]), (200, "GET /raw"))
            integration = apigw.get_integrations(ApiId=urls["Api"])["Items"][0]
            self.assertEqual((integration["PayloadFormatVersion"], integration["TimeoutInMillis"]),
                             ("1.0", 5000))

            # Again, with a route more: the same APIs, their routes made anew.
            self.write(project, extra=True)
            again = baton("deploy", project, "--endpoint", self.server.endpoint)
            self.assertEqual(again.returncode, 0, again.stderr)
            updated = dict(re.findall(r"http api (\w+) updated: http://(\w+)\.execute-api",
                                      again.stdout))
            self.assertEqual(updated, urls)
            self.assertIn("(3 routes)", again.stdout)
            status, _, body = self.get("/posted", host("ServerlessHttpApi"), method="POST")
            self.assertEqual(json.loads(body)["routeKey"], "POST /posted")
            self.assertEqual(len(apigw.get_apis()["Items"]), 3)

            gone = baton("teardown", project, "--endpoint", self.server.endpoint)
            self.assertEqual(gone.returncode, 0, gone.stderr)
            self.assertIn("http api ServerlessHttpApi deleted", gone.stdout)
            self.assertEqual(apigw.get_apis()["Items"], [])
            status, _, _ = self.get("/hello/ada")
            self.assertEqual(status, 404)
            again = baton("teardown", project, "--endpoint", self.server.endpoint)
            self.assertIn("http api Raw is not there", again.stdout)

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
          Type: HttpApi
          Properties:
            Method: GET
""")
            done = baton("deploy", project, "--endpoint", self.server.endpoint)
            self.assertNotEqual(done.returncode, 0)
            self.assertIn("/Resources/Fn/Properties/Events/Bad/Properties/Path: is required",
                          done.stderr)


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main(verbosity=2)
