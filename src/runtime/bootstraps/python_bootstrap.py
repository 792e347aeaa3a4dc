"""baton's bootstrap for the python3.x runtimes.

The function host starts it as `python3 python_bootstrap.py` in LAMBDA_TASK_ROOT with
the environment of a Lambda sandbox (_HANDLER, AWS_LAMBDA_RUNTIME_API, ...). It
imports the handler the way AWS's Python runtime does and then serves invocations
over the Lambda Runtime API:
    GET  /2018-06-01/runtime/invocation/next
    POST /2018-06-01/runtime/invocation/{id}/response | /error
    POST /2018-06-01/runtime/init/error
Error bodies are {"errorMessage", "errorType", "requestId", "stackTrace"}; stdout and
stderr are unbuffered; the root logger writes
"[LEVEL]\t<ISO time>Z\t<request id>\t<message>" as on Lambda. Standard library only,
Python 3.9+.

boto3 and botocore (the machine's) find baton's API in AWS_ENDPOINT_URL: botocore reads it
itself from 1.31 on, and for older ones (Debian 12's 1.29) this bootstrap makes it do so.
"""

import decimal
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API_PREFIX = "/2018-06-01/runtime"
THIS_FILE = os.path.abspath(__file__)


class Fault(Exception):
    """A failure the runtime itself names: Runtime.ImportModuleError and friends."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = "Runtime." + error_type
        self.message = message
        self.trace = trace or []


# ------------------------------------------------------------------ output


class Unbuffered:
    """Wraps a text stream so every write reaches the file descriptor at once."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        written = self._stream.write(text)
        self._stream.flush()
        return written

    def writelines(self, lines):
        self._stream.writelines(lines)
        self._stream.flush()

    def __getattr__(self, name):
        return getattr(self._stream, name)


current_request_id = ""


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = current_request_id
        return True


class StdoutHandler(logging.Handler):
    def emit(self, record):
        sys.stdout.write(self.format(record))


def setup_logging():
    logging.Formatter.converter = time.gmtime
    handler = StdoutHandler()
    handler.setFormatter(logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
        "%Y-%m-%dT%H:%M:%S"))
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)


def log_error(error):
    """'[ERROR] Type: message' and the traceback, one record ("\\r" between lines)."""
    lines = ["[ERROR] {}: {}".format(error["errorType"], error["errorMessage"]),
             "Traceback (most recent call last):"]
    for entry in error["stackTrace"]:
        for line in entry.splitlines():
            stripped = line.lstrip(" ")
            lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    sys.stdout.write("\r".join(lines) + "\n")


# ------------------------------------------------------------- Runtime API


class RuntimeApi:
    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self._host, self._port = host.strip("[]"), int(port)
        self._conn = None

    def call(self, method, path, body=None, headers=None):
        # One kept-alive connection; reconnect once if the server closed it meanwhile.
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self._host, self._port)
            try:
                self._conn.request(method, API_PREFIX + path, body=body, headers=headers or {})
                response = self._conn.getresponse()
                return response.status, response.getheaders(), response.read()
            except (ConnectionError, http.client.HTTPException):
                self._conn.close()
                self._conn = None
                if attempt == 2:
                    raise

    def post(self, path, body, content_type, error_type=None):
        headers = {"Content-Type": content_type}
        if error_type:
            headers["Lambda-Runtime-Function-Error-Type"] = error_type
        status, _, reply = self.call("POST", path, body, headers)
        if status != 202:
            sys.stderr.write("baton python bootstrap: POST {} -> {} {}\n".format(
                path, status, reply.decode("utf-8", "replace")))
            if status >= 500:  # the Runtime API says: non-recoverable
                sys.exit(1)

    def post_error(self, path, error):
        self.post(path, json.dumps(error).encode("utf-8"), "application/json",
                  error["errorType"])


# ---------------------------------------------------------------- AWS SDK


class BotocoreEndpoints:
    """Makes a botocore client created without an endpoint_url use AWS_ENDPOINT_URL_<SERVICE>
    or AWS_ENDPOINT_URL, as botocore does by itself from 1.31 on: a finder on sys.meta_path that
    changes botocore.session as it is imported, when the botocore imported does not read them.
    A handler that never imports boto3 or botocore pays nothing more than this finder's look at
    each module's name."""

    def __init__(self):
        self.done = False

    def find_spec(self, name, path=None, target=None):
        if self.done or name != "botocore.session":
            return None
        self.done = True
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if finder is not self and find else None
            if spec is not None:
                break
        else:
            return None
        exec_module = getattr(spec.loader, "exec_module", None)
        if exec_module is None:
            return spec

        def exec_then_patch(module):
            exec_module(module)
            patch_create_client(module)

        spec.loader.exec_module = exec_then_patch
        return spec


def patch_create_client(session_module):
    configprovider = sys.modules.get("botocore.configprovider")
    if configprovider is None or hasattr(configprovider, "ConfiguredEndpointProvider"):
        return  # botocore 1.31+ reads the variables itself
    create_client = session_module.Session.create_client

    def create_client_at_endpoint(self, service_name, *args, **kwargs):
        # endpoint_url is create_client's sixth parameter; an explicit one is kept.
        if len(args) < 5 and kwargs.get("endpoint_url") is None:
            api_version = kwargs.get("api_version", args[1] if len(args) > 1 else None)
            endpoint = configured_endpoint(self, service_name, api_version)
            if endpoint:
                kwargs["endpoint_url"] = endpoint
        return create_client(self, service_name, *args, **kwargs)

    create_client_at_endpoint.__doc__ = create_client.__doc__
    create_client_at_endpoint.__wrapped__ = create_client
    session_module.Session.create_client = create_client_at_endpoint


