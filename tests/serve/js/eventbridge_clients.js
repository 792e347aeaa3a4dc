// The current AWS SDK for JavaScript v3's EventBridge client against `baton serve` (awsJson1_1):
// a bus with a description, a rule, a queue target with an InputTransformer, PutEvents with a
// refused entry, TestEventPattern and the errors. Prints one JSON object with what each call
// answered; the Python test asserts on it.
//   node eventbridge_clients.js ENDPOINT

const {
  EventBridgeClient, CreateEventBusCommand, DescribeEventBusCommand, PutRuleCommand,
  PutTargetsCommand, ListTargetsByRuleCommand, PutEventsCommand, TestEventPatternCommand,
  DescribeRuleCommand,
} = require("@aws-sdk/client-eventbridge");
const { SQSClient, CreateQueueCommand, ReceiveMessageCommand } = require("@aws-sdk/client-sqs");

const endpoint = process.argv[2];
const config = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
  maxAttempts: 1,
};
const events = new EventBridgeClient(config);
const sqs = new SQSClient(config);

async function caught(call) {
  try {
    return { ok: await call() };
  } catch (e) {
    return { error: { name: e.name, message: e.message, status: e.$metadata && e.$metadata.httpStatusCode } };
  }
}

async function main() {
  const out = {};
  out.bus = await caught(async () => (await events.send(new CreateEventBusCommand({
    Name: "js-bus", Description: "from the SDK v3",
  }))).EventBusArn);
  out.describeBus = await caught(async () => {
    const d = await events.send(new DescribeEventBusCommand({ Name: "js-bus" }));
    return { Name: d.Name, Arn: d.Arn, Description: d.Description };
  });
  out.rule = await caught(async () => (await events.send(new PutRuleCommand({
    Name: "js-rule", EventBusName: "js-bus",
    EventPattern: JSON.stringify({ source: ["js.app"], detail: { n: [{ numeric: [">", 1] }] } }),
  }))).RuleArn);
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "js-events" }))).QueueUrl;
  out.targets = await caught(async () => {
    const r = await events.send(new PutTargetsCommand({
      Rule: "js-rule", EventBusName: "js-bus", Targets: [{
        Id: "q", Arn: "arn:aws:sqs:us-east-1:123456789012:js-events",
        InputTransformer: { InputPathsMap: { n: "$.detail.n" }, InputTemplate: '"n is <n>"' },
      }],
    }));
    return r.FailedEntryCount;
  });
  out.listed = await caught(async () => (await events.send(new ListTargetsByRuleCommand({
    Rule: "js-rule", EventBusName: "js-bus",
  }))).Targets);
  out.put = await caught(async () => events.send(new PutEventsCommand({
    Entries: [
      { Source: "js.app", DetailType: "Count", Detail: JSON.stringify({ n: 5 }), EventBusName: "js-bus" },
      { Source: "js.app", DetailType: "Count", Detail: "not json", EventBusName: "js-bus" },
    ],
  })));
  out.received = await caught(async () => {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
    return (r.Messages || []).map((m) => m.Body);
  });
  out.test = await caught(async () => (await events.send(new TestEventPatternCommand({
    EventPattern: JSON.stringify({ source: ["js.app"] }),
    Event: JSON.stringify({
      id: "1", account: "123456789012", source: "js.app", time: "2026-12-05T10:00:00Z",
      region: "us-east-1", resources: [], "detail-type": "Count", detail: {},
    }),
  }))).Result);
  out.badPattern = await caught(async () => events.send(new PutRuleCommand({
    Name: "bad", EventPattern: JSON.stringify({ source: [] }),
  })));
  out.missingRule = await caught(async () => events.send(new DescribeRuleCommand({ Name: "nope" })));
  for (const c of [events, sqs]) c.destroy();
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(String(e.stack || e));
  process.exit(1);
});
