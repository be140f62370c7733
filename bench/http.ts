// Request benchmark: `npm run bench -- [options]` (see docs/performance.md).
//
// This process seeds a scratch database (bench/seed.ts), forks every server on it (the gateway, and
// the baselines: raw node:http + SQL, the GraphQL ceiling, PostGraphile on PostgreSQL) and drives
// them with autocannon, one at a time: for each scenario its baselines and the gateway take turns,
// with the same warm-up, duration and connections, so that the machine's load affects them alike. It
// prints one table: requests/s, latency p50 and p99, SQL statements per request and the gateway's
// ratio to each baseline of the same run; then the gateway's peak memory.
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { build, buildIsCurrent, bundle, distDir } from '../scripts/build.mjs';
import { globalIdOf } from '../src/graphql/global-ids.ts';
import { type BenchDatabase, DATASET, type Dataset, seedDataset } from './seed.ts';
import { expectMessage, nextMessage, stopChild } from './child-ipc.ts';
import type { TargetControl, TargetMessage } from './target-ipc.ts';

const SCENARIOS = ['rest-show', 'graphql-show', 'graphql-page', 'rest-stamp', 'graphql-stamp', 'sse-fanout'] as const;
type ScenarioName = (typeof SCENARIOS)[number];

const { values: flags } = parseArgs({
  options: {
    db: { type: 'string', multiple: true },
    scenario: { type: 'string', multiple: true },
    duration: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10' },
    subscribers: { type: 'string', default: '1000' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (flags.help) {
  console.log(`npm run bench -- [options]
  --db D            sqlite or postgresql (repeatable; default both)
  --scenario S      ${SCENARIOS.join(', ')} (repeatable; default all)
  --duration S      seconds measured per server and scenario (default 6)
  --warmup S        seconds of unmeasured load before each measurement (default 2)
  --connections N   concurrent connections (default 10)
  --subscribers N   subscribers of the SSE fan-out scenario (default 1000)
  --json            print the results as JSON
  BENCH_POSTGRES_URL (or TEST_DATABASE_URL) names the PostgreSQL server the scratch database is created on.
  BENCH_CPU_PROF=<dir> writes a CPU profile of every server it forks into <dir>.
  BENCH_GATEWAY_NODE_FLAGS="--flag …" starts the gateway and the GraphQL ceiling with these Node flags
    instead of npm start's (--liftoff-only); empty for none.
  BENCH_NODE=/path/to/node runs every server (and the subscription benchmark) on that Node binary.`);
  process.exit(0);
}

const databases = (flags.db ?? ['sqlite', 'postgresql']) as BenchDatabase[];
for (const db of databases) if (db !== 'sqlite' && db !== 'postgresql') fail(`unknown --db ${db}`);
const scenarios = (flags.scenario ?? [...SCENARIOS]) as ScenarioName[];
for (const name of scenarios) if (!SCENARIOS.includes(name)) fail(`unknown --scenario ${name} (one of ${SCENARIOS.join(', ')})`);
const duration = positive(flags.duration, 'duration');
const warmup = Number(flags.warmup);
const connections = positive(flags.connections, 'connections');
const subscribers = positive(flags.subscribers, 'subscribers');

function positive(raw: string | undefined, name: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) fail(`--${name} must be a positive integer`);
  return value;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function log(message: string) {
  process.stderr.write(`${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Servers

type TargetName = 'raw' | 'ceiling' | 'postgraphile' | 'gateway';

const TARGET_LABELS: Record<TargetName, string> = {
  raw: 'raw node:http + SQL',
  ceiling: 'graphql-js ceiling',
  postgraphile: 'PostGraphile 5',
  gateway: 'stampline',
};

interface Target {
  name: TargetName;
  url: string;
  usage(): Promise<Extract<TargetMessage, { type: 'usage' }>>;
  stop(): Promise<void>;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
// The Node binary the servers run on (BENCH_NODE), so that one Node version can be compared with another.
const serverNode = process.env.BENCH_NODE || process.execPath;
// The gateway and the ceiling (the same Prisma client) run with npm start's Node flags by default:
// Prisma's query compiler stays on V8's baseline WebAssembly compiler (docs/performance.md).
const gatewayNodeFlags = (process.env.BENCH_GATEWAY_NODE_FLAGS ?? '--liftoff-only').split(/\s+/).filter(Boolean);
const serverNodeVersion = () => (serverNode === process.execPath ? process.version : spawnSync(serverNode, ['--version'], { encoding: 'utf8' }).stdout.trim());
const PUBLIC_URL = 'http://localhost:4000';

// The servers written in TypeScript run as `npm start` runs the gateway: plain Node on one ES module
// bundled by the build's own bundler from the sources (scripts/build.mjs), so that no TypeScript loader
// counts in their start, CPU or memory. One bundle per server, each with the chunks it imports.
const BUNDLED = { raw: 'raw-server', ceiling: 'graphql-ceiling-server', gateway: 'gateway-server' } as const;
const bundledServers = join(distDir, 'bench');
let bundling: Promise<void> | undefined;
function bundleServers(): Promise<void> {
  bundling ??= (async () => {
    // The bundles find files of dist/ next to where tsc put their modules (assets, generated clients).
    if (!buildIsCurrent()) await build();
    for (const [name, file] of Object.entries(BUNDLED)) await bundle(here(`./${file}.ts`), join(bundledServers, name));
  })();
  return bundling;
}

async function startTarget(name: TargetName, dataset: Dataset, extraEnv: Record<string, string> = {}): Promise<Target> {
  const script = name === 'postgraphile' ? here('./postgraphile/server.mjs') : join(bundledServers, name, `${BUNDLED[name]}.js`);
  if (name !== 'postgraphile') await bundleServers();
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child: ChildProcess = fork(script, [], {
    execPath: serverNode,
    execArgv: [
      ...(name === 'gateway' || name === 'ceiling' ? gatewayNodeFlags : []),
      ...profile,
    ],
    env: {
      ...process.env,
      ...extraEnv,
      NODE_ENV: 'production',
      GRAPHILE_ENV: 'production',
      BENCH_DATABASE_URL: dataset.url,
      PUBLIC_URL,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () => nextMessage<TargetMessage>(child, name);
  const ready = await expectMessage(next(), name, 'ready');
  return {
    name,
    url: ready.url,
    async usage() {
      const reply = next();
      child.send({ type: 'usage' } satisfies TargetControl);
      return expectMessage(reply, name, 'usage');
    },
    stop: () => stopChild(child, { type: 'stop' } satisfies TargetControl),
  };
}

/** Installs PostGraphile into bench/postgraphile on first use; false when it cannot. */
function postgraphileInstalled(): boolean {
  const folder = here('./postgraphile/');
  if (existsSync(`${folder}node_modules/postgraphile/package.json`)) return true;
  log('installing PostGraphile into bench/postgraphile (first run only)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: folder, stdio: 'inherit', timeout: 300_000 });
  return result.status === 0 && existsSync(`${folder}node_modules/postgraphile/package.json`);
}

// ---------------------------------------------------------------------------------------------
// Scenarios

interface Request {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface HttpScenario {
  name: ScenarioName;
  title: string;
  /** Baselines first, the gateway last; the gateway's ratio is given to each baseline. */
  targets: TargetName[];
  /** The i-th request to `target`; requests rotate over the seeded customer cards. */
  request(target: TargetName, dataset: Dataset, i: number): Request;
  /** Whether the scenario reads only (its SQL statements per request are reported). */
  read: boolean;
}

const SHOW_FIELDS = `id databaseId uuid accountId customerId cardId cardName stampsCount stampsRemaining progressPercentage
  status passInstalled appleWalletUrl googleWalletUrl issuedAt createdAt updatedAt
  availableRewards { id databaseId accountId cardId name description stampsRequired position active createdAt updatedAt }`;
const GRAPHQL_SHOW = `query Show($id: ID!) { node(id: $id) { ... on CustomerCard { ${SHOW_FIELDS} } } }`;
const GRAPHQL_PAGE = `query Page { store { customerCards(first: 50) { edges { cursor node {
  id databaseId stampsCount stampsRemaining status
  card { id name stampsRequired rewards(first: 10) { edges { node { id name stampsRequired position active } } } }
} } pageInfo { hasNextPage endCursor } } } }`;
const GRAPHQL_STAMP = `mutation Stamp($input: AddStampsInput!) { addStamps(input: $input) {
  customerCard { ${SHOW_FIELDS} } userErrors { field message code } } }`;

// PostGraphile's equivalents: the same rows; what it cannot compute (progress, available rewards) it
// returns the inputs of.
const PG_REWARD = 'rowId storeId cardId name description stampsRequired position active createdAt updatedAt';
const POSTGRAPHILE_SHOW = `query Show($id: Int!) { customerCardByRowId(rowId: $id) {
  id rowId uuid storeId customerId cardId stampsCount passInstalled issuedAt createdAt updatedAt
  cardByCardId { name stampsRequired archivedAt rewardsByCardId(orderBy: [POSITION_ASC, PRIMARY_KEY_ASC]) { nodes { ${PG_REWARD} } } } } }`;
const POSTGRAPHILE_PAGE = `query Page($storeId: Int!) { allCustomerCards(first: 50, condition: { storeId: $storeId }, orderBy: PRIMARY_KEY_ASC) {
  edges { cursor node { id rowId stampsCount cardByCardId { id name stampsRequired archivedAt
    rewardsByCardId(first: 10, orderBy: [POSITION_ASC, PRIMARY_KEY_ASC]) { edges { node { id name stampsRequired position active } } } } } }
  pageInfo { hasNextPage endCursor } } }`;

const pick = (dataset: Dataset, i: number) => dataset.customerCards[i % dataset.customerCards.length]!;
const auth = (dataset: Dataset) => ({ authorization: `Bearer ${dataset.token}` });
const graphql = (dataset: Dataset, query: string, variables: Record<string, unknown> = {}): Request => ({
  method: 'POST',
  path: '/graphql',
  headers: { ...auth(dataset), 'content-type': 'application/json' },
  body: JSON.stringify({ query, variables }),
});
const restPath = (dataset: Dataset, i: number) => {
  const card = pick(dataset, i);
  return `/api/v1/accounts/${dataset.storeId}/customers/${card.customerId}/customer_cards/${card.id}`;
};
const restStamp = (dataset: Dataset, i: number): Request => ({
  method: 'POST',
  path: `${restPath(dataset, i)}/stamp`,
  headers: { ...auth(dataset), 'content-type': 'application/json' },
  body: '{"stamps":1}',
});

const HTTP_SCENARIOS: HttpScenario[] = [
  {
    name: 'rest-show',
    title: 'REST show customer card',
    targets: ['raw', 'gateway'],
    read: true,
    request: (_target, dataset, i) => ({ method: 'GET', path: restPath(dataset, i), headers: auth(dataset) }),
  },
  {
    name: 'graphql-show',
    title: 'GraphQL customer card (same data)',
    targets: ['ceiling', 'postgraphile', 'gateway'],
    read: true,
    request: (target, dataset, i) =>
      target === 'postgraphile'
        ? graphql(dataset, POSTGRAPHILE_SHOW, { id: pick(dataset, i).id })
        : graphql(dataset, GRAPHQL_SHOW, { id: globalIdOf('CustomerCard', pick(dataset, i).id) }),
  },
  {
    name: 'graphql-page',
    title: 'GraphQL page of 50 customer cards with card and rewards',
    targets: ['ceiling', 'postgraphile', 'gateway'],
    read: true,
    request: (target, dataset) =>
      target === 'postgraphile' ? graphql(dataset, POSTGRAPHILE_PAGE, { storeId: dataset.storeId }) : graphql(dataset, GRAPHQL_PAGE),
  },
  {
    name: 'rest-stamp',
    title: 'REST stamp',
    targets: ['raw', 'gateway'],
    read: false,
    request: (_target, dataset, i) => restStamp(dataset, i),
  },
  {
    name: 'graphql-stamp',
    title: 'GraphQL addStamps',
    targets: ['raw', 'ceiling', 'gateway'],
    read: false,
    request: (target, dataset, i) =>
      target === 'raw'
        ? restStamp(dataset, i)
        : graphql(dataset, GRAPHQL_STAMP, { input: { customerCardId: globalIdOf('CustomerCard', pick(dataset, i).id), stamps: 1 } }),
  },
];

// ---------------------------------------------------------------------------------------------
// Measuring

interface Row {
  database: BenchDatabase;
  scenario: ScenarioName;
  title: string;
  target: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** The server's CPU time per request (HTTP scenarios). */
  cpuMicrosPerRequest?: number;
  /** SQL statements per request, where counted. */
  statements?: number;
  /** Gateway rows: its requests/s over each baseline's, keyed by baseline label. */
  ratios?: Record<string, number>;
  /** Gateway rows: each baseline's CPU per request over the gateway's (the same sense: 1 is as cheap). */
  cpuRatios?: Record<string, number>;
  note?: string;
}

async function send(target: Target, request: Request): Promise<{ status: number; body: string }> {
  const response = await fetch(`${target.url}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body ? { body: request.body } : {}),
  });
  return { status: response.status, body: await response.text() };
}

/** Sends one request and throws unless it succeeded (HTTP 200, no GraphQL errors, no userErrors). */
async function check(target: Target, request: Request): Promise<unknown> {
  const { status, body } = await send(target, request);
  const parsed = JSON.parse(body) as { errors?: unknown; data?: { addStamps?: { userErrors?: unknown[] } } };
  if (status !== 200 || parsed.errors || (parsed.data?.addStamps?.userErrors?.length ?? 0) > 0) {
    throw new Error(`${target.name} answered ${status}: ${body.slice(0, 500)}`);
  }
  return parsed;
}

const COUNTED_REQUESTS = 20;

/** SQL statements per request, over requests sent one at a time; undefined when the server cannot count. */
async function statementsPerRequest(target: Target, scenario: HttpScenario, dataset: Dataset): Promise<number | undefined> {
  const before = (await target.usage()).statements;
  if (before === undefined) return undefined;
  for (let i = 0; i < COUNTED_REQUESTS; i++) await check(target, scenario.request(target.name, dataset, 7 * i));
  // Let work that runs after the response (events, the outbox) finish before reading the counter.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = (await target.usage()).statements ?? before;
  return (after - before) / COUNTED_REQUESTS;
}

async function load(target: Target, scenario: HttpScenario, dataset: Dataset, seconds: number): Promise<autocannon.Result> {
  let i = 0;
  const first = scenario.request(target.name, dataset, 0);
  return autocannon({
    url: target.url,
    connections,
    duration: seconds,
    requests: [
      {
        method: first.method,
        path: first.path,
        headers: first.headers,
        ...(first.body ? { body: first.body } : {}),
        setupRequest: (request) => {
          const next = scenario.request(target.name, dataset, i++);
          return { ...request, path: next.path, ...(next.body ? { body: next.body } : {}) };
        },
      },
    ],
  });
}

interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** The server's CPU time per request: steadier than requests/s when other work shares the machine. */
  cpuMicrosPerRequest: number;
}

function assertAllSucceeded(target: Target, scenario: HttpScenario, result: autocannon.Result) {
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) throw new Error(`${target.name} ${scenario.name}: ${failed} of ${result.requests.total} requests failed`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Measures the scenario's servers in turns: each is warmed up, then they take turns for `rounds`
 * slices of the duration, so that a burst of load from elsewhere on the machine falls on all of them
 * rather than on whichever was being measured. Requests/s are over all slices; latencies are the
 * median of the slices' percentiles.
 */
async function measureInTurns(targets: Target[], scenario: HttpScenario, dataset: Dataset): Promise<Map<TargetName, Measurement>> {
  if (warmup > 0) for (const target of targets) assertAllSucceeded(target, scenario, await load(target, scenario, dataset, warmup));
  const rounds = Math.min(3, duration);
  const slices = new Map<TargetName, autocannon.Result[]>(targets.map((target) => [target.name, []]));
  const cpu = new Map<TargetName, number>(targets.map((target) => [target.name, 0]));
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      log(`[${dataset.database}] ${scenario.name}: ${TARGET_LABELS[target.name]} (${round + 1}/${rounds})…`);
      const before = (await target.usage()).cpuMicros;
      const result = await load(target, scenario, dataset, duration / rounds);
      cpu.set(target.name, cpu.get(target.name)! + (await target.usage()).cpuMicros - before);
      assertAllSucceeded(target, scenario, result);
      slices.get(target.name)!.push(result);
    }
  }
  return new Map(
    [...slices].map(([name, results]) => [
      name,
      {
        requestsPerSecond: results.reduce((sum, r) => sum + r.requests.total, 0) / results.reduce((sum, r) => sum + r.duration, 0),
        p50: median(results.map((r) => r.latency.p50)),
        p99: median(results.map((r) => r.latency.p99)),
        cpuMicrosPerRequest: cpu.get(name)! / results.reduce((sum, r) => sum + r.requests.total, 0),
      },
    ]),
  );
}

