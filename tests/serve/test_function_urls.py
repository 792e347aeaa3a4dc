"""Lambda function URLs on `baton serve`: the API through boto3, the `aws lambda` CLI and the AWS
SDK for JavaScript v3 (InvokeMode, newer than Debian's boto3); AWS's errors; AddPermission with
FunctionUrlAuthType; and the URLs served on the HTTP API port (--api-port), Host
URL_ID.lambda-url.localhost, in front of real Node.js and Python functions: the payload format
2.0 event, query strings, cookies, binary bodies, the response mapping, a bare string, a
malformed response and a failure (502), CORS, AuthType AWS_IAM under --auth sigv4, a deleted
function, and a restart.

usage: python3 tests/serve/test_function_urls.py PATH_TO_BATON
"""

import base64
import http.client
import json
import os
import re
import subprocess
import time
import unittest

import boto3
import botocore.exceptions
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import harness
from test_functions import LAMBDA_ROLE, zip_bytes

REGION = harness.REGION
ACCOUNT = harness.ACCOUNT
ROOT = os.path.dirname(os.path.dirname(harness.HERE))
SDK = os.path.join(ROOT, "sdk", "node")

NODE = r"""
exports.handler = async (event) => {
  const q = event.queryStringParameters || {};
  switch (q.mode) {
    case 'malformed': return {statusCode: 'teapot'};
    case 'throw': throw new Error('boom');
    case 'bare': return 'hello';
    case 'mapped':
      return {statusCode: 201, cookies: ['a=1', 'b=2; Path=/'],
              headers: {'x-one': '1', 'content-type': 'text/plain'}, body: 'made'};
    case 'binary':
      return {statusCode: 200, headers: {'content-type': 'application/octet-stream'},
              body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true};
  }
  return {statusCode: 200, headers: {'content-type': 'application/json'},
          body: JSON.stringify(event)};
};
"""

PYTHON = """
import json

def handler(event, context):
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps(event)}
"""

URL_PATTERN = r"^http://([a-z0-9]{32})\.lambda-url\.localhost:(\d+)/$"


def lambda_client(server, **config):
    return boto3.session.Session().client(
        "lambda", endpoint_url=server.endpoint, region_name=REGION,
        config=Config(retries={"max_attempts": 1}, **config))


def function_arn(name):
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def create_function(lam, name, runtime="nodejs20.x"):
    if runtime.startswith("python"):
        code, handler = {"app.py": PYTHON}, "app.handler"
    else:
        code, handler = {"index.js": NODE}, "index.handler"
    lam.create_function(FunctionName=name, Runtime=runtime, Handler=handler, Role=LAMBDA_ROLE,
                        Timeout=10, Code={"ZipFile": zip_bytes(code)})


def request(port, url, method="GET", path="/", body=None, headers=()):
    """Sends a request to a function URL (its Host) on the HTTP API port: (status, [(name,
    value)...] with names lower-cased, body bytes)."""
    host = re.match(r"^https?://([^/]+)/", url).group(1)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host)
    for name, value in headers:
        connection.putheader(name, value)
    if body is not None:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, [(k.lower(), v) for k, v in response.getheaders()], data


def header(headers, name):
    return [v for k, v in headers if k == name]


