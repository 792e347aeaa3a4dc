// The current AWS SDK for JavaScript v3 against `baton serve`: SQS in its JSON protocol and S3
// with the request and response checksums the SDK computes by default. Prints one JSON object
// with what each call answered; the Python test asserts on it.
//   node gateway_clients.js ENDPOINT

const { SQSClient, CreateQueueCommand, SendMessageCommand } = require("@aws-sdk/client-sqs");
const { S3Client, PutObjectCommand, GetObjectCommand } = require("@aws-sdk/client-s3");
const { Readable } = require("stream");

const endpoint = process.argv[2];
const common = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
  maxAttempts: 1,
};

async function caught(call) {
  try {
    return { ok: await call() };
  } catch (e) {
    return { error: { name: e.name, message: e.message, status: e.$metadata && e.$metadata.httpStatusCode } };
  }
}

async function main() {
  const out = {};
  const sqs = new SQSClient(common);
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "probe" }));
  // The SDK checks MD5OfMessageBody and MD5OfMessageAttributes itself: a wrong digest throws.
  out.send = await caught(async () => {
    const r = await sqs.send(new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: "héllo from the SDK v3",
      MessageAttributes: {
        colour: { DataType: "String", StringValue: "blue" },
        count: { DataType: "Number", StringValue: "3" },
        raw: { DataType: "Binary", BinaryValue: Uint8Array.from([0, 1, 2, 255]) },
      },
    }));
    return { MessageId: r.MessageId, MD5OfMessageBody: r.MD5OfMessageBody, MD5OfMessageAttributes: r.MD5OfMessageAttributes };
  });
  out.sendBadType = await caught(() => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "x", DelaySeconds: "soon" })));
  out.sendMissing = await caught(() => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl })));

  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const body = "a body of ".repeat(2000) + "bytes";
  out.put = await caught(async () => {
    const r = await s3.send(new PutObjectCommand({ Bucket: "probe", Key: "dir/one.txt", Body: body, ContentType: "text/plain", Metadata: { owner: "sdk" } }));
    return { ETag: r.ETag, ChecksumCRC32: r.ChecksumCRC32 };
  });
  out.get = await caught(async () => {
    const r = await s3.send(new GetObjectCommand({ Bucket: "probe", Key: "dir/one.txt", ChecksumMode: "ENABLED" }));
    const text = await r.Body.transformToString();
    return { same: text === body, length: text.length, ContentType: r.ContentType, Metadata: r.Metadata, ChecksumCRC32: r.ChecksumCRC32 };
  });
  // A stream of known length: the SDK sends it aws-chunked, its CRC32 in a trailer.
  const streamed = "streamed ".repeat(5000);
  out.putStream = await caught(async () => {
    const r = await s3.send(new PutObjectCommand({ Bucket: "probe", Key: "stream", Body: Readable.from([streamed]), ContentLength: streamed.length }));
    return { ChecksumCRC32: r.ChecksumCRC32 };
  });
  out.getStream = await caught(async () => {
    const r = await s3.send(new GetObjectCommand({ Bucket: "probe", Key: "stream", ChecksumMode: "ENABLED" }));
    return { same: (await r.Body.transformToString()) === streamed, ChecksumCRC32: r.ChecksumCRC32 };
  });
  out.missing = await caught(() => s3.send(new GetObjectCommand({ Bucket: "probe", Key: "no/such" })));
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => { console.error(e); process.exit(1); });