/** Checks that the baselines answer what the gateway answers, so that they are compared fairly. */
async function checkSameAnswers(targets: Map<TargetName, Target>, dataset: Dataset) {
  const gateway = targets.get('gateway')!;
  const raw = targets.get('raw');
  const rest = HTTP_SCENARIOS.find((s) => s.name === 'rest-show')!;
  if (raw && !isDeepStrictEqual(await check(raw, rest.request('raw', dataset, 1)), await check(gateway, rest.request('gateway', dataset, 1)))) {
    throw new Error('the raw baseline answers REST show differently from the gateway');
  }
  const ceiling = targets.get('ceiling');
  for (const name of ['graphql-show', 'graphql-page'] as const) {
    const scenario = HTTP_SCENARIOS.find((s) => s.name === name)!;
    if (ceiling) {
      const [expected, actual] = [await check(gateway, scenario.request('gateway', dataset, 1)), await check(ceiling, scenario.request('ceiling', dataset, 1))];
      // The gateway adds extensions (the query's cost); the data must be the same.
      if (!isDeepStrictEqual((expected as { data: unknown }).data, (actual as { data: unknown }).data)) {
        throw new Error(`the GraphQL ceiling answers ${name} differently from the gateway:\n${JSON.stringify(actual)}\n${JSON.stringify(expected)}`);
      }
    }
    const postgraphile = targets.get('postgraphile');
    if (postgraphile) await check(postgraphile, scenario.request('postgraphile', dataset, 1));
  }
}

