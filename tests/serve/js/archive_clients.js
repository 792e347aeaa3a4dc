// The current AWS SDK for JavaScript v3's EventBridge client against `baton serve`: archives with
// KmsKeyIdentifier (newer than Debian's boto3), a replay whose dates the SDK parses, the managed
// rule an archive makes, and the errors as the SDK names them. Prints one JSON object with what
// each call answered; the Python test asserts on it.
//   node archive_clients.js ENDPOINT

const {
  EventBridgeClient, CreateEventBusCommand, CreateArchiveCommand, DescribeArchiveCommand,
  UpdateArchiveCommand, PutEventsCommand, StartReplayCommand, DescribeReplayCommand,
  CancelReplayCommand, ListRulesCommand, EnableRuleCommand,
} = require("@aws-sdk/client-eventbridge");

const endpoint = process.argv[2];
const config = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
  maxAttempts: 1,
};
const events = new EventBridgeClient(config);
const busArn = "arn:aws:events:us-east-1:123456789012:event-bus/js-archived";

async function caught(call) {
  try {
    return { ok: await call() };
  } catch (e) {
    return { error: { name: e.name, message: e.message, status: e.$metadata && e.$metadata.httpStatusCode } };
  }
}

async function main() {
  const out = {};
  await events.send(new CreateEventBusCommand({ Name: "js-archived" }));
  out.archive = await caught(async () => {
    const r = await events.send(new CreateArchiveCommand({
      ArchiveName: "js-archive", EventSourceArn: busArn, KmsKeyIdentifier: "alias/js-key",
      RetentionDays: 7,
    }));
    return { ArchiveArn: r.ArchiveArn, State: r.State, isDate: r.CreationTime instanceof Date };
  });
  const hourAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - 3600 * 1000);
  out.put = await caught(async () => (await events.send(new PutEventsCommand({
    Entries: [{ Source: "js.app", DetailType: "Thing", Detail: "{}", EventBusName: "js-archived", Time: hourAgo }],
  }))).FailedEntryCount);
  out.updated = await caught(async () => (await events.send(new UpdateArchiveCommand({
    ArchiveName: "js-archive", KmsKeyIdentifier: "alias/other-key",
  }))).State);
  out.described = await caught(async () => {
    const d = await events.send(new DescribeArchiveCommand({ ArchiveName: "js-archive" }));
    return { KmsKeyIdentifier: d.KmsKeyIdentifier, EventCount: d.EventCount, RetentionDays: d.RetentionDays };
  });
  out.managed = await caught(async () => (await events.send(new ListRulesCommand({
    EventBusName: "js-archived",
  }))).Rules.map((r) => ({ Name: r.Name, ManagedBy: r.ManagedBy })));
  out.enableManaged = await caught(async () => events.send(new EnableRuleCommand({
    Name: "Events-Archive-js-archive", EventBusName: "js-archived",
  })));
  out.replay = await caught(async () => (await events.send(new StartReplayCommand({
    ReplayName: "js-replay", EventSourceArn: "arn:aws:events:us-east-1:123456789012:archive/js-archive",
    EventStartTime: new Date(hourAgo.getTime() - 60000), EventEndTime: new Date(hourAgo.getTime() + 60000),
    Destination: { Arn: busArn },
  }))).State);
  let replay;
  for (let i = 0; i < 200; i += 1) {
    replay = await events.send(new DescribeReplayCommand({ ReplayName: "js-replay" }));
    if (replay.State === "COMPLETED" || replay.State === "FAILED") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  out.done = {
    ok: {
      State: replay.State,
      lastReplayed: replay.EventLastReplayedTime && replay.EventLastReplayedTime.getTime(),
      expected: hourAgo.getTime(),
      ended: replay.ReplayEndTime instanceof Date,
    },
  };
  out.cancelDone = await caught(async () => events.send(new CancelReplayCommand({ ReplayName: "js-replay" })));
  events.destroy();
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(String(e.stack || e));
  process.exit(1);
});
