// The CloudEvents SDK for JavaScript (npm `cloudevents`) as a producer POSTing to baton's
// CloudEvents ingress in each content mode: binary and structured through the SDK's emitter,
// a batch through HTTP.structured's body format. Prints one JSON object with the HTTP statuses
// and answers; the Python test asserts on what reached the bus's rules.
//   node cloudevents_clients.js INGRESS_URL

const { CloudEvent, HTTP, emitterFor, httpTransport, Mode } = require("cloudevents");

const url = process.argv[2];

async function post(message) {
  const r = await fetch(url, { method: "POST", headers: message.headers, body: message.body });
  return { status: r.status, body: await r.json() };
}

async function main() {
  const out = {};
  const book = new CloudEvent({
    type: "evt.fetch-books.succeeded", source: "/services/library", subject: "run-1",
    data: { books: ["Dune", "Emma"] }, libraryregion: "north",
  });
  out.binary = await post(HTTP.binary(book));
  const summary = new CloudEvent({
    type: "evt.summarise.succeeded", source: "/services/summary", subject: "run-1",
    datacontenttype: "text/plain", data: "two books",
  });
  out.structured = await post(HTTP.structured(summary));
  const batch = [1, 2, 3].map((n) => new CloudEvent({
    type: "notif.progress", source: "/orchestrator", subject: "run-1", data: { step: n },
  }));
  out.batch = await post({
    headers: { "content-type": "application/cloudevents-batch+json" },
    body: JSON.stringify(batch.map((e) => e.toJSON())),
  });
  // The SDK's emitter, as a service would answer.
  const emit = emitterFor(httpTransport(url), { mode: Mode.BINARY });
  await emit(new CloudEvent({ type: "evt.sentiment.failed", source: "/services/sentiment",
                              subject: "run-1", data: { error: "Overloaded" } }));
  out.emitted = true;
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(String(e.stack || e));
  process.exit(1);
});
