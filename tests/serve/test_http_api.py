"""API Gateway's HTTP APIs on `baton serve`: the management API through boto3's apigatewayv2
client (APIs, quick create, routes, integrations, stages, CORS configuration, AWS's errors, a
restart), and the routes served on the HTTP API port (--api-port) in front of real Node.js and
Python functions: path parameters, greedy paths, query strings, multi-value headers, cookies,
binary bodies, both payload formats, CORS preflights, 404, 500, 502 and 504, and the Host that
picks one API.

usage: python3 tests/serve/test_http_api.py PATH_TO_BATON
"""

import base64
import http.client
import json
import re
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
  const q = event.queryStringParameters || {};
  switch (q.mode) {
    case 'malformed': return {statusCode: 'teapot'};
    case 'throw': throw new Error('boom');
    case 'sleep':
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return {statusCode: 200, body: 'late'};
    case 'bare': return 'hello';
    case 'object': return {hello: 'world'};
    case 'cookies':
      return {statusCode: 201, cookies: ['a=1', 'b=2; Path=/'],
              headers: {'x-one': '1', 'access-control-allow-origin': '*'},
              multiValueHeaders: {'x-many': ['p', 'q']}, body: 'made'};
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
            "multiValueHeaders": {"x-py": ["1", "2"]}, "body": json.dumps(event)}
