// PostGraphile 5, the peer a user might pick instead of the gateway, serving the benchmark's
// PostgreSQL tables (BENCH_DATABASE_URL) with its default "amber" preset, behind node:http. It has
// no notion of stores or tokens: it answers the equivalent query without authenticating, which
// only flatters it. Started by bench/http.ts from this folder's own node_modules.

// PostGraphile 5 targets Node 22 and calls Promise.withResolvers, which Node 20 lacks.
if (!Promise.withResolvers) {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((yes, no) => {
      resolve = yes;
      reject = no;
    });
    return { promise, resolve, reject };
  };
}

const { createServer } = await import('node:http');
const { postgraphile } = await import('postgraphile');
const { PostGraphileAmberPreset } = await import('postgraphile/presets/amber');
const { makePgService } = await import('postgraphile/adaptors/pg');
const { grafserv } = await import('postgraphile/grafserv/node');

const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.BENCH_DATABASE_URL, schemas: ['public'], poolConfig: { max: 10 } })],
  grafserv: { graphqlPath: '/graphql', graphiql: false },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);
const server = createServer();
server.keepAliveTimeout = 60_000;
serv.addTo(server);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
await pgl.getSchema();

process.send?.({ type: 'ready', url: `http://127.0.0.1:${server.address().port}` });
process.on('message', (message) => {
  if (message.type === 'usage') {
    const { user, system } = process.cpuUsage();
    process.send?.({
      type: 'usage',
      rssBytes: process.memoryUsage.rss(),
      maxRssKiB: process.resourceUsage().maxRSS,
      cpuMicros: user + system,
      statements: undefined,
    });
  } else if (message.type === 'stop') {
    server.closeAllConnections();
    server.close(() => void pgl.release().finally(() => process.exit(0)));
  }
});
