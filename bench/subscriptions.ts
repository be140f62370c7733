// Subscription benchmark: `npm run bench:subscriptions -- [options]` (see docs/subscriptions.md).
//
// This process is the load generator. For each target it forks the server (bench/stampline-server.ts,
// and bench/baseline-server.ts, a plain graphql-yoga in-memory pub/sub server, as the yardstick),
// opens N subscribers over SSE or WebSocket, fires events one at a time through a GraphQL mutation,
// and measures, for every subscriber and event, the time from sending the mutation to receiving the
// event. It reports the latency distribution, the server's CPU per delivery and memory per
// subscriber, and the gateway's figures as ratios of the baseline's from the same run.
import { type ChildProcess, fork } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { expectMessage, nextMessage, stopChild } from './child-ipc.ts';
import type { ControlMessage, ServerMessage, TargetInfo, Usage } from './ipc.ts';

const { values: flags } = parseArgs({
  options: {
    subscribers: { type: 'string', short: 'n', default: '2000' },
    events: { type: 'string', short: 'e', default: '20' },
    transport: { type: 'string', short: 't', default: 'sse' },
    only: { type: 'string' },
    concurrency: { type: 'string', default: '100' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (flags.help) {
  console.log(`npm run bench:subscriptions -- [options]
  -n, --subscribers N   concurrent subscribers (default 2000; try 10000)
  -e, --events N        events measured, one at a time (default 20)
  -t, --transport T     sse or ws (default sse)
      --only TARGET     stampline or baseline (default: both, baseline first)
      --concurrency N   subscribers connecting at once (default 100)
      --json            print the results as JSON
  REDIS_URL/REDIS_PREFIX in the environment make the gateway deliver through Redis.`);
  process.exit(0);
}

const subscriberCount = positive(flags.subscribers, 'subscribers');
const eventCount = positive(flags.events, 'events');
const connectConcurrency = positive(flags.concurrency, 'concurrency');
const transport = flags.transport === 'ws' ? 'ws' : flags.transport === 'sse' ? 'sse' : fail(`--transport sse|ws, not ${flags.transport}`);
const targets = flags.only ? [flags.only] : ['baseline', 'stampline'];
for (const target of targets) if (!['baseline', 'stampline'].includes(target)) fail(`unknown target ${target}`);

const WARMUP_ROUNDS = 3;
const ROUND_TIMEOUT_MS = 30_000;

function positive(raw: string | undefined, name: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) fail(`--${name} must be a positive integer`);
  return value;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

interface Server {
  child: ChildProcess;
  target: TargetInfo;
  usage(): Promise<Usage>;
  stop(): Promise<void>;
}

async function startTarget(name: string): Promise<Server> {
  const script = fileURLToPath(new URL(`./${name}-server.ts`, import.meta.url));
  const child = fork(script, [], {
    // BENCH_NODE: the servers run on another Node binary than this load generator.
    execPath: process.env.BENCH_NODE || process.execPath,
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () => nextMessage<ServerMessage>(child, name);
  const ready = await expectMessage(next(), name, 'ready');
  return {
    child,
    target: ready.target,
    async usage() {
      const reply = next();
      child.send({ type: 'usage' } satisfies ControlMessage);
      return expectMessage(reply, name, 'usage');
    },
    stop: () => stopChild(child, { type: 'stop' } satisfies ControlMessage),
  };
}

/** One subscriber's connection; `onEvent` is called for every result it receives. */
interface Subscriber {
  close(): void;
}

// The clients are as lean as possible so that the load generator, which shares the machine, costs
// little next to the servers: they count frames by their marker and check for errors, without
// building objects for every result. Both servers face the same clients.
const NEXT = Buffer.from('event: next');
const ERRORS = Buffer.from('"errors"');

/** Counts `marker` in a byte stream whose chunks may split it. */
function markerCounter(marker: Buffer) {
  let carry: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let count = 0;
    for (let at = bytes.indexOf(marker); at >= 0; at = bytes.indexOf(marker, at + marker.length)) count++;
    carry = bytes.subarray(Math.max(0, bytes.length - marker.length + 1));
    return count;
  };
}

/** A raw HTTP/1.1 SSE request over a socket of its own; resolves once the response head arrived. */
function subscribeSse(target: TargetInfo, onEvent: () => void): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${target.url}/graphql`);
    const body = Buffer.from(JSON.stringify({ query: target.subscription, variables: target.variables }));
    const socket = connect(Number(url.port), url.hostname);
    socket.setNoDelay(true);
    socket.on('error', reject);
    socket.write(
      [
        `POST ${url.pathname} HTTP/1.1`,
        `Host: ${url.host}`,
        'Content-Type: application/json',
        'Accept: text/event-stream',
        ...(target.token ? [`Authorization: Bearer ${target.token}`] : []),
        `Content-Length: ${body.length}`,
        '',
        '',
      ].join('\r\n'),
    );
    socket.write(body);
    const events = markerCounter(NEXT);
    const errors = markerCounter(ERRORS);
    let head: Buffer | undefined = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      let chunk = data;
      if (head) {
        head = Buffer.concat([head, data]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!/^HTTP\/1\.1 200 /.test(status)) return reject(new Error(`SSE subscribe answered ${status}`));
        chunk = head.subarray(end + 4);
        head = undefined;
        resolve({ close: () => socket.destroy() });
      }
      if (errors(chunk) > 0) throw new Error(`subscription error: ${chunk.toString()}`);
      for (let count = events(chunk); count > 0; count--) onEvent();
    });
  });
}

function subscribeWs(target: TargetInfo, onEvent: () => void): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${target.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { perMessageDeflate: false });
    socket.on('error', reject);
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: target.token ? { authorization: `Bearer ${target.token}` } : {} })),
    );
    let acknowledged = false;
    socket.on('message', (raw: Buffer) => {
      if (acknowledged && raw.includes('"type":"next"')) {
        if (raw.includes(ERRORS)) throw new Error(`subscription error: ${raw.toString()}`);
        return onEvent();
      }
      const message = JSON.parse(String(raw));
      if (message.type === 'connection_ack') {
        acknowledged = true;
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: target.subscription, variables: target.variables } }));
        resolve({ close: () => socket.terminate() });
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      } else if (message.type === 'error') {
        reject(new Error(`subscription refused: ${JSON.stringify(message.payload)}`));
      }
    });
    socket.on('close', (code) => reject(new Error(`WebSocket closed with ${code}`)));
  });
}

async function postGraphQL(target: TargetInfo, query: string, variables: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${target.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: unknown; data?: Record<string, { userErrors?: unknown[] }> };
  const userErrors = Object.values(body.data ?? {})[0]?.userErrors ?? [];
  if (response.status !== 200 || body.errors || userErrors.length) throw new Error(`trigger failed: ${JSON.stringify(body)}`);
}

interface Round {
  start: number;
  received: number;
  done: () => void;
}

interface TargetResult {
  target: string;
  subscribers: number;
  events: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Per event, until the last subscriber had it: the median over events. */
  fanOutMs: { p50: number; max: number };
  triggerMs: { p50: number };
  missed: number;
  serverCpuPerDeliveryUs: number;
  heapPerSubscriberKiB: number;
  rssPerSubscriberKiB: number;
  connectSeconds: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function run(name: string): Promise<TargetResult> {
  const server = await startTarget(name);
  const subscribers: Subscriber[] = [];
  try {
    const { target } = server;
    const idle = await server.usage();

    // Which round each subscriber last counted, so a duplicate could never count twice.
    const lastRound = new Int32Array(subscriberCount).fill(-1);
    let roundNumber = -1;
    let round: Round | undefined;
    const latencies: number[] = [];
    let measuring = false;
    const onEvent = (index: number) => () => {
      if (!round || lastRound[index] === roundNumber) return;
      lastRound[index] = roundNumber;
      if (measuring) latencies.push(performance.now() - round.start);
      if (++round.received === subscriberCount) round.done();
    };

    const connectStart = performance.now();
    const subscribe = transport === 'sse' ? subscribeSse : subscribeWs;
    for (let next = 0; next < subscriberCount; ) {
      const batch = [];
      for (let i = 0; i < connectConcurrency && next < subscriberCount; i++, next++) batch.push(subscribe(target, onEvent(next)));
      subscribers.push(...(await Promise.all(batch)));
    }
    const connectSeconds = (performance.now() - connectStart) / 1000;

    const fire = async () => {
      roundNumber++;
      let timer: NodeJS.Timeout | undefined;
      const current: Round = { start: 0, received: 0, done: () => {} };
      const complete = new Promise<void>((resolve) => {
        current.done = resolve;
        timer = setTimeout(resolve, ROUND_TIMEOUT_MS);
      });
      round = current;
      current.start = performance.now();
      await postGraphQL(target, target.trigger.query, target.trigger.variables);
      const triggered = performance.now() - current.start;
      await complete;
      clearTimeout(timer);
      return { triggered, fanOut: performance.now() - current.start, missed: subscriberCount - current.received };
    };

    // Warm-up rounds also prove every subscription is live (graphql-ws does not acknowledge one).
    for (let i = 0; i < WARMUP_ROUNDS; i++) {
      const { missed } = await fire();
      if (missed > 0 && i === WARMUP_ROUNDS - 1) throw new Error(`${missed} subscribers still missed the last warm-up event`);
    }
    const loaded = await server.usage();
    if (loaded.subscribers !== undefined && loaded.subscribers !== subscriberCount) {
      throw new Error(`the server holds ${loaded.subscribers} subscriptions, not ${subscriberCount}`);
    }

    measuring = true;
    const fanOuts: number[] = [];
    const triggers: number[] = [];
    let missed = 0;
    const before = await server.usage();
    for (let i = 0; i < eventCount; i++) {
      const result = await fire();
      fanOuts.push(result.fanOut);
      triggers.push(result.triggered);
      missed += result.missed;
      // Let the servers' timers and the collector run between events, as they would between sales.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const after = await server.usage();

    latencies.sort((x, y) => x - y);
    fanOuts.sort((x, y) => x - y);
    triggers.sort((x, y) => x - y);
    const cpuMicros = after.cpu.user + after.cpu.system - (before.cpu.user + before.cpu.system);
    const deliveries = subscriberCount * eventCount;
    return {
      target: name,
      subscribers: subscriberCount,
      events: eventCount,
      latencyMs: {
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? Number.NaN,
      },
      fanOutMs: { p50: percentile(fanOuts, 50), max: fanOuts.at(-1) ?? Number.NaN },
      triggerMs: { p50: percentile(triggers, 50) },
      missed,
      serverCpuPerDeliveryUs: cpuMicros / deliveries,
      heapPerSubscriberKiB: (loaded.memory.heapUsed + loaded.memory.external - idle.memory.heapUsed - idle.memory.external) / 1024 / subscriberCount,
      rssPerSubscriberKiB: (loaded.memory.rss - idle.memory.rss) / 1024 / subscriberCount,
      connectSeconds,
    };
  } finally {
    for (const subscriber of subscribers) subscriber.close();
    await server.stop();
  }
}

const results: TargetResult[] = [];
for (const target of targets) results.push(await run(target));

if (flags.json) {
  console.log(JSON.stringify({ transport, results }, null, 2));
} else {
  const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
  const rows: Array<[string, (r: TargetResult) => number, number]> = [
    ['latency p50 (ms)', (r) => r.latencyMs.p50, 1],
    ['latency p95 (ms)', (r) => r.latencyMs.p95, 1],
    ['latency p99 (ms)', (r) => r.latencyMs.p99, 1],
    ['latency max (ms)', (r) => r.latencyMs.max, 1],
    ['last subscriber, median event (ms)', (r) => r.fanOutMs.p50, 1],
    ['mutation round trip p50 (ms)', (r) => r.triggerMs.p50, 1],
    ['server CPU per delivery (µs)', (r) => r.serverCpuPerDeliveryUs, 1],
    ['heap+external per subscriber (KiB)', (r) => r.heapPerSubscriberKiB, 1],
    ['RSS per subscriber (KiB)', (r) => r.rssPerSubscriberKiB, 1],
    ['connecting all subscribers (s)', (r) => r.connectSeconds, 1],
    ['deliveries missed', (r) => r.missed, 0],
  ];
  const baseline = results.find((r) => r.target === 'baseline');
  const gateway = results.find((r) => r.target === 'stampline');
  console.log(`\n${subscriberCount} subscribers over ${transport.toUpperCase()}, ${eventCount} events each (after ${WARMUP_ROUNDS} warm-up events)\n`);
  const header = ['', ...results.map((r) => r.target), ...(baseline && gateway ? ['stampline / baseline'] : [])];
  const table = [header, ...rows.map(([label, pick, digits]) => [
    label,
    ...results.map((r) => fixed(pick(r), digits)),
    ...(baseline && gateway ? [`${fixed(pick(gateway) / pick(baseline), 2)}×`] : []),
  ])];
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]?.length ?? 0)));
  for (const row of table) console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '));
}
process.exit(0);