"""


def client(server, service):
    return boto3.session.Session().client(
        service, endpoint_url=server.endpoint, region_name=REGION,
        config=Config(retries={"max_attempts": 1}))


def function_arn(name):
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


class HttpApiTest(harness.ServerTest):
    """A server with the apigatewayv2 and Lambda clients."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.apigw = client(cls.server, "apigatewayv2")
        cls.lam = client(cls.server, "lambda")

    @classmethod
    def tearDownClass(cls):
        cls.apigw.close()
        cls.lam.close()
        super().tearDownClass()

    def refused(self, code, status, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        response = caught.exception.response
        self.assertEqual(response["Error"]["Code"], code, response["Error"].get("Message"))
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status)
        return response["Error"]["Message"]

    def request(self, method, path, body=None, headers=(), host=None):
        """(status, [(header, value)...] with names lower-cased, body bytes)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.server.api_port, timeout=30)
        connection.putrequest(method, path, skip_host=host is not None,
                              skip_accept_encoding=True)
        if host is not None:
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

    @staticmethod
    def header(headers, name):
        return [v for k, v in headers if k == name]


class ManagementTest(HttpApiTest):

    def test_api_lifecycle(self):
        api = self.apigw.create_api(Name="pets", ProtocolType="HTTP", Description="first")
        self.assertRegex(api["ApiId"], r"^[a-z0-9]{10}$")
        self.assertEqual(api["ApiEndpoint"],
                         f"http://{api['ApiId']}.execute-api.localhost:{self.server.api_port}")
        self.assertEqual(api["RouteSelectionExpression"], "$request.method $request.path")
        self.assertEqual(api["ProtocolType"], "HTTP")
        got = self.apigw.get_api(ApiId=api["ApiId"])
        self.assertEqual((got["Name"], got["Description"]), ("pets", "first"))
        self.assertIn(api["ApiId"], [a["ApiId"] for a in self.apigw.get_apis()["Items"]])
        cors = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET"], "MaxAge": 60}
        updated = self.apigw.update_api(ApiId=api["ApiId"], Name="pets2", CorsConfiguration=cors)
        self.assertEqual(updated["Name"], "pets2")
        self.assertEqual(updated["CorsConfiguration"], cors)
        self.apigw.delete_cors_configuration(ApiId=api["ApiId"])
        self.assertNotIn("CorsConfiguration", self.apigw.get_api(ApiId=api["ApiId"]))
        self.apigw.delete_api(ApiId=api["ApiId"])
        message = self.refused("NotFoundException", 404, self.apigw.get_api, ApiId=api["ApiId"])
        self.assertEqual(message, f"Invalid API identifier specified {api['ApiId']}")

    def test_routes_integrations_and_stages(self):
        api_id = self.apigw.create_api(Name="parts", ProtocolType="HTTP")["ApiId"]
        integration = self.apigw.create_integration(
            ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=function_arn("any"),
            PayloadFormatVersion="2.0")
        self.assertRegex(integration["IntegrationId"], r"^[a-z0-9]{7}$")
        self.assertEqual(integration["TimeoutInMillis"], 30000)
        self.assertEqual(integration["IntegrationMethod"], "POST")
        target = "integrations/" + integration["IntegrationId"]
        routes = [self.apigw.create_route(ApiId=api_id, RouteKey=key, Target=target)
                  for key in ("GET /a", "GET /b/{id}", "ANY /{proxy+}")]
        self.assertRegex(routes[0]["RouteId"], r"^[a-z0-9]{7}$")
        self.assertEqual(routes[0]["AuthorizationType"], "NONE")
        first = self.apigw.get_routes(ApiId=api_id, MaxResults="2")
        self.assertEqual(len(first["Items"]), 2)
        rest = self.apigw.get_routes(ApiId=api_id, NextToken=first["NextToken"])
        self.assertEqual(sorted(r["RouteKey"] for r in first["Items"] + rest["Items"]),
                         ["ANY /{proxy+}", "GET /a", "GET /b/{id}"])
        moved = self.apigw.update_route(ApiId=api_id, RouteId=routes[0]["RouteId"],
                                        RouteKey="POST /a")
        self.assertEqual(moved["RouteKey"], "POST /a")
        self.assertEqual(self.apigw.get_route(ApiId=api_id, RouteId=routes[0]["RouteId"])
                         ["RouteKey"], "POST /a")
        self.apigw.update_integration(ApiId=api_id, IntegrationId=integration["IntegrationId"],
                                      TimeoutInMillis=5000)
        self.assertEqual(self.apigw.get_integration(
            ApiId=api_id, IntegrationId=integration["IntegrationId"])["TimeoutInMillis"], 5000)
        stage = self.apigw.create_stage(ApiId=api_id, StageName="prod",
                                        StageVariables={"color": "blue"})
        self.assertFalse(stage["AutoDeploy"])
        self.assertEqual(self.apigw.get_stage(ApiId=api_id, StageName="prod")["StageVariables"],
                         {"color": "blue"})
        self.assertEqual([s["StageName"] for s in self.apigw.get_stages(ApiId=api_id)["Items"]],
                         ["prod"])
        message = self.refused("ConflictException", 409, self.apigw.delete_integration,
                               ApiId=api_id, IntegrationId=integration["IntegrationId"])
        self.assertIn("is the target of route", message)
        for route in routes:
            self.apigw.delete_route(ApiId=api_id, RouteId=route["RouteId"])
        self.apigw.delete_integration(ApiId=api_id, IntegrationId=integration["IntegrationId"])
        self.apigw.delete_stage(ApiId=api_id, StageName="prod")
        self.assertEqual(self.apigw.get_routes(ApiId=api_id)["Items"], [])
        self.refused("NotFoundException", 404, self.apigw.get_stage, ApiId=api_id,
                     StageName="prod")

    def test_errors_say_what_and_where(self):
        message = self.refused("BadRequestException", 400, self.apigw.create_api, Name="ws",
                               ProtocolType="WEBSOCKET",
                               RouteSelectionExpression="$request.body.action")
        self.assertIn("WEBSOCKET", message)
        api_id = self.apigw.create_api(Name="errors", ProtocolType="HTTP")["ApiId"]
        message = self.refused("BadRequestException", 400, self.apigw.create_route,
                               ApiId=api_id, RouteKey="GET pets")
        self.assertIn("Invalid route key 'GET pets': the path must start with '/'", message)
        message = self.refused("BadRequestException", 400, self.apigw.create_route,
                               ApiId=api_id, RouteKey="GET /pets", Target="integrations/nope123")
        self.assertIn("names no integration of API " + api_id, message)
        self.apigw.create_route(ApiId=api_id, RouteKey="GET /pets")
        message = self.refused("ConflictException", 409, self.apigw.create_route,
                               ApiId=api_id, RouteKey="GET /pets")
        self.assertIn("Route key 'GET /pets' already exists in API " + api_id, message)
        message = self.refused("BadRequestException", 400, self.apigw.create_integration,
                               ApiId=api_id, IntegrationType="HTTP_PROXY",
                               IntegrationUri="https://example.com", IntegrationMethod="GET",
                               PayloadFormatVersion="1.0")
        self.assertIn("IntegrationType HTTP_PROXY is not supported", message)
        message = self.refused("BadRequestException", 400, self.apigw.create_integration,
                               ApiId=api_id, IntegrationType="AWS_PROXY",
                               IntegrationUri=function_arn("f"), PayloadFormatVersion="3.0")
        self.assertIn("must be 1.0 or 2.0, not '3.0'", message)
        # Past what boto3 checks itself: the model's range, checked by baton.
        unchecked = boto3.session.Session().client(
            "apigatewayv2", endpoint_url=self.server.endpoint, region_name=REGION,
            config=Config(retries={"max_attempts": 1}, parameter_validation=False))
        message = self.refused("BadRequestException", 400, unchecked.create_integration,
                               ApiId=api_id, IntegrationType="AWS_PROXY",
                               IntegrationUri=function_arn("f"), PayloadFormatVersion="2.0",
                               TimeoutInMillis=10)
        unchecked.close()
        self.assertIn("timeoutInMillis", message)
        message = self.refused("BadRequestException", 400, self.apigw.create_integration,
                               ApiId=api_id, IntegrationType="AWS_PROXY",
                               IntegrationUri="arn:aws:sqs:us-east-1:123456789012:q",
                               PayloadFormatVersion="2.0")
        self.assertIn("does not name a Lambda function", message)
        self.refused("NotFoundException", 404, self.apigw.get_route, ApiId=api_id,
                     RouteId="nope123")
        self.apigw.create_stage(ApiId=api_id, StageName="$default")
        self.refused("ConflictException", 409, self.apigw.create_stage, ApiId=api_id,
                     StageName="$default")

    def test_quick_create(self):
        api = self.apigw.create_api(Name="quick", ProtocolType="HTTP",
                                    Target=function_arn("quick-fn"), RouteKey="GET /hello")
        integrations = self.apigw.get_integrations(ApiId=api["ApiId"])["Items"]
        self.assertEqual([(i["IntegrationType"], i["PayloadFormatVersion"], i["IntegrationUri"])
                          for i in integrations],
                         [("AWS_PROXY", "2.0", function_arn("quick-fn"))])
        routes = self.apigw.get_routes(ApiId=api["ApiId"])["Items"]
        self.assertEqual([(r["RouteKey"], r["Target"]) for r in routes],
                         [("GET /hello", "integrations/" + integrations[0]["IntegrationId"])])
        stages = self.apigw.get_stages(ApiId=api["ApiId"])["Items"]
        self.assertEqual([(s["StageName"], s["AutoDeploy"]) for s in stages],
                         [("$default", True)])


class ServingTest(HttpApiTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.set_up_apis()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def set_up_apis(cls):
        cls.lam.create_function(FunctionName="echo", Runtime="nodejs20.x",
                                Handler="index.handler", Role=LAMBDA_ROLE, Timeout=10,
                                Code={"ZipFile": zip_bytes({"index.js": NODE})})
        cls.lam.create_function(FunctionName="pyecho", Runtime="python3.12",
                                Handler="app.handler", Role=LAMBDA_ROLE,
                                Code={"ZipFile": zip_bytes({"app.py": PYTHON})})
        g = cls.apigw
        cors = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"],
                "AllowHeaders": ["content-type"], "ExposeHeaders": ["x-one"], "MaxAge": 600}
        cls.shop = g.create_api(Name="shop", ProtocolType="HTTP", CorsConfiguration=cors)["ApiId"]

        def integration(api, function, version, **extra):
            return "integrations/" + g.create_integration(
                ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=function,
                PayloadFormatVersion=version, **extra)["IntegrationId"]

        node = integration(cls.shop, function_arn("echo"), "2.0")
        # The URI form REST APIs and CloudFormation use.
        python = integration(cls.shop, "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/"
                             f"functions/{function_arn('pyecho')}/invocations", "1.0")
        slow = integration(cls.shop, function_arn("echo"), "2.0", TimeoutInMillis=300)
        missing = integration(cls.shop, function_arn("no-such-function"), "2.0")
        for key, target in (("GET /pets/{id}", node), ("ANY /files/{path+}", node),
                            ("POST /upload", node), ("GET /v1/items/{id}", python),
                            ("GET /slow", slow), ("GET /missing", missing),
                            ("$default", node)):
            g.create_route(ApiId=cls.shop, RouteKey=key, Target=target)
        g.create_stage(ApiId=cls.shop, StageName="$default", AutoDeploy=True)
        # A second API: no $default route, a named stage with a stage variable.
        cls.other = g.create_api(Name="other", ProtocolType="HTTP")["ApiId"]
        other_node = integration(cls.other, function_arn("echo"), "2.0")
        g.create_route(ApiId=cls.other, RouteKey="GET /pets/special", Target=other_node)
        g.create_stage(ApiId=cls.other, StageName="$default")
        g.create_stage(ApiId=cls.other, StageName="prod", StageVariables={"color": "blue"})

    def event(self, method, path, **kwargs):
        status, headers, body = self.request(method, path, **kwargs)
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def test_path_parameters_query_strings_headers_and_cookies(self):
        e = self.event("GET", "/pets/a%20dog?color=red&color=brown&size=2",
                       headers=[("X-Multi", "one"), ("X-Multi", "two"),
                                ("Cookie", "session=s1; theme=dark"), ("User-Agent", "test/1")])
        self.assertEqual(e["version"], "2.0")
        self.assertEqual(e["routeKey"], "GET /pets/{id}")
        self.assertEqual(e["rawPath"], "/pets/a%20dog")
        self.assertEqual(e["rawQueryString"], "color=red&color=brown&size=2")
        self.assertEqual(e["pathParameters"], {"id": "a dog"})
        self.assertEqual(e["queryStringParameters"], {"color": "red,brown", "size": "2"})
        self.assertEqual(e["headers"]["x-multi"], "one,two")
        self.assertEqual(e["cookies"], ["session=s1", "theme=dark"])
        self.assertNotIn("cookie", e["headers"])
        rc = e["requestContext"]
        self.assertEqual((rc["accountId"], rc["apiId"], rc["stage"], rc["routeKey"]),
                         (ACCOUNT, self.shop, "$default", "GET /pets/{id}"))
        self.assertEqual(rc["http"], {"method": "GET", "path": "/pets/a dog",
                                      "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                                      "userAgent": "test/1"})
        self.assertRegex(rc["time"], r"^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$")
        self.assertLess(abs(rc["timeEpoch"] / 1000 - time.time()), 60)
        self.assertRegex(rc["requestId"], r"^[A-Za-z0-9+/]{15}=$")
        self.assertFalse(e["isBase64Encoded"])

    def test_greedy_paths_any_method_and_default_route(self):
        e = self.event("DELETE", "/files/a/b/c.txt")
        self.assertEqual((e["routeKey"], e["pathParameters"]),
                         ("ANY /files/{path+}", {"path": "a/b/c.txt"}))
        e = self.event("GET", "/somewhere/else")
        self.assertEqual(e["routeKey"], "$default")
        self.assertNotIn("pathParameters", e)

    def test_binary_bodies_travel_as_base64(self):
        raw = bytes([0, 1, 2, 250, 255])
        e = self.event("POST", "/upload", body=raw,
                       headers=[("Content-Type", "application/octet-stream")])
        self.assertTrue(e["isBase64Encoded"])
        self.assertEqual(base64.b64decode(e["body"]), raw)
        e = self.event("POST", "/upload", body=b'{"a": 1}',
                       headers=[("Content-Type", "application/json")])
        self.assertFalse(e["isBase64Encoded"])
        self.assertEqual(e["body"], '{"a": 1}')
        status, headers, body = self.request("GET", "/pets/1?mode=binary")
        self.assertEqual((status, body), (200, bytes([0, 1, 2, 255])))
        self.assertEqual(self.header(headers, "content-type"), ["application/octet-stream"])

    def test_payload_format_1_0(self):
        status, headers, body = self.request(
            "GET", "/v1/items/7?tag=a&tag=b", headers=[("X-Multi", "one"), ("X-Multi", "two")])
        self.assertEqual(status, 200, body)
        self.assertEqual(self.header(headers, "x-py"), ["1", "2"])
        e = json.loads(body)
        self.assertEqual(e["version"], "1.0")
        self.assertEqual((e["resource"], e["path"], e["httpMethod"]),
                         ("/v1/items/{id}", "/v1/items/7", "GET"))
        self.assertEqual(e["pathParameters"], {"id": "7"})
        self.assertEqual(e["queryStringParameters"], {"tag": "b"})
        self.assertEqual(e["multiValueQueryStringParameters"], {"tag": ["a", "b"]})
        self.assertEqual(e["headers"]["x-multi"], "two")
        self.assertEqual(e["multiValueHeaders"]["x-multi"], ["one", "two"])
        self.assertEqual(e["requestContext"]["identity"]["sourceIp"], "127.0.0.1")
        self.assertIsNone(e["body"])
        self.assertIsNone(e["stageVariables"])

    def test_response_mapping(self):
        status, headers, body = self.request("GET", "/pets/1?mode=cookies")
        self.assertEqual((status, body), (201, b"made"))
        self.assertEqual(self.header(headers, "set-cookie"), ["a=1", "b=2; Path=/"])
        self.assertEqual(self.header(headers, "x-many"), ["p", "q"])
        self.assertEqual(self.header(headers, "x-one"), ["1"])
        self.assertEqual(len(self.header(headers, "apigw-requestid")), 1)
        status, headers, body = self.request("GET", "/pets/1?mode=bare")
        self.assertEqual((status, body), (200, b"hello"))
        self.assertEqual(self.header(headers, "content-type"), ["application/json"])
        status, headers, body = self.request("GET", "/pets/1?mode=object")
        self.assertEqual((status, json.loads(body)), (200, {"hello": "world"}))

    def test_failures(self):
        for mode in ("malformed", "throw"):
            status, _, body = self.request("GET", f"/pets/1?mode={mode}")
            self.assertEqual((status, json.loads(body)),
                             (502, {"message": "Internal server error"}), mode)
        self.assertRegex(self.server.log(), r"statusCode must be an HTTP status")
        status, _, body = self.request("GET", "/missing")
        self.assertEqual((status, json.loads(body)), (500, {"message": "Internal Server Error"}))
        started = time.monotonic()
        status, _, body = self.request("GET", "/slow?mode=sleep")
        self.assertEqual((status, json.loads(body)),
                         (504, {"message": "Endpoint request timed out"}))
        self.assertLess(time.monotonic() - started, 1.8)

    def test_cors(self):
        preflight = [("Origin", "https://app.example"),
                     ("Access-Control-Request-Method", "POST")]
        status, headers, body = self.request("OPTIONS", "/upload", headers=preflight)
        self.assertEqual((status, body), (204, b""))
        self.assertEqual(self.header(headers, "access-control-allow-origin"),
                         ["https://app.example"])
        self.assertEqual(self.header(headers, "access-control-allow-methods"), ["GET,POST"])
        self.assertEqual(self.header(headers, "access-control-allow-headers"), ["content-type"])
        self.assertEqual(self.header(headers, "access-control-max-age"), ["600"])
        status, headers, _ = self.request(
            "OPTIONS", "/upload", headers=[("Origin", "https://evil.example"),
                                           ("Access-Control-Request-Method", "POST")])
        self.assertEqual((status, self.header(headers, "access-control-allow-origin")), (204, []))
        # The integration's own CORS headers give way to the API's.
        status, headers, _ = self.request("GET", "/pets/1?mode=cookies",
                                          headers=[("Origin", "https://app.example")])
        self.assertEqual(self.header(headers, "access-control-allow-origin"),
                         ["https://app.example"])
        self.assertEqual(self.header(headers, "access-control-expose-headers"), ["x-one"])

    def test_host_selects_one_api_and_stages(self):
        host = f"{self.other}.execute-api.localhost:{self.server.api_port}"
        e = self.event("GET", "/pets/special", host=host)
        self.assertEqual((e["requestContext"]["apiId"], e["requestContext"]["stage"]),
                         (self.other, "$default"))
        self.assertEqual(e["requestContext"]["domainName"], f"{self.other}.execute-api.localhost")
        status, _, body = self.request("GET", "/pets/1", host=host)
        self.assertEqual((status, json.loads(body)), (404, {"message": "Not Found"}))
        e = self.event("GET", "/prod/pets/special", host=host)
        self.assertEqual(e["requestContext"]["stage"], "prod")
        self.assertEqual(e["stageVariables"], {"color": "blue"})
        status, _, _ = self.request("GET", "/pets/special", host="nope123456.execute-api.localhost")
        self.assertEqual(status, 404)
        # Without such a Host, every API's routes at once: the most specific wins.
        e = self.event("GET", "/pets/special")
        self.assertEqual((e["requestContext"]["apiId"], e["routeKey"]),
                         (self.other, "GET /pets/special"))
        e = self.event("GET", "/pets/ordinary")
        self.assertEqual((e["requestContext"]["apiId"], e["routeKey"]),
                         (self.shop, "GET /pets/{id}"))


class RestartTest(HttpApiTest):

    def test_apis_survive_a_restart(self):
        self.lam.create_function(FunctionName="kept", Runtime="nodejs20.x",
                                 Handler="index.handler", Role=LAMBDA_ROLE,
                                 Code={"ZipFile": zip_bytes({"index.js": NODE})})
        api = self.apigw.create_api(Name="kept", ProtocolType="HTTP", Target=function_arn("kept"),
                                    CorsConfiguration={"AllowOrigins": ["*"]})
        routes = self.apigw.get_routes(ApiId=api["ApiId"])["Items"]
        self.server.stop()
        self.server.start()
        self.apigw.close()
        self.apigw = client(self.server, "apigatewayv2")
        self.assertEqual(self.apigw.get_api(ApiId=api["ApiId"])["Name"], "kept")
        self.assertEqual(self.apigw.get_routes(ApiId=api["ApiId"])["Items"], routes)
        status, _, body = self.request("GET", "/anything?mode=bare")
        self.assertEqual((status, body), (200, b"hello"))
        status, headers, _ = self.request("OPTIONS", "/x", headers=[
            ("Origin", "https://a.example"), ("Access-Control-Request-Method", "GET")])
        self.assertEqual(self.header(headers, "access-control-allow-origin"), ["*"])


class PortTest(unittest.TestCase):

    def test_a_taken_api_port_stops_the_start_saying_so(self):
        with harness.Server(harness.BATON) as first:
            import subprocess
            import tempfile
            data = tempfile.mkdtemp(prefix="baton-api-port-")
            done = subprocess.run([harness.BATON, "serve", "--port", "0", "--api-port",
                                   str(first.api_port), "--data", data],
                                  capture_output=True, text=True, timeout=30)
            self.assertNotEqual(done.returncode, 0)
            self.assertIn(f"the HTTP API port: cannot listen on 127.0.0.1:{first.api_port}",
                          done.stderr)
            self.assertIn("--api-port", done.stderr)
            self.assertTrue(re.search(r"HTTP APIs on http://127\.0\.0\.1:\d+", first.log()))


if __name__ == "__main__":
    harness.baton_binary()
    unittest.main(verbosity=2)
