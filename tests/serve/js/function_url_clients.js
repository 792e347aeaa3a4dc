// The AWS SDK for JavaScript v3 (@aws-sdk/client-lambda) on function URLs' InvokeMode, which
// Debian's boto3 predates: a URL created with RESPONSE_STREAM, read back, updated to BUFFERED.
// Prints one JSON object; the Python test asserts on it.
//   node function_url_clients.js ENDPOINT FUNCTION_NAME

const {
  LambdaClient, CreateFunctionUrlConfigCommand, GetFunctionUrlConfigCommand,
  UpdateFunctionUrlConfigCommand, DeleteFunctionUrlConfigCommand,
} = require("@aws-sdk/client-lambda");

const [endpoint, name] = process.argv.slice(2);

async function main() {
  const lambda = new LambdaClient({
    endpoint, region: "us-east-1", maxAttempts: 1,
    credentials: { accessKeyId: "baton", secretAccessKey: "baton" },
  });
  const out = {};
  const created = await lambda.send(new CreateFunctionUrlConfigCommand(
    { FunctionName: name, AuthType: "NONE", InvokeMode: "RESPONSE_STREAM" }));
  out.created = { url: created.FunctionUrl, mode: created.InvokeMode };
  const got = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name }));
  out.got = { mode: got.InvokeMode, creation: got.CreationTime, modified: got.LastModifiedTime };
  const updated = await lambda.send(new UpdateFunctionUrlConfigCommand(
    { FunctionName: name, InvokeMode: "BUFFERED" }));
  out.updated = { mode: updated.InvokeMode };
  try {
    await lambda.send(new UpdateFunctionUrlConfigCommand(
      { FunctionName: name, InvokeMode: "STREAMING" }));
    out.refused = null;
  } catch (e) {
    out.refused = { name: e.name, status: e.$metadata.httpStatusCode };
  }
  await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: name }));
  console.log(JSON.stringify(out));
}

main().catch((e) => { console.error(e); process.exit(1); });
