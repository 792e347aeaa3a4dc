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
  // NOTIFIED once a Notify task is scheduled for a plugin; then what the iteration's last
  // state (Reported or Failed) says of it. (Iterations run in parallel, so their events
  // interleave: each is read from its own details, not from the event before it.)
  const plugins = {};
  for (const e of events) {
    if (e.type === 'TaskScheduled') {
      const parameters = JSON.parse(e.taskScheduledEventDetails.parameters);
      const plugin = parameters.Message && parameters.Message.plugin;
      if (plugin && !(plugin in plugins)) plugins[plugin] = 'NOTIFIED';
    } else if (e.type === 'PassStateExited' &&
               ['Reported', 'Failed'].includes(e.stateExitedEventDetails.name)) {
      const { plugin, status, error } = JSON.parse(e.stateExitedEventDetails.output);
      plugins[plugin] = error === 'States.Timeout' ? 'TIMED_OUT' : status;
    }
  }
  return { plugins };
};
