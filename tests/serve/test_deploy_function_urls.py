"""`baton deploy` and `baton teardown` of Lambda function URLs as a SAM template declares them: a
function's FunctionUrlConfig (AuthType NONE, Cors, InvokeMode), the CloudFormation resource
AWS::Lambda::Url (AWS_IAM), and !GetAtt HelloUrl.FunctionUrl in another function's environment;
deployed, served, deployed again (same URLs), and torn down.

usage: python3 tests/serve/test_deploy_function_urls.py PATH_TO_BATON
"""

import http.client
import json
import os
import re
import subprocess
import tempfile
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

import harness

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: hello
      Runtime: nodejs20.x
      Handler: index.handler
      CodeUri: code/
      FunctionUrlConfig:
        AuthType: NONE
        InvokeMode: BUFFERED
        Cors:
          AllowOrigins: [https://app.example]
          AllowMethods: [GET]
  Caller:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: caller
      Runtime: nodejs20.x
      Handler: index.handler
      CodeUri: code/
      Environment:
        Variables:
          HELLO_URL: !GetAtt HelloUrl.FunctionUrl
  CallerUrl:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Caller.Arn
      AuthType: AWS_IAM
"""

HANDLER = """
exports.handler = async (event) => ({
  statusCode: 200,
  headers: {"content-type": "application/json"},
  body: JSON.stringify({domain: event.requestContext.domainName, path: event.rawPath,
                        helloUrl: process.env.HELLO_URL || null}),
});
"""


def baton(*args):
    return subprocess.run([harness.BATON, *args], capture_output=True, text=True, timeout=120)


class DeployFunctionUrlTest(harness.ServerTest):

    def get(self, url, path="/", method="GET", headers=()):
        host = re.match(r"^http://([^/]+)/$", url).group(1)
        connection = http.client.HTTPConnection("127.0.0.1", self.server.api_port, timeout=30)
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host)
        for name, value in headers:
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), body

    def test_deploy_serve_redeploy_teardown(self):
        lam = boto3.session.Session().client(
            "lambda", endpoint_url=self.server.endpoint, region_name=harness.REGION,
            config=Config(retries={"max_attempts": 1}))
        self.addCleanup(lam.close)
        with tempfile.TemporaryDirectory() as folder:
            project = os.path.join(folder, "site")
            os.makedirs(os.path.join(project, "code"))
            with open(os.path.join(project, "code", "index.js"), "w") as f:
                f.write(HANDLER)
            with open(os.path.join(project, "template.yaml"), "w") as f:
                f.write(TEMPLATE)
            deploy = ["deploy", project, "--endpoint", self.server.endpoint, "--api-port",
                      str(self.server.api_port)]
            done = baton(*deploy)
            self.assertEqual(done.returncode, 0, done.stderr)
            urls = dict(re.findall(r"function url (\w+) created: (\S+) ", done.stdout))
            self.assertEqual(sorted(urls), ["CallerUrl", "HelloUrl"], done.stdout)
            self.assertIn("(hello, NONE)", done.stdout)
            self.assertIn("(caller, AWS_IAM)", done.stdout)
            config = lam.get_function_url_config(FunctionName="hello")
            self.assertEqual(config["FunctionUrl"], urls["HelloUrl"])
            self.assertEqual(config["Cors"], {"AllowOrigins": ["https://app.example"],
                                              "AllowMethods": ["GET"]})
            policy = json.loads(lam.get_policy(FunctionName="hello")["Policy"])
            self.assertEqual([s["Sid"] for s in policy["Statement"]],
                             ["HelloUrlPublicPermissions"])

            status, _, body = self.get(urls["HelloUrl"], "/greet")
            self.assertEqual(status, 200, body)
            self.assertEqual(json.loads(body)["path"], "/greet")
            # !GetAtt HelloUrl.FunctionUrl is the URL the deploy made.
            status, _, body = self.get(urls["CallerUrl"])
            self.assertEqual(status, 200, body)
            self.assertEqual(json.loads(body)["helloUrl"], urls["HelloUrl"])
            status, headers, _ = self.get(urls["HelloUrl"], method="OPTIONS", headers=[
                ("Origin", "https://app.example"), ("Access-Control-Request-Method", "GET")])
            self.assertEqual((status, headers.get("access-control-allow-origin")),
                             (204, "https://app.example"))

            # Again: the same URLs, updated.
            again = baton(*deploy)
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertEqual(dict(re.findall(r"function url (\w+) updated: (\S+) ", again.stdout)),
                             urls)

            gone = baton("teardown", project, "--endpoint", self.server.endpoint)
            self.assertEqual(gone.returncode, 0, gone.stderr)
            self.assertIn("function url HelloUrl deleted", gone.stdout)
            with self.assertRaises(botocore.exceptions.ClientError):
                lam.get_function_url_config(FunctionName="hello")
            status, _, _ = self.get(urls["HelloUrl"])
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
      FunctionUrlConfig:
        AuthType: OPEN
""")
            done = baton("deploy", project, "--endpoint", self.server.endpoint)
            self.assertNotEqual(done.returncode, 0)
            self.assertIn("/Resources/Fn/Properties/FunctionUrlConfig/AuthType: is required: "
                          "NONE or AWS_IAM", done.stderr)


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main(verbosity=2)
