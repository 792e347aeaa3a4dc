#!/usr/bin/python3
"""Writes sigv4_botocore.json: requests as Debian's botocore signs and sends them, for
sigv4_test.cc to verify: each case signed by botocore's own signers (SigV4Auth, S3SigV4Auth,
SigV4QueryAuth, S3SigV4QueryAuth) and, when python3-awscrt is installed, by the CRT's. Run with Debian's python3 (its botocore) when the cases change:

    /usr/bin/python3 tests/net/make_sigv4_fixtures.py > tests/net/sigv4_botocore.json

Nothing is sent: a before-send hook takes each request as it would go on the wire.
"""

import base64
import datetime
import json
import sys
from unittest import mock

import boto3
import botocore
import botocore.auth
from botocore.config import Config

NOW = datetime.datetime(2026, 12, 5, 10, 30, 0)
ACCESS_KEY = "AKIDBOTOCORE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "session/token+with=odd"
REGION = "us-east-1"


class Captured(Exception):
    pass


class FixedDatetime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return NOW


def wire(request):
    url = botocore.compat.urlsplit(request.url)
    target = url.path or "/"
    if url.query:
        target += "?" + url.query
    body = request.body
    if body is None:
        body = b""
    elif hasattr(body, "read"):
        body = body.read()
    elif isinstance(body, str):
        body = body.encode()
    headers = [[k.lower(), v.decode() if isinstance(v, bytes) else v]
               for k, v in request.headers.items()]
    if not any(name == "host" for name, _ in headers):
        headers.insert(0, ["host", url.netloc])  # as the HTTP library adds it
    return {
        "method": request.method,
        "target": target,
        "headers": headers,
        "body_base64": base64.b64encode(body).decode(),
    }


def client(service, endpoint="http://127.0.0.1:8083", token=None, **config):
    c = boto3.session.Session().client(
        service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET, aws_session_token=token,
        config=Config(inject_host_prefix=False, retries={"max_attempts": 1}, **config))

    def capture(request, **_):
        raise Captured(wire(request))

    c.meta.events.register("before-send", capture)
    return c


def sent(call):
    try:
        call()
    except Captured as e:
        return e.args[0]
    raise RuntimeError("nothing was sent")


def presigned(url, method):
    parts = botocore.compat.urlsplit(url)
    return {"method": method, "target": parts.path + "?" + parts.query,
            "headers": [["host", parts.netloc]], "body_base64": ""}


def cases():
    sfn = client("stepfunctions")
    yield "stepfunctions ListStateMachines", "states", sent(
        lambda: sfn.list_state_machines(maxResults=5))
    yield "stepfunctions StartExecution with unicode input", "states", sent(
        lambda: sfn.start_execution(
            stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:hello",
            input=json.dumps({"greeting": "grüß dich", "n": [1, 2, 3]})))
    lam = client("lambda", token=TOKEN)
    yield "lambda Invoke, ARN in the path, a session token", "lambda", sent(
        lambda: lam.invoke(FunctionName="arn:aws:lambda:us-east-1:123456789012:function:my-fn",
                           Qualifier="prod", Payload=b'{"a":"b c"}'))
    yield "lambda ListFunctions, query", "lambda", sent(
        lambda: lam.list_functions(MaxItems=3, Marker="a b/c+d"))
    sqs = client("sqs")
    yield "sqs SendMessage, query protocol form body", "sqs", sent(
        lambda: sqs.send_message(QueueUrl="http://127.0.0.1:8083/123456789012/q",
                                 MessageBody="hello & goodbye = 100%"))
    ddb = client("dynamodb")
    yield "dynamodb PutItem", "dynamodb", sent(
        lambda: ddb.put_item(TableName="table", Item={"k": {"S": "v"}}))
    s3 = client("s3", s3={"addressing_style": "path"})
    yield "s3 PutObject, odd key", "s3", sent(
        lambda: s3.put_object(Bucket="bucket", Key="dir/a b+c$d=e~f!'()*,ü.txt", Body=b"hello"))
    yield "s3 ListObjectsV2, query", "s3", sent(
        lambda: s3.list_objects_v2(Bucket="bucket", Prefix="a b/", Delimiter="/"))
    yield "s3 GetObject, dot segments kept", "s3", sent(
        lambda: s3.get_object(Bucket="bucket", Key="a/./b/../c", Range="bytes=0-9"))
    s3_tls = client("s3", endpoint="https://127.0.0.1:8083", s3={"addressing_style": "path"})
    yield "s3 PutObject over https, unsigned aws-chunked payload with a CRC32 trailer", "s3", sent(
        lambda: s3_tls.put_object(Bucket="bucket", Key="chunked.txt", Body=b"x" * 3000,
                                  ChecksumAlgorithm="CRC32"))
    plain_s3 = boto3.session.Session().client(
        "s3", endpoint_url="http://127.0.0.1:8083", region_name=REGION,
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET,
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))
    yield "s3 presigned GetObject", "s3", presigned(plain_s3.generate_presigned_url(
        "get_object", Params={"Bucket": "bucket", "Key": "some dir/file (1).txt"},
        ExpiresIn=3600), "GET")
    yield "s3 presigned PutObject", "s3", presigned(plain_s3.generate_presigned_url(
        "put_object", Params={"Bucket": "bucket", "Key": "up.bin"}, ExpiresIn=600), "PUT")
    plain_sqs = boto3.session.Session().client(
        "sqs", endpoint_url="http://127.0.0.1:8083", region_name=REGION,
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET)
    # The query protocol's operations are POSTs, and botocore presigns them as such.
    yield "sqs presigned ListQueues", "sqs", presigned(plain_sqs.generate_presigned_url(
        "list_queues", Params={"QueueNamePrefix": "a b"}, ExpiresIn=900), "POST")


# botocore's own signers, which it replaces with the CRT's when awscrt is installed.
PURE_SIGNERS = {
    "v4": botocore.auth.SigV4Auth,
    "v4-query": botocore.auth.SigV4QueryAuth,
    "s3v4": botocore.auth.S3SigV4Auth,
    "s3v4-query": botocore.auth.S3SigV4QueryAuth,
}


def main():
    fixtures = []
    signers = [("botocore", PURE_SIGNERS)]
    if botocore.compat.HAS_CRT:
        signers.append(("awscrt", {}))
    for label, replaced in signers:
        # botocore.auth and botocore.crt.auth share the datetime module: one clock for both.
        with mock.patch.object(botocore.auth.datetime, "datetime", FixedDatetime), \
                mock.patch.dict(botocore.auth.AUTH_TYPE_MAPS, replaced):
            fixtures += [dict(name=f"{name} ({label})", service=service, **request)
                         for name, service, request in cases()]
    json.dump({"botocore": botocore.__version__, "now": NOW.strftime("%Y%m%dT%H%M%SZ"),
               "access_key": ACCESS_KEY, "secret": SECRET, "region": REGION,
               "requests": fixtures}, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
