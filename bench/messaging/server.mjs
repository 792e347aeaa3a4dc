// fauxqs on the port in PORT (0: any free one), without request logging; prints
// "listening on PORT" once it answers.
import { startFauxqs } from 'fauxqs';

const server = await startFauxqs({ port: Number(process.env.PORT ?? 4566), logger: false });
console.log(`listening on ${server.port}`);