interface SubscriptionResult {
  target: string;
  subscribers: number;
  latencyMs: { p50: number; p99: number };
  fanOutMs: { p50: number };
}

/** The subscription benchmark (bench/subscriptions.ts), run as it is, on this run's database. */
async function sseFanOut(dataset: Dataset): Promise<Row[]> {
  const child = spawn(
    serverNode,
    ['--import', 'tsx', here('./subscriptions.ts'), '--json', '-n', String(subscribers), '-e', '10'],
    { env: { ...process.env, BENCH_DATABASE_URL: dataset.url }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const start = output.indexOf('{\n  "transport"');
  if (code !== 0 || start < 0) throw new Error(`the subscription benchmark failed (${code}): ${output.slice(-500)}`);
  const { results } = JSON.parse(output.slice(start)) as { results: SubscriptionResult[] };
  const rate = (r: SubscriptionResult) => r.subscribers / (r.fanOutMs.p50 / 1000);
  const baseline = results.find((r) => r.target === 'baseline')!;
  return results.map((r) => ({
    database: dataset.database,
    scenario: 'sse-fanout' as const,
    title: `SSE fan-out to ${subscribers} subscribers (deliveries/s)`,
    target: r.target === 'baseline' ? 'yoga hello-world pub/sub' : TARGET_LABELS.gateway,
    requestsPerSecond: rate(r),
    p50: r.latencyMs.p50,
    p99: r.latencyMs.p99,
    ...(r.target === 'baseline' ? {} : { ratios: { 'yoga hello-world pub/sub': rate(r) / rate(baseline) } }),
  }));
}

interface DatabaseRun {
  database: BenchDatabase;
  rows: Row[];
  gatewayPeakRssMiB?: number;
  loadAverage: number[];
}

async function runDatabase(database: BenchDatabase): Promise<DatabaseRun> {
  log(`\n[${database}] seeding ${DATASET.customers} customers, ${DATASET.cards} cards, ${DATASET.customers * DATASET.cardsPerCustomer * DATASET.stampsPerCustomerCard} ledger entries…`);
  const dataset = await seedDataset(database);
  const targets = new Map<TargetName, Target>();
  const rows: Row[] = [];
  let gatewayPeakRssMiB: number | undefined;
  try {
    const httpScenarios = HTTP_SCENARIOS.filter((s) => scenarios.includes(s.name));
    const wanted = new Set(httpScenarios.flatMap((s) => s.targets));
    if (database === 'sqlite') wanted.delete('postgraphile');
    let postgraphileNote: string | undefined;
    if (wanted.has('postgraphile') && !postgraphileInstalled()) {
      wanted.delete('postgraphile');
      postgraphileNote = 'PostGraphile could not be installed from npm: no row';
    }

    // SQL statements per request, from a gateway that counts them (counting slows it, so it is not
    // the one measured).
    const statements = new Map<ScenarioName, number | undefined>();
    if (httpScenarios.length > 0) {
      const counting = await startTarget('gateway', dataset, { BENCH_COUNT_STATEMENTS: '1' });
      try {
        for (const scenario of httpScenarios) statements.set(scenario.name, await statementsPerRequest(counting, scenario, dataset));
      } finally {
        await counting.stop();
      }
    }

    for (const name of wanted) {
      log(`[${database}] starting ${TARGET_LABELS[name]}…`);
      targets.set(name, await startTarget(name, dataset));
    }
    if (targets.has('gateway')) await checkSameAnswers(targets, dataset);

    for (const scenario of httpScenarios) {
      const present = scenario.targets.flatMap((name) => targets.get(name) ?? []);
      const counted = new Map<TargetName, number | undefined>();
      for (const target of present) {
        if (target.name !== 'gateway') counted.set(target.name, await statementsPerRequest(target, scenario, dataset));
      }
      const results = await measureInTurns(present, scenario, dataset);
      for (const [name, result] of results) {
        const ratios: Record<string, number> = {};
        const cpuRatios: Record<string, number> = {};
        if (name === 'gateway') {
          for (const [baseline, other] of results) {
            if (baseline !== 'gateway') {
              ratios[TARGET_LABELS[baseline]] = result.requestsPerSecond / other.requestsPerSecond;
              cpuRatios[TARGET_LABELS[baseline]] = other.cpuMicrosPerRequest / result.cpuMicrosPerRequest;
            }
          }
        }
        rows.push({
          database,
          scenario: scenario.name,
          title: scenario.title,
          target: TARGET_LABELS[name],
          ...result,
          statements: name === 'gateway' ? statements.get(scenario.name) : counted.get(name),
          ...(name === 'gateway' ? { ratios, cpuRatios } : {}),
          ...(name === 'gateway' && postgraphileNote && scenario.targets.includes('postgraphile') ? { note: postgraphileNote } : {}),
        });
      }
    }
    const gateway = targets.get('gateway');
    if (gateway) gatewayPeakRssMiB = (await gateway.usage()).maxRssKiB / 1024;
  } finally {
    for (const target of targets.values()) await target.stop().catch((error: unknown) => log(String(error)));
  }
  try {
    if (scenarios.includes('sse-fanout')) {
      log(`[${database}] sse-fanout: ${subscribers} subscribers…`);
      rows.push(...(await sseFanOut(dataset)));
    }
  } finally {
    await dataset.drop();
  }
  return { database, rows, ...(gatewayPeakRssMiB === undefined ? {} : { gatewayPeakRssMiB }), loadAverage: loadavg() };
}

const started = performance.now();
const loadBefore = loadavg();
const runs: DatabaseRun[] = [];
for (const database of databases) runs.push(await runDatabase(database));
const minutes = (performance.now() - started) / 60_000;

if (flags.json) {
  console.log(JSON.stringify({ node: serverNodeVersion(), duration, warmup, connections, subscribers, loadBefore, minutes, runs }, null, 2));
} else {
  const fixed = (value: number | undefined, digits: number) => (value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits));
  const header = ['database', 'scenario', 'server', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'SQL/req', 'ratio to baseline: req/s (CPU)'];
  const table = [header];
  for (const run of runs) {
    for (const row of run.rows) {
      const ratios = Object.entries(row.ratios ?? {}).map(
        ([baseline, ratio]) => `${ratio.toFixed(2)}× ${baseline}${row.cpuRatios?.[baseline] ? ` (${row.cpuRatios[baseline].toFixed(2)}×)` : ''}`,
      );
      table.push([
        row.database,
        row.scenario,
        row.target,
        fixed(row.requestsPerSecond, 0),
        fixed(row.p50, 1),
        fixed(row.p99, 1),
        fixed(row.cpuMicrosPerRequest, 0),
        fixed(row.statements, 1),
        [...ratios, ...(row.note ? [row.note] : [])].join('; ') || (row.ratios ? '' : 'baseline'),
      ]);
    }
  }
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(`\n${line(header)}`);
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of table.slice(1)) console.log(line(row));
  console.log('');
  for (const run of runs) {
    if (run.gatewayPeakRssMiB !== undefined) console.log(`${run.database}: gateway peak RSS ${run.gatewayPeakRssMiB.toFixed(0)} MiB`);
  }
  console.log(
    `servers on Node ${serverNodeVersion()}; ${connections} connections, ${warmup} s warm-up + ${duration} s per measurement; load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${minutes.toFixed(1)} min`,
  );
}
process.exit(0);
