"""EventBridge to HTTP endpoints through boto3: connections (API key, basic) and API
destinations, targets with HttpParameters (path, query, headers), CloudEvents out in
structured and binary mode, a 5xx retried, a 4xx to the dead-letter queue. The endpoint is an
HTTP server of the test's own on 127.0.0.1.

usage: python3 tests/serve/test_api_destinations.py PATH_TO_BATON
"""

import http.server
import json
import threading
import time

import boto3
import botocore.exceptions
from botocore.config import Config

import harness

REGION = harness.REGION
ACCOUNT = harness.ACCOUNT


class Endpoint(http.server.ThreadingHTTPServer):
    """Records each request; answers the status queued for its path (200 when none)."""

    def __init__(self):
        self.requests = []
        self.statuses = {}
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), Handler)

    def wait_for(self, count, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        return list(self.requests)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the standard library's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server = self.server
        with server.lock:
            server.requests.append({"path": self.path, "headers": dict(self.headers),
                                    "body": body.decode()})
            queued = server.statuses.get(self.path.split("?")[0], [])
            status = queued.pop(0) if queued else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class ApiDestinationTest(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        config = Config(retries={"max_attempts": 1})
        cls.events = boto3.session.Session().client(
            "events", endpoint_url=cls.server.endpoint, region_name=REGION, config=config)
        cls.sqs = boto3.session.Session().client(
            "sqs", endpoint_url=cls.server.endpoint, region_name=REGION, config=config)
        cls.endpoint = Endpoint()
        threading.Thread(target=cls.endpoint.serve_forever, daemon=True).start()
        cls.base = f"http://127.0.0.1:{cls.endpoint.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.endpoint.shutdown()
        cls.events.close()
        cls.sqs.close()
        super().tearDownClass()

    def test_connections_destinations_and_cloudevents_out(self):
        connection = self.events.create_connection(
            Name="hooks", AuthorizationType="API_KEY", AuthParameters={
                "ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "s3cret"},
                "InvocationHttpParameters": {"QueryStringParameters": [
                    {"Key": "from", "Value": "baton"}]}})
        self.assertEqual(connection["ConnectionState"], "AUTHORIZED")
        described = self.events.describe_connection(Name="hooks")
        self.assertNotIn("ApiKeyValue", json.dumps(described["AuthParameters"]))
        destination = self.events.create_api_destination(
            Name="hooks", ConnectionArn=connection["ConnectionArn"],
            InvocationEndpoint=self.base + "/hooks/*", HttpMethod="POST")["ApiDestinationArn"]
        self.assertIn(":api-destination/hooks/", destination)
        self.events.put_rule(Name="to-hooks", EventPattern='{"source": ["shop"]}')
        self.events.put_targets(Rule="to-hooks", Targets=[
            {"Id": "plain", "Arn": destination, "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
             "HttpParameters": {"PathParameterValues": ["plain"],
                                "QueryStringParameters": {"n": "1"}}},
            {"Id": "structured", "Arn": destination, "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
             "HttpParameters": {"PathParameterValues": ["structured"], "HeaderParameters": {
                 "Content-Type": "application/cloudevents+json"}}},
            {"Id": "binary", "Arn": destination, "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
             "HttpParameters": {"PathParameterValues": ["binary"], "HeaderParameters": {
                 "ce-specversion": "1.0"}}}])
        self.endpoint.statuses["/hooks/plain"] = [503]  # tried again a second later
        with self.endpoint.lock:
            before = len(self.endpoint.requests)
        answer = self.events.put_events(Entries=[{
            "Source": "shop", "DetailType": "OrderPlaced", "Detail": '{"total": 3}',
            "Resources": ["order-7"]}])
        event_id = answer["Entries"][0]["EventId"]
        got = self.endpoint.wait_for(before + 4)[before:]
        by_path = {}
        for r in got:
            by_path.setdefault(r["path"].split("?")[0], []).append(r)
        plain = by_path["/hooks/plain"]
        self.assertEqual(len(plain), 2, "the 503 is tried again")
        self.assertEqual(plain[1]["path"], "/hooks/plain?from=baton&n=1")
        self.assertEqual(plain[1]["headers"]["x-api-key"], "s3cret")
        self.assertEqual(json.loads(plain[1]["body"])["detail"], {"total": 3})
        [structured] = by_path["/hooks/structured"]
        self.assertTrue(structured["headers"]["Content-Type"].startswith(
            "application/cloudevents+json"))
        ce = json.loads(structured["body"])
        self.assertEqual((ce["specversion"], ce["id"], ce["type"], ce["source"], ce["subject"],
                          ce["data"]), ("1.0", event_id, "OrderPlaced", "shop", "order-7",
                                        {"total": 3}))
        [binary] = by_path["/hooks/binary"]
        self.assertEqual((binary["headers"]["ce-type"], binary["headers"]["ce-id"],
                          json.loads(binary["body"])), ("OrderPlaced", event_id, {"total": 3}))

    def test_a_client_error_goes_to_the_dead_letter_queue(self):
        connection = self.events.create_connection(
            Name="basic", AuthorizationType="BASIC",
            AuthParameters={"BasicAuthParameters": {"Username": "u", "Password": "p"}})
        destination = self.events.create_api_destination(
            Name="refusing", ConnectionArn=connection["ConnectionArn"],
            InvocationEndpoint=self.base + "/refuse", HttpMethod="POST")["ApiDestinationArn"]
        dlq = self.sqs.create_queue(QueueName="hooks-dlq")["QueueUrl"]
        self.endpoint.statuses["/refuse"] = [400]
        self.events.put_rule(Name="refused", EventPattern='{"source": ["refused"]}')
        self.events.put_targets(Rule="refused", Targets=[{
            "Id": "r", "Arn": destination, "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
            "DeadLetterConfig": {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:hooks-dlq"}}])
        self.events.put_events(Entries=[{"Source": "refused", "DetailType": "x", "Detail": "{}"}])
        got = self.sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=10,
                                       MessageAttributeNames=["All"])["Messages"]
        attributes = {k: v["StringValue"] for k, v in got[0]["MessageAttributes"].items()}
        self.assertIn("HTTP 400", attributes["ERROR_MESSAGE"])
        [refused] = [r for r in self.endpoint.requests if r["path"] == "/refuse"]
        self.assertEqual(refused["headers"]["Authorization"], "Basic dTpw")

    def test_errors(self):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            self.events.create_api_destination(
                Name="orphan", ConnectionArn=f"arn:aws:events:{REGION}:{ACCOUNT}:connection/x/y",
                InvocationEndpoint="https://example.com", HttpMethod="POST")
        self.assertEqual(caught.exception.response["Error"]["Code"], "ResourceNotFoundException")
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            self.events.create_connection(Name="bad", AuthorizationType="BASIC",
                                          AuthParameters={"ApiKeyAuthParameters": {
                                              "ApiKeyName": "k", "ApiKeyValue": "v"}})
        self.assertEqual(caught.exception.response["Error"]["Code"], "ValidationException")


if __name__ == "__main__":
    harness.baton_binary()
    import unittest
    unittest.main()
