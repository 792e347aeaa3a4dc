// The current AWS SDK for JavaScript v3's SNS client against `baton serve` (SNS's query
// protocol): a topic, its attributes, a subscription, Publish, PublishBatch and an error. Prints
// one JSON object with what each call answered; the Python test asserts on it.
//   node sns_clients.js ENDPOINT

const {
  SNSClient, CreateTopicCommand, GetTopicAttributesCommand, SubscribeCommand,
  ListSubscriptionsByTopicCommand, PublishCommand, PublishBatchCommand, DeleteTopicCommand,
} = require("@aws-sdk/client-sns");

const endpoint = process.argv[2];
const sns = new SNSClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
  maxAttempts: 1,
});

async function caught(call) {
  try {
    return { ok: await call() };
  } catch (e) {
    return { error: { name: e.name, message: e.message, status: e.$metadata && e.$metadata.httpStatusCode } };
  }
}

async function main() {
  const out = {};
  out.create = await caught(async () => (await sns.send(new CreateTopicCommand({
    Name: "from-js", Attributes: { DisplayName: "JS" }, Tags: [{ Key: "sdk", Value: "v3" }],
  }))).TopicArn);
  const arn = out.create.ok;
  out.attributes = await caught(async () =>
    (await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes);
  out.subscribe = await caught(async () => (await sns.send(new SubscribeCommand({
    TopicArn: arn, Protocol: "email", Endpoint: "js@example.com", ReturnSubscriptionArn: true,
  }))).SubscriptionArn);
  out.subscriptions = await caught(async () =>
    (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }))).Subscriptions);
  out.publish = await caught(async () => (await sns.send(new PublishCommand({
    TopicArn: arn, Message: "from the SDK v3", Subject: "JS",
    MessageAttributes: { n: { DataType: "Number", StringValue: "7" },
                         b: { DataType: "Binary", BinaryValue: Uint8Array.from([1, 2, 3]) } },
  }))).MessageId);
  out.batch = await caught(async () => {
    const r = await sns.send(new PublishBatchCommand({
      TopicArn: arn,
      PublishBatchRequestEntries: [{ Id: "one", Message: "1" }, { Id: "two", Message: "" }],
    }));
    return { successful: r.Successful.map((s) => s.Id), failed: r.Failed };
  });
  out.missing = await caught(async () =>
    sns.send(new GetTopicAttributesCommand({ TopicArn: arn + "-missing" })));
  out.delete = await caught(async () => { await sns.send(new DeleteTopicCommand({ TopicArn: arn })); return true; });
  console.log(JSON.stringify(out));
}

main().catch((e) => { console.error(e); process.exit(1); });