def configured_endpoint(session, service_name, api_version):
    """What botocore 1.31+ finds in the environment: AWS_ENDPOINT_URL_<SERVICE ID> (the service
    model's serviceId, upper case, spaces as _: SFN, DYNAMODB, SECRETS_MANAGER), then
    AWS_ENDPOINT_URL; none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true."""
    environ = os.environ
    if environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").strip().lower() == "true":
        return None
    try:
        service_id = session.get_service_model(service_name, api_version).service_id
    except Exception:  # an unknown service: create_client says so
        service_id = None
    if service_id:
        name = "AWS_ENDPOINT_URL_" + service_id.replace(" ", "_").replace("-", "_").upper()
        if environ.get(name):
            return environ[name]
    return environ.get("AWS_ENDPOINT_URL") or None


# ---------------------------------------------------------------- handler


def load_handler(handler):
    """'file.func', 'dir/file.func' or 'pkg.module.func' -> the function."""
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise Fault("MalformedHandlerName", "Bad handler '{}': {}".format(handler, e))
    if modname.split(".")[0] in sys.builtin_module_names:
        raise Fault("BuiltInModuleConflict",
                    "Cannot use built-in module {} as a handler module".format(modname))
    try:
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise Fault("ImportModuleError", "Unable to import module '{}': {}".format(modname, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise Fault("UserCodeSyntaxError",
                    "Syntax error in module '{}': {}".format(modname, e), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise Fault("HandlerNotFound",
                    "Handler '{}' missing on module '{}'".format(fname, modname))


def error_from_exception(exc, request_id):
    """Lambda's error object for an exception, without this file's own frames on top."""
    if isinstance(exc, Fault):
        message, error_type, trace = exc.message, exc.error_type, exc.trace
    else:
        frames = traceback.extract_tb(exc.__traceback__)
        while frames and frames[0].filename == THIS_FILE:
            frames = frames[1:]
        message, error_type = str(exc), type(exc).__name__
        trace = traceback.format_list(frames)
    return {"errorMessage": message, "errorType": error_type,
            "requestId": request_id, "stackTrace": trace}


# ---------------------------------------------------------------- context


class ClientContext:
    __slots__ = ["custom", "env", "client"]


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code",
                 "app_package_name"]


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


def object_from(cls, values):
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, values.get(field))
    return obj


class LambdaContext:
    def __init__(self, request_id, deadline_ms, invoked_function_arn, client_context,
                 cognito_identity):
        self.aws_request_id = request_id
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = None
        if client_context is not None:
            self.client_context = object_from(ClientContext, client_context)
            if self.client_context.client is not None:
                self.client_context.client = object_from(Client, self.client_context.client)
        self.identity = object_from(CognitoIdentity, {
            "cognito_identity_id": (cognito_identity or {}).get("cognitoIdentityId"),
            "cognito_identity_pool_id": (cognito_identity or {}).get("cognitoIdentityPoolId"),
        })
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, msg):
        sys.stdout.write(str(msg))


def parse_json_header(value, name):
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError as e:
        raise Fault("LambdaContextUnmarshalError", "Unable to parse {} JSON: {}".format(name, e))


# ----------------------------------------------------------- invocations


def encode_default(obj):
    if isinstance(obj, decimal.Decimal):  # as Lambda's encoder: Decimal is a JSON number
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    raise TypeError("Object of type {} is not JSON serializable".format(type(obj).__name__))


def marshal(result):
    if isinstance(result, bytes):
        return result, "application/unknown"
    try:
        return json.dumps(result, default=encode_default).encode("utf-8"), "application/json"
    except (TypeError, ValueError, OverflowError, RecursionError) as e:
        raise Fault("MarshalError", "Unable to marshal response: {}".format(e))


def invoke_once(api, handler):
    global current_request_id
    status, header_list, body = api.call("GET", "/invocation/next")
    if status != 200:
        sys.stderr.write("baton python bootstrap: GET next -> {} {}\n".format(status, body))
        sys.exit(1)
    headers = {name.lower(): value for name, value in header_list}
    request_id = headers.get("lambda-runtime-aws-request-id", "")
    current_request_id = request_id
    if headers.get("lambda-runtime-trace-id"):
        os.environ["_X_AMZN_TRACE_ID"] = headers["lambda-runtime-trace-id"]
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)

    try:
        context = LambdaContext(
            request_id, int(headers.get("lambda-runtime-deadline-ms", "0")),
            headers.get("lambda-runtime-invoked-function-arn"),
            parse_json_header(headers.get("lambda-runtime-client-context"), "Client Context"),
            parse_json_header(headers.get("lambda-runtime-cognito-identity"),
                              "Cognito Identity"))
        event = body
        if headers.get("content-type", "application/json") == "application/json":
            try:
                event = json.loads(body)
            except ValueError as e:
                raise Fault("UnmarshalError", "Unable to unmarshal input: {}".format(e))
        payload, content_type = marshal(handler(event, context))
    except Exception as e:
        error = error_from_exception(e, request_id)
        log_error(error)
        api.post_error("/invocation/{}/error".format(request_id), error)
        return
    api.post("/invocation/{}/response".format(request_id), payload, content_type)


def main():
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    # User code is imported from the task root, never from this file's folder.
    here = os.path.dirname(THIS_FILE)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, task_root)
    setup_logging()
    if any(name.startswith("AWS_ENDPOINT_URL") for name in os.environ):
        sys.meta_path.insert(0, BotocoreEndpoints())
    api = RuntimeApi(os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"))

    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as e:
        error = error_from_exception(e, "")
        log_error(error)
        api.post_error("/init/error", error)
        sys.exit(1)

    while True:
        invoke_once(api, handler)


if __name__ == "__main__":
    main()
