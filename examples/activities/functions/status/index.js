// Each plugin's status in a running (or ended) activity, from the execution's history:
// NOTIFIED (its message is out, it has not reported), SUCCEEDED, FAILED or TIMED_OUT. Invoke with {"executionArn": "..."}.
const { SFNClient, GetExecutionHistoryCommand } = require('@aws-sdk/client-sfn');

const sfn = new SFNClient({});

exports.handler = async ({ executionArn }) => {
  const events = [];
  let nextToken;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  const byId = new Map(events.map((e) => [e.id, e]));
  // Each Notify task's plugin, from its parameters; then what became of that task.
  const plugins = {};
  const taskOf = {};
  for (const e of events) {
    if (e.type === 'TaskScheduled') {
      const parameters = JSON.parse(e.taskScheduledEventDetails.parameters);
      const plugin = parameters.Message && parameters.Message.plugin;
      if (plugin) {
        plugins[plugin] = 'NOTIFIED';
        taskOf[e.id] = plugin;
      }
      continue;
    }
    // A task's events follow the one before them; walk back to its TaskScheduled.
    let cause = e.previousEventId;
    while (cause && !(cause in taskOf) && byId.get(cause) && byId.get(cause).type.startsWith('Task')) {
      cause = byId.get(cause).previousEventId;
    }
    const plugin = taskOf[cause];
    if (!plugin) continue;
    taskOf[e.id] = plugin;
    const status = {
      TaskSubmitted: plugins[plugin],
      TaskSucceeded: 'SUCCEEDED',
      TaskFailed: 'FAILED',
      TaskTimedOut: 'TIMED_OUT',
    }[e.type];
    if (status) plugins[plugin] = status;
  }
  return { plugins };
};
