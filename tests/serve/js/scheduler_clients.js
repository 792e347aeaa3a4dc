// The current AWS SDK for JavaScript v3's Scheduler client against `baton serve --clock-control`
// (rest-json): a one-time schedule deleted after its fire (ActionAfterCompletion, which older
// models lack), a rate schedule in a group, GetSchedule's dates, and the errors. Prints one
// JSON object with what each call answered; the Python test asserts on it.
//   node scheduler_clients.js ENDPOINT

const {
  SchedulerClient, CreateScheduleGroupCommand, CreateScheduleCommand, GetScheduleCommand,
  ListSchedulesCommand, DeleteScheduleCommand,
} = require("@aws-sdk/client-scheduler");
const { SQSClient, CreateQueueCommand, ReceiveMessageCommand } = require("@aws-sdk/client-sqs");

const endpoint = process.argv[2];
const config = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
  maxAttempts: 1,
};
const scheduler = new SchedulerClient(config);
const sqs = new SQSClient(config);
const ROLE = "arn:aws:iam::123456789012:role/scheduler";
const QUEUE = "arn:aws:sqs:us-east-1:123456789012:js-scheduled";

async function caught(call) {
  try {
    return { ok: await call() };
  } catch (e) {
    return { error: { name: e.name, message: e.message, status: e.$metadata && e.$metadata.httpStatusCode } };
  }
}

async function advance(seconds) {
  const r = await fetch(`${endpoint}/_baton/clock`, {
    method: "POST", body: JSON.stringify({ advanceSeconds: seconds }),
  });
  return (await r.json()).now;
}

async function main() {
  const out = {};
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "js-scheduled" }))).QueueUrl;
  out.group = await caught(async () => (await scheduler.send(new CreateScheduleGroupCommand({
    Name: "js-group",
  }))).ScheduleGroupArn);
  const now = new Date(await advance(0));
  const inAnHour = new Date(now.getTime() + 3600 * 1000).toISOString().slice(0, 19);
  out.once = await caught(async () => (await scheduler.send(new CreateScheduleCommand({
    Name: "js-once", GroupName: "js-group", ScheduleExpression: `at(${inAnHour})`,
    FlexibleTimeWindow: { Mode: "OFF" }, ActionAfterCompletion: "DELETE",
    Target: { Arn: QUEUE, RoleArn: ROLE, Input: "once at <aws.scheduler.scheduled-time>" },
  }))).ScheduleArn);
  out.before = await caught(async () => {
    const s = await scheduler.send(new GetScheduleCommand({ Name: "js-once", GroupName: "js-group" }));
    return { ActionAfterCompletion: s.ActionAfterCompletion, CreationDate: s.CreationDate.toISOString(), State: s.State };
  });
  await advance(3601);
  out.received = await caught(async () => {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
    return (r.Messages || []).map((m) => m.Body);
  });
  out.afterFire = await caught(async () => scheduler.send(new GetScheduleCommand({
    Name: "js-once", GroupName: "js-group",
  })));
  out.start = await caught(async () => (await scheduler.send(new CreateScheduleCommand({
    Name: "js-rate", GroupName: "js-group", ScheduleExpression: "rate(1 hour)",
    StartDate: new Date(now.getTime() + 7200 * 1000), FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 },
    Target: { Arn: QUEUE, RoleArn: ROLE, Input: "{}" },
  }))).ScheduleArn);
  out.listed = await caught(async () => (await scheduler.send(new ListSchedulesCommand({
    GroupName: "js-group",
  }))).Schedules.map((s) => s.Name));
  out.startDate = await caught(async () => (await scheduler.send(new GetScheduleCommand({
    Name: "js-rate", GroupName: "js-group",
  }))).StartDate.toISOString());
  out.expected = new Date(now.getTime() + 7200 * 1000).toISOString();
  out.deleteMissing = await caught(async () => scheduler.send(new DeleteScheduleCommand({
    Name: "nope",
  })));
  for (const c of [scheduler, sqs]) c.destroy();
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(String(e.stack || e));
  process.exit(1);
});
