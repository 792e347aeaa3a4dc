// A plugin: takes its messages from its own queue (raw SNS delivery: the body is what the
// workflow published), does its work, and reports to the workflow with the task token. How it
// behaves is its configuration: PLUGIN_NAME, and PLUGIN_BEHAVIOUR "succeed" (default) or "fail".
const { SFNClient, SendTaskSuccessCommand, SendTaskFailureCommand } = require('@aws-sdk/client-sfn');

const sfn = new SFNClient({});

async function work(name, input) {
  if (process.env.PLUGIN_BEHAVIOUR === 'fail') {
    const error = new Error(`${name} cannot read ${JSON.stringify(input.document).slice(0, 40)}`);
    error.name = 'PluginFailed';
    throw error;
  }
  return { plugin: name, checked: input.document.length };
}

exports.handler = async (event) => {
  const name = process.env.PLUGIN_NAME;
  for (const record of event.Records) {
    const message = JSON.parse(record.body);
    try {
      const report = await work(name, message.input);
      await sfn.send(new SendTaskSuccessCommand({
        taskToken: message.token, output: JSON.stringify(report) }));
    } catch (error) {
      await sfn.send(new SendTaskFailureCommand({
        taskToken: message.token, error: error.name, cause: error.message }));
    }
  }
};
