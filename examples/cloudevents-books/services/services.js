// The book services of examples/cloudevents-books, each reached only through CloudEvents: a
// command (cmd.NAME) comes in as a POST in binary mode; the service answers 202 at once, does
// its work, and sends its result back to baton as the event evt.NAME.succeeded (or
// evt.NAME.failed) with the command's subject, which is how baton knows which workflow step it
// answers. The sentiment service is overloaded the first time each workflow asks it.
//
//   BATON_URL=http://127.0.0.1:8083 PORT=4010 node services.js

const http = require("node:http");
const { CloudEvent, HTTP, emitterFor, httpTransport, Mode } = require("cloudevents");

const port = Number(process.env.PORT || 4010);
const baton = (process.env.BATON_URL || "http://127.0.0.1:8083") + "/cloudevents/books";
const emit = emitterFor(httpTransport(baton), { mode: Mode.BINARY });

const LIBRARY = {
  "science-fiction": [
    { title: "Dune", text: "A desert planet holds the spice. A young heir learns its ways." },
    { title: "Solaris", text: "An ocean thinks. The scientists cannot understand it." },
  ],
  classics: [
    { title: "Emma", text: "A clever young woman makes matches. She learns to see herself." },
  ],
};
const GOOD = ["learns", "clever", "holds", "thinks", "young"];
const BAD = ["cannot", "desert"];
const overloadedOnce = new Set();

// Each service: the command's data in, the result out (or a thrown {error, cause}).
const services = {
  "fetch-books": ({ genre }) => {
    const books = LIBRARY[genre];
    if (!books) throw { error: "Library.UnknownGenre", cause: `no books of ${genre}` };
    return { books };
  },
  summarise: ({ books }) => ({
    summaries: books.map((b) => ({ title: b.title, summary: b.text.split(". ")[0] + "." })),
  }),
  sentiment: ({ summaries }, subject) => {
    const run = subject.split("#")[0];
    if (!overloadedOnce.has(run)) {
      overloadedOnce.add(run);
      throw { error: "Sentiment.Overloaded", cause: "too many requests, try again" };
    }
    const words = summaries.flatMap((s) => s.summary.toLowerCase().split(/\W+/));
    const score = words.filter((w) => GOOD.includes(w)).length -
                  words.filter((w) => BAD.includes(w)).length;
    return { score, mood: score > 0 ? "positive" : score < 0 ? "negative" : "neutral" };
  },
  "compile-report": ({ genre, summaries, sentiment }) => ({
    report: `${summaries.length} ${genre} books, ${sentiment.mood} overall (${sentiment.score}): ` +
            summaries.map((s) => `${s.title}: ${s.summary}`).join(" "),
  }),
};

function answer(command, outcome, data) {
  const name = command.type.slice("cmd.".length);
  return emit(new CloudEvent({
    type: `evt.${name}.${outcome}`, source: `/services/${name}`, subject: command.subject,
    data,
  }));
}

http.createServer((request, response) => {
  const chunks = [];
  request.on("data", (c) => chunks.push(c));
  request.on("end", async () => {
    let command;
    try {
      command = HTTP.toEvent({ headers: request.headers, body: Buffer.concat(chunks).toString() });
    } catch (e) {
      response.writeHead(400).end(String(e.message || e));
      return;
    }
    const service = services[command.type.slice("cmd.".length)];
    response.writeHead(service ? 202 : 404).end();
    if (!service) return;
    let outcome;
    let data;
    try {
      data = service(command.data, command.subject);
      outcome = "succeeded";
    } catch (failure) {
      data = failure;
      outcome = "failed";
    }
    try {
      await answer(command, outcome, data);
    } catch (e) {
      console.error(`could not answer ${command.id}: ${e}`);
    }
  });
}).listen(port, "127.0.0.1", () => console.log(`book services on http://127.0.0.1:${port}`));
