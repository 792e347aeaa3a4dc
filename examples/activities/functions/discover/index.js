// The plugins of an activity, as subscribed now: each plugin's subscription to the topic has a
// filter policy naming the activities it serves and its own name,
// {"activity": ["ingest"], "plugin": ["scan"]}. A plugin joins by subscribing; it leaves by
// unsubscribing. The workflow never changes.
const { SNSClient, ListSubscriptionsByTopicCommand, GetSubscriptionAttributesCommand } =
  require('@aws-sdk/client-sns');

const sns = new SNSClient({});

exports.handler = async ({ topicArn, activity }) => {
  const plugins = [];
  let NextToken;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
    for (const s of page.Subscriptions || []) {
      if (!s.SubscriptionArn || !s.SubscriptionArn.startsWith('arn:')) continue;  // pending
      const { Attributes } = await sns.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }));
      if (!Attributes.FilterPolicy) continue;
      const policy = JSON.parse(Attributes.FilterPolicy);
      if ((policy.activity || []).includes(activity) && Array.isArray(policy.plugin)) {
        plugins.push(...policy.plugin);
      }
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return { plugins: [...new Set(plugins)].sort() };
};
