// The benchmark's yardstick: a plain graphql-yoga "hello world" subscription server with yoga's
// in-memory pub/sub, on node:http, with graphql-ws beside SSE as in the gateway. No database, no
// auth, nothing shared between subscribers. Started by bench/subscriptions.ts, driven over IPC.
import { setMaxListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionArgs } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { serveBenchmark } from './ipc.ts';

interface Stamp {
  seq: number;
  delta: number;
  at: string;
}

// Thousands of listeners on one topic is the point here, not a leak.
const eventTarget = new EventTarget();
setMaxListeners(0, eventTarget);
const pubsub = createPubSub<{ stamped: [id: string, stamp: Stamp] }>({ eventTarget });
let seq = 0;

const yoga = createYoga({
  logging: false,
  schema: createSchema({
    typeDefs: /* GraphQL */ `
      type Stamp { seq: Int! delta: Int! at: String! }
      type Query { hello: String! }
      type Mutation { stamp(id: ID!, delta: Int!): Stamp! }
      type Subscription { stamped(id: ID!): Stamp! }
    `,
    resolvers: {
      Query: { hello: () => 'world' },
      Mutation: {
        stamp: (_root: unknown, args: { id: string; delta: number }) => {
          const stamp = { seq: ++seq, delta: args.delta, at: new Date().toISOString() };
          pubsub.publish('stamped', args.id, stamp);
          return stamp;
        },
      },
      Subscription: {
        stamped: {
          subscribe: (_root: unknown, args: { id: string }) => pubsub.subscribe('stamped', args.id),
          resolve: (stamp: Stamp) => stamp,
        },
      },
    },
  }),
});

interface Enveloped {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
}

const server = createServer(yoga);
const wss = new WebSocketServer({ server, path: '/graphql' });
useServer(
  {
    execute: (args) => (args.rootValue as Enveloped).execute(args),
    subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
    onSubscribe: async (ctx, _id, payload) => {
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...ctx, params: payload });
      const document = parse(payload.query);
      const errors = validate(schema, document);
      if (errors.length) return errors;
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe } as Enveloped,
      };
    },
  },
  wss,
);

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveBenchmark({
  url: `http://127.0.0.1:${port}`,
  token: '',
  subscription: 'subscription Watch($id: ID!) { stamped(id: $id) { seq delta at } }',
  variables: { id: 'card-1' },
  trigger: { query: 'mutation Stamp($id: ID!) { stamp(id: $id, delta: 1) { seq } }', variables: { id: 'card-1' } },
  subscribers: () => undefined,
  stop: async () => {
    for (const client of wss.clients) client.terminate();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  },
});
