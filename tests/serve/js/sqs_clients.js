// The current AWS SDK for JavaScript v3 against `baton serve`'s SQS, in SQS's JSON protocol.
// The SDK checks MD5OfMessageBody and MD5OfMessageAttributes of what it sends and receives
// itself: a wrong digest fails the call. Prints one JSON object of what each step answered;
// tests/serve/test_sqs_sdk.py asserts on it.
//   node sqs_clients.js ENDPOINT

const sqsModule = require("@aws-sdk/client-sqs");
const {
  SQSClient, CreateQueueCommand, GetQueueUrlCommand, GetQueueAttributesCommand,
  SetQueueAttributesCommand, SendMessageCommand, SendMessageBatchCommand, ReceiveMessageCommand,
  DeleteMessageCommand, DeleteMessageBatchCommand, ChangeMessageVisibilityCommand,
  ListQueuesCommand, StartMessageMoveTaskCommand, ListMessageMoveTasksCommand,
  CancelMessageMoveTaskCommand, PurgeQueueCommand,
} = sqsModule;

const endpoint = process.argv[2];
const sqs = new SQSClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
  maxAttempts: 1,
});

async function caught(call) {
  try {
    return { ok: await call() };
  } catch (e) {
    return { error: { name: e.name, code: e.Code, message: e.message, status: e.$metadata && e.$metadata.httpStatusCode } };
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function arnOf(url) {
  const r = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  return r.Attributes.QueueArn;
}

async function main() {
  const out = {};
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: "sdk", Attributes: { VisibilityTimeout: "5" } }))).QueueUrl;
  out.url = url;
  out.getUrl = await caught(() => sqs.send(new GetQueueUrlCommand({ QueueName: "sdk" })));

  out.send = await caught(async () => {
    const r = await sqs.send(new SendMessageCommand({
      QueueUrl: url,
      MessageBody: "héllo from the SDK v3",
      MessageAttributes: {
        colour: { DataType: "String", StringValue: "blue" },
        count: { DataType: "Number", StringValue: "3" },
        raw: { DataType: "Binary", BinaryValue: Uint8Array.from([0, 1, 255]) },
      },
      MessageSystemAttributes: {
        AWSTraceHeader: { DataType: "String", StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793" },
      },
    }));
    return { MessageId: r.MessageId, MD5OfMessageBody: r.MD5OfMessageBody, MD5OfMessageAttributes: r.MD5OfMessageAttributes, MD5OfMessageSystemAttributes: r.MD5OfMessageSystemAttributes };
  });
  out.receive = await caught(async () => {
    const r = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"],
    }));
    const m = r.Messages[0];
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    return { count: r.Messages.length, Body: m.Body, MessageId: m.MessageId, Attributes: m.Attributes, raw: Array.from(m.MessageAttributes.raw.BinaryValue), MD5OfMessageAttributes: m.MD5OfMessageAttributes };
  });

  out.batch = await caught(async () => {
    const r = await sqs.send(new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: [
        { Id: "one", MessageBody: "one", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } },
        { Id: "two", MessageBody: "two", DelaySeconds: 1000 },
        { Id: "three", MessageBody: "three" },
      ],
    }));
    return { successful: r.Successful.map((e) => e.Id).sort(), failed: r.Failed };
  });
  out.batchReceive = await caught(async () => {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }));
    const d = await sqs.send(new DeleteMessageBatchCommand({
      QueueUrl: url,
      Entries: r.Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })).concat([{ Id: "bogus", ReceiptHandle: "AAAA" }]),
    }));
    return { bodies: r.Messages.map((m) => m.Body).sort(), deleted: d.Successful.length, failed: d.Failed };
  });

  out.missing = await caught(() => sqs.send(new SendMessageCommand({ QueueUrl: url + "-missing", MessageBody: "x" })));
  out.missingUrl = await caught(() => sqs.send(new GetQueueUrlCommand({ QueueName: "no-such-queue" })));
  out.exists = await caught(() => sqs.send(new CreateQueueCommand({ QueueName: "sdk", Attributes: { VisibilityTimeout: "6" } })));
  out.badAttribute = await caught(() => sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: "43201" } })));
  out.unknownAttribute = await caught(() => sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["Colour"] })));
  out.emptyBatch = await caught(() => sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })));
  out.tooMany = await caught(() => sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: "x" })) })));
  out.badHandle = await caught(() => sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: "nope", VisibilityTimeout: 3 })));
  await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  out.purgeAgain = await caught(() => sqs.send(new PurgeQueueCommand({ QueueUrl: url })));

  // A long poll answered when a message arrives.
  out.longPoll = await caught(async () => {
    const started = Date.now();
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 15 }));
    await sleep(300);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "wake" }));
    const r = await waiting;
    return { body: r.Messages[0].Body, tookMs: Date.now() - started };
  });

  // FIFO: order within a group, deduplication.
  const fifo = (await sqs.send(new CreateQueueCommand({ QueueName: "sdk.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } }))).QueueUrl;
  const firstFifo = await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: "f0", MessageGroupId: "g" }));
  await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: "f1", MessageGroupId: "g" }));
  const duplicate = await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: "f0", MessageGroupId: "g" }));
  out.fifo = await caught(async () => {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: fifo, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["SequenceNumber", "MessageGroupId"] }));
    return { bodies: r.Messages.map((m) => m.Body), duplicateSameId: duplicate.MessageId === firstFifo.MessageId, sequences: r.Messages.map((m) => m.Attributes.SequenceNumber) };
  });

  // Dead-letter queue and a move task back to the source.
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: "sdk-dlq" }))).QueueUrl;
  const dlqArn = await arnOf(dlq);
  const source = (await sqs.send(new CreateQueueCommand({
    QueueName: "sdk-source",
    Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
  }))).QueueUrl;
  const sourceArn = await arnOf(source);
  for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: `p${i}` }));
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  const afterSecond = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10 }));
  const inDlq = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["ApproximateNumberOfMessages"] }));
  out.deadLetter = { sourceAfterSecondReceive: (afterSecond.Messages || []).length, dlqCount: inDlq.Attributes.ApproximateNumberOfMessages };
  out.moveFromNonDlq = await caught(() => sqs.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn })));
  out.move = await caught(async () => {
    const started = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    let tasks;
    for (let i = 0; i < 50; i++) {
      tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
      if (tasks.Results[0].Status === "COMPLETED") break;
      await sleep(100);
    }
    const back = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10 }));
    const cancelDone = await caught(() => sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: started.TaskHandle })));
    return { handle: typeof started.TaskHandle, task: tasks.Results[0], back: (back.Messages || []).map((m) => m.Body).sort(), cancelDone };
  });

  out.list = await caught(async () => {
    const r = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "sdk" }));
    return r.QueueUrls.map((u) => u.split("/").pop());
  });
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e));
  process.exit(1);
});
