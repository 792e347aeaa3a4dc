// The post plugin: sums up what every plugin reported.
exports.handler = async ({ activity, plugins, enriched }) => {
  const failed = plugins.filter((p) => p.status !== 'SUCCEEDED');
  return {
    activity,
    words: enriched.enrich.words,
    succeeded: plugins.filter((p) => p.status === 'SUCCEEDED').map((p) => p.plugin),
    failed: failed.map((p) => ({ plugin: p.plugin, error: p.error })),
  };
};