class FunctionUrlTest(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam = lambda_client(cls.server)

    @classmethod
    def tearDownClass(cls):
        cls.lam.close()
        super().tearDownClass()

    def refused(self, code, status, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        response = caught.exception.response
        self.assertEqual(response["Error"]["Code"], code, response["Error"].get("Message"))
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status)
        return response["Error"]["Message"]

    def lambda_cli(self, *args):
        done = subprocess.run([harness.aws_cli(), "lambda", "--endpoint-url", self.server.endpoint,
                               "--output", "json", *args], capture_output=True, text=True,
                              timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        return json.loads(done.stdout) if done.stdout.strip() else None


class ManagementTest(FunctionUrlTest):

    def test_lifecycle(self):
        create_function(self.lam, "managed")
        cors = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"],
                "MaxAge": 300}
        created = self.lam.create_function_url_config(FunctionName="managed", AuthType="NONE",
                                                      Cors=cors)
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 201)
        match = re.match(URL_PATTERN, created["FunctionUrl"])
        self.assertTrue(match, created["FunctionUrl"])
        self.assertEqual(int(match.group(2)), self.server.api_port)
        self.assertEqual((created["FunctionArn"], created["AuthType"], created["Cors"]),
                         (function_arn("managed"), "NONE", cors))
        self.assertRegex(created["CreationTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        got = self.lam.get_function_url_config(FunctionName=function_arn("managed"))
        self.assertEqual(got["FunctionUrl"], created["FunctionUrl"])
        self.assertEqual(got["CreationTime"], created["CreationTime"])
        self.assertIn("LastModifiedTime", got)
        updated = self.lam.update_function_url_config(FunctionName="managed", AuthType="AWS_IAM")
        self.assertEqual((updated["AuthType"], updated["Cors"]), ("AWS_IAM", cors))
        listed = self.lam.list_function_url_configs(FunctionName="managed", MaxItems=1)
        self.assertEqual([u["FunctionUrl"] for u in listed["FunctionUrlConfigs"]],
                         [created["FunctionUrl"]])
        self.assertNotIn("NextMarker", listed)
        self.lam.delete_function_url_config(FunctionName="managed")
        message = self.refused("ResourceNotFoundException", 404,
                               self.lam.get_function_url_config, FunctionName="managed")
        self.assertEqual(message, "The resource you requested does not exist.")
        self.assertEqual(self.lam.list_function_url_configs(
            FunctionName="managed")["FunctionUrlConfigs"], [])
        # The same function gets the same URL again.
        again = self.lam.create_function_url_config(FunctionName="managed", AuthType="NONE")
        self.assertEqual(again["FunctionUrl"], created["FunctionUrl"])

    def test_errors_say_what_and_where(self):
        create_function(self.lam, "errors")
        self.lam.create_function_url_config(FunctionName="errors", AuthType="NONE")
        message = self.refused("ResourceConflictException", 409,
                               self.lam.create_function_url_config, FunctionName="errors",
                               AuthType="NONE")
        self.assertIn("FunctionUrlConfig exists for this Lambda function", message)
        self.assertIn(function_arn("errors"), message)
        message = self.refused("ResourceNotFoundException", 404,
                               self.lam.create_function_url_config, FunctionName="nobody",
                               AuthType="NONE")
        self.assertEqual(message, "Function not found: " + function_arn("nobody"))
        # A version is no target of a URL: AWS's Qualifier pattern refuses numbers.
        message = self.refused("ValidationException", 400, self.lam.get_function_url_config,
                               FunctionName="errors", Qualifier="1")
        self.assertIn("qualifier", message)
        message = self.refused("ResourceNotFoundException", 404,
                               self.lam.create_function_url_config, FunctionName="errors",
                               Qualifier="live", AuthType="NONE")
        self.assertEqual(message, "Function not found: " + function_arn("errors") + ":live")
        message = self.refused("InvalidParameterValueException", 400,
                               self.lam.update_function_url_config, FunctionName="errors",
                               Cors={"AllowMethods": ["FETCH"]})
        self.assertIn("Cors.AllowMethods: 'FETCH'", message)
        message = self.refused("InvalidParameterValueException", 400,
                               self.lam.create_function_url_config, FunctionName="errors",
                               AuthType="OPEN")
        self.assertIn("authType", message)
        self.refused("ResourceNotFoundException", 404, self.lam.delete_function_url_config,
                     FunctionName="errors", Qualifier="live")

    def test_the_aws_cli(self):
        create_function(self.lam, "by-cli")
        created = self.lambda_cli("create-function-url-config", "--function-name", "by-cli",
                                  "--auth-type", "AWS_IAM", "--cors",
                                  "AllowOrigins=https://a.example,AllowCredentials=true")
        self.assertRegex(created["FunctionUrl"], URL_PATTERN)
        self.assertEqual(created["Cors"], {"AllowOrigins": ["https://a.example"],
                                           "AllowCredentials": True})
        got = self.lambda_cli("get-function-url-config", "--function-name", "by-cli")
        self.assertEqual(got["AuthType"], "AWS_IAM")
        listed = self.lambda_cli("list-function-url-configs", "--function-name", "by-cli")
        self.assertEqual([u["FunctionUrl"] for u in listed["FunctionUrlConfigs"]],
                         [created["FunctionUrl"]])
        self.lambda_cli("delete-function-url-config", "--function-name", "by-cli")

    def test_add_permission_with_function_url_auth_type(self):
        create_function(self.lam, "public")
        self.lam.create_function_url_config(FunctionName="public", AuthType="NONE")
        added = self.lam.add_permission(FunctionName="public",
                                        StatementId="FunctionURLAllowPublicAccess",
                                        Action="lambda:InvokeFunctionUrl", Principal="*",
                                        FunctionUrlAuthType="NONE")
        statement = json.loads(added["Statement"])
        self.assertEqual(statement["Condition"],
                         {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}})
        self.assertEqual((statement["Principal"], statement["Resource"]),
                         ("*", function_arn("public")))
        policy = json.loads(self.lam.get_policy(FunctionName="public")["Policy"])
        self.assertEqual([s["Sid"] for s in policy["Statement"]],
                         ["FunctionURLAllowPublicAccess"])
        self.refused("ResourceConflictException", 409, self.lam.add_permission,
                     FunctionName="public", StatementId="FunctionURLAllowPublicAccess",
                     Action="lambda:InvokeFunctionUrl", Principal="*")
        self.lam.remove_permission(FunctionName="public",
                                   StatementId="FunctionURLAllowPublicAccess")
        self.refused("ResourceNotFoundException", 404, self.lam.get_policy, FunctionName="public")

    def test_invoke_mode_through_the_javascript_sdk(self):
        if not os.path.isdir(os.path.join(SDK, "node_modules", "@aws-sdk", "client-lambda")):
            self.skipTest("run `npm ci` in sdk/node first")
        create_function(self.lam, "streamer")
        env = dict(os.environ, NODE_PATH=os.path.join(SDK, "node_modules"), NODE_NO_WARNINGS="1")
        done = subprocess.run(["node", os.path.join(harness.HERE, "js", "function_url_clients.js"),
                               self.server.endpoint, "streamer"], capture_output=True, text=True,
                              timeout=120, env=env)
        self.assertEqual(done.returncode, 0, done.stderr)
        out = json.loads(done.stdout)
        self.assertRegex(out["created"]["url"], URL_PATTERN)
        self.assertEqual(out["created"]["mode"], "RESPONSE_STREAM")
        self.assertEqual(out["got"]["mode"], "RESPONSE_STREAM")
        self.assertEqual(out["updated"]["mode"], "BUFFERED")
        self.assertEqual(out["refused"]["status"], 400)

    def test_deleting_the_function_deletes_its_url(self):
        create_function(self.lam, "short-lived")
        url = self.lam.create_function_url_config(FunctionName="short-lived",
                                                  AuthType="NONE")["FunctionUrl"]
        self.lam.delete_function(FunctionName="short-lived")
        status, _, _ = request(self.server.api_port, url)
        self.assertEqual(status, 404)
        create_function(self.lam, "short-lived")
        self.refused("ResourceNotFoundException", 404, self.lam.get_function_url_config,
                     FunctionName="short-lived")


class ServingTest(FunctionUrlTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            create_function(cls.lam, "echo")
            create_function(cls.lam, "pyecho", runtime="python3.12")
            cls.cors = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"],
                        "AllowHeaders": ["content-type"], "ExposeHeaders": ["x-one"],
                        "MaxAge": 600}
            cls.url = cls.lam.create_function_url_config(
                FunctionName="echo", AuthType="NONE", Cors=cls.cors)["FunctionUrl"]
            cls.pyurl = cls.lam.create_function_url_config(
                FunctionName="pyecho", AuthType="NONE")["FunctionUrl"]
        except BaseException:
            cls.tearDownClass()
            raise

    def event(self, url, **kwargs):
        status, _, body = request(self.server.api_port, url, **kwargs)
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def test_the_event(self):
        url_id = re.match(URL_PATTERN, self.url).group(1)
        e = self.event(self.url, path="/a/b%20c?color=red&color=brown&size=2",
                       headers=[("X-Multi", "one"), ("X-Multi", "two"),
                                ("Cookie", "session=s1; theme=dark"), ("User-Agent", "test/1")])
        self.assertEqual((e["version"], e["routeKey"]), ("2.0", "$default"))
        self.assertEqual((e["rawPath"], e["rawQueryString"]),
                         ("/a/b%20c", "color=red&color=brown&size=2"))
        self.assertEqual(e["queryStringParameters"], {"color": "red,brown", "size": "2"})
        self.assertEqual(e["cookies"], ["session=s1", "theme=dark"])
        self.assertEqual(e["headers"]["x-multi"], "one,two")
        self.assertNotIn("cookie", e["headers"])
        self.assertNotIn("pathParameters", e)
        rc = e["requestContext"]
        self.assertEqual((rc["accountId"], rc["apiId"], rc["domainPrefix"], rc["stage"],
                          rc["routeKey"]), ("anonymous", url_id, url_id, "$default", "$default"))
        self.assertEqual(rc["domainName"], f"{url_id}.lambda-url.localhost")
        self.assertEqual(rc["http"], {"method": "GET", "path": "/a/b c", "protocol": "HTTP/1.1",
                                      "sourceIp": "127.0.0.1", "userAgent": "test/1"})
        self.assertRegex(rc["requestId"], r"^[0-9a-f-]{36}$")
        self.assertRegex(rc["time"], r"^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$")
        self.assertLess(abs(rc["timeEpoch"] / 1000 - time.time()), 60)
        self.assertFalse(e["isBase64Encoded"])
        self.assertNotIn("body", e)

    def test_a_python_function_and_bodies(self):
        raw = bytes([0, 1, 2, 250, 255])
        e = self.event(self.pyurl, method="POST", path="/upload", body=raw,
                       headers=[("Content-Type", "application/octet-stream")])
        self.assertTrue(e["isBase64Encoded"])
        self.assertEqual(base64.b64decode(e["body"]), raw)
        self.assertEqual(e["requestContext"]["http"]["method"], "POST")
        e = self.event(self.pyurl, method="POST", body=b'{"a": 1}',
                       headers=[("Content-Type", "application/json")])
        self.assertEqual((e["body"], e["isBase64Encoded"]), ('{"a": 1}', False))

    def test_response_mapping(self):
        status, headers, body = request(self.server.api_port, self.url, path="/?mode=mapped")
        self.assertEqual((status, body), (201, b"made"))
        self.assertEqual(header(headers, "set-cookie"), ["a=1", "b=2; Path=/"])
        self.assertEqual(header(headers, "x-one"), ["1"])
        self.assertEqual(header(headers, "content-type"), ["text/plain"])
        self.assertEqual(len(header(headers, "x-amzn-requestid")), 1)
        status, headers, body = request(self.server.api_port, self.url, path="/?mode=bare")
        self.assertEqual((status, body), (200, b"hello"))
        self.assertEqual(header(headers, "content-type"), ["application/json"])
        status, headers, body = request(self.server.api_port, self.url, path="/?mode=binary")
        self.assertEqual((status, body), (200, bytes([0, 1, 2, 255])))

    def test_failures_are_502(self):
        for mode in ("malformed", "throw"):
            status, _, body = request(self.server.api_port, self.url, path=f"/?mode={mode}")
            self.assertEqual((status, body), (502, b"Internal Server Error"), mode)
        self.assertRegex(self.server.log(), r"statusCode must be an HTTP status")
        status, _, body = request(self.server.api_port,
                                  "http://" + "0" * 32 + ".lambda-url.localhost/")
        self.assertEqual(status, 404)

    def test_cors(self):
        preflight = [("Origin", "https://app.example"), ("Access-Control-Request-Method", "POST")]
        status, headers, body = request(self.server.api_port, self.url, method="OPTIONS",
                                        headers=preflight)
        self.assertEqual((status, body), (204, b""))
        self.assertEqual(header(headers, "access-control-allow-origin"), ["https://app.example"])
        self.assertEqual(header(headers, "access-control-allow-methods"), ["GET,POST"])
        self.assertEqual(header(headers, "access-control-allow-headers"), ["content-type"])
        self.assertEqual(header(headers, "access-control-max-age"), ["600"])
        status, headers, _ = request(self.server.api_port, self.url, method="OPTIONS",
                                     headers=[("Origin", "https://evil.example"),
                                              ("Access-Control-Request-Method", "POST")])
        self.assertEqual((status, header(headers, "access-control-allow-origin")), (204, []))
        status, headers, _ = request(self.server.api_port, self.url, path="/?mode=mapped",
                                     headers=[("Origin", "https://app.example")])
        self.assertEqual(header(headers, "access-control-allow-origin"), ["https://app.example"])
        self.assertEqual(header(headers, "access-control-expose-headers"), ["x-one"])

    def test_aws_iam_is_served_with_auth_off(self):
        create_function(self.lam, "private")
        url = self.lam.create_function_url_config(FunctionName="private",
                                                  AuthType="AWS_IAM")["FunctionUrl"]
        e = self.event(url)
        self.assertEqual(e["requestContext"]["accountId"], ACCOUNT)


class SignedTest(FunctionUrlTest):
    """--auth sigv4: an AWS_IAM URL takes only requests signed for service lambda."""

    server_args = ("--auth", "sigv4")

    def signed(self, url, service="lambda", secret="baton"):
        request_ = AWSRequest(method="GET", url=url + "?x=1")
        SigV4Auth(Credentials("baton", secret), service, REGION).add_auth(request_)
        return [(k, v) for k, v in request_.headers.items()]

    def test_aws_iam_requires_a_signature(self):
        create_function(self.lam, "guarded")
        url = self.lam.create_function_url_config(FunctionName="guarded",
                                                  AuthType="AWS_IAM")["FunctionUrl"]
        status, headers, body = request(self.server.api_port, url, path="/?x=1")
        self.assertEqual((status, json.loads(body)), (403, {"Message": "Forbidden"}))
        self.assertEqual(header(headers, "x-amzn-errortype"), ["AccessDeniedException"])
        for wrong in (self.signed(url, service="execute-api"), self.signed(url, secret="nope")):
            status, _, _ = request(self.server.api_port, url, path="/?x=1", headers=wrong)
            self.assertEqual(status, 403)
        status, _, body = request(self.server.api_port, url, path="/?x=1",
                                  headers=self.signed(url))
        self.assertEqual(status, 200, body)
        iam = json.loads(body)["requestContext"]["authorizer"]["iam"]
        self.assertEqual((iam["accessKey"], iam["accountId"]), ("baton", ACCOUNT))
        # AuthType NONE takes anyone.
        self.lam.update_function_url_config(FunctionName="guarded", AuthType="NONE")
        status, _, _ = request(self.server.api_port, url)
        self.assertEqual(status, 200)


class RestartTest(FunctionUrlTest):

    def test_urls_survive_a_restart(self):
        create_function(self.lam, "kept")
        url = self.lam.create_function_url_config(FunctionName="kept",
                                                  AuthType="NONE")["FunctionUrl"]
        url_id = re.match(URL_PATTERN, url).group(1)
        self.server.stop()
        self.server.start()
        self.lam.close()
        self.lam = lambda_client(self.server)
        got = self.lam.get_function_url_config(FunctionName="kept")["FunctionUrl"]
        # The id stays; the port is the new --api-port 0's.
        self.assertEqual(re.match(URL_PATTERN, got).group(1), url_id)
        status, _, body = request(self.server.api_port, got, path="/?mode=bare")
        self.assertEqual((status, body), (200, b"hello"))


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main(verbosity=2)
