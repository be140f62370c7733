import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type OperationDefinitionNode, parse, print } from 'graphql';
import { loadConfig } from '../../src/config.ts';
import { seedDemoIfEmpty } from '../../src/demo.ts';
import { type Runtime, startRuntime } from '../../src/runtime.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { createScratchDatabase, type ScratchDatabase } from './database.ts';
import { type Example, where } from './markdown.ts';
import { outputDifference, sseEvents } from './doc-output.ts';
import { freePort, repoRoot } from './process.ts';

/** The gateway an example runs against: `npm start`'s, on a fresh database with the demo store. */
export interface DemoGateway {
  url: string;
  port: number;
  /** The demo store's API token, which the docs write as `sl_…`. */
  token: string;
  /** The demo customer card's code (its `uuid`), which the docs write as `<uuid>`. */
  uuid: string;
  databaseUrl: string;
  runtime: Runtime;
  server: RunningServer;
  close(): Promise<void>;
}

/**
 * Starts the gateway the way `npm start` does (its configuration from the environment, pending
 * migrations applied, the demo seeded) on a scratch database; on PostgreSQL the demo is asked for,
 * as an operator would with SEED_DEMO=true.
 */
export async function startDemoGateway(): Promise<DemoGateway> {
  const scratch: ScratchDatabase = await createScratchDatabase({ migrate: false });
  const port = await freePort();
  const config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: scratch.url, SEED_DEMO: 'true' });
  const runtime = await startRuntime(config);
  const demo = await seedDemoIfEmpty(runtime.deps);
  if (!demo) throw new Error('the scratch database was not empty');
  const card = await runtime.deps.db.customerCard.findFirstOrThrow({ where: { storeId: demo.accountId }, orderBy: { id: 'asc' } });
  const server = await startServer(runtime);
  return {
    url: server.url,
    port,
    token: demo.token,
    uuid: card.uuid,
    databaseUrl: scratch.url,
    runtime,
    server,
    close: async () => {
      await server.close();
      await runtime.close();
      await scratch.drop();
    },
  };
}

/** The example as it runs here: the docs' address, token and card code replaced by the demo's. */
export function substitute(code: string, gateway: Pick<DemoGateway, 'port' | 'token' | 'uuid'>): string {
  return atPort(code, gateway.port)
    .replace(/\bsl_(…|\.\.\.)/g, gateway.token)
    .replace(/<uuid>/g, gateway.uuid);
}

/** The docs' address (port 4000) moved to the demo gateway's port; outputs get only this. */
function atPort(text: string, port: number): string {
  return text.replace(/\b(127\.0\.0\.1|localhost):4000\b/g, (_, host: string) => `${host}:${port}`);
}

/** Whether an example opens a subscription, which keeps running while the examples after it run. */
export function isStream(example: Example): boolean {
  return /\bsubscription\s*(\w+\s*)?[({]/.test(example.code);
}

/** What an example printed or answered, as text, and whether it went wrong on its own terms. */
interface Ran {
  output: string;
  /** Why it failed regardless of any shown output (exit status, HTTP status). */
  failure?: string;
}

/** A subscription example still running: what it has printed so far, and how to stop it. */
export interface OpenStream {
  example: Example;
  port: number;
  output(): string;
  /** Set when it ended on its own (the process exited). */
  ended(): string | undefined;
  stop(): Promise<void>;
}

const NO_ERRORS = 'an answer without `errors` and with every `userErrors` empty';

/** Why a JSON answer shown without output is not a success: errors, or a mutation's user errors. */
function refusal(text: string): string | undefined {
  let values: unknown[];
  try {
    values = [JSON.parse(text)];
  } catch {
    // A stream: each event's data, or each line of a program's output that is JSON.
    const parts = /^(event|data):/m.test(text) ? sseEvents(text).map((event) => (event as { data: unknown }).data) : text.split('\n');
    values = parts.map((part) => {
      try {
        return typeof part === 'string' ? JSON.parse(part) : part;
      } catch {
        return undefined;
      }
    });
  }
  const found: string[] = [];
  const visit = (node: unknown, top = false) => {
    if (Array.isArray(node)) node.forEach((item) => visit(item));
    else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if ((key === 'errors' || key === 'userErrors') && Array.isArray(child) && child.length > 0) found.push(`${key}: ${JSON.stringify(child)}`);
        // The REST API's refusals: {"error": "<summary>", "errors": {...}}.
        else if (top && key === 'error' && typeof child === 'string') found.push(`error: ${child} ${JSON.stringify(node)}`);
        else visit(child);
      }
    }
  };
  values.forEach((value) => visit(value, true));
  return found.length > 0 ? found.join('; ') : undefined;
}

function fail(example: Example, message: string): never {
  const first = example.code.split('\n').find((line) => line.trim() !== '' && !line.trim().startsWith('#')) ?? '';
  throw new Error(`${where(example)} (${example.language} block: ${first.trim().slice(0, 80)}): ${message}`);
}

/** Checks what an example produced against the output its doc shows, or against plain success. */
export function checkOutput(example: Example, ran: Ran, port: number, prefix = false): void {
  if (ran.failure) fail(example, `${ran.failure}\n${ran.output.slice(0, 2000)}`);
  if (example.output) {
    const differs = outputDifference(atPort(example.output.code, port), ran.output, { prefix, optionalKeys: ['extensions'] });
    if (differs) fail(example, `output differs from the block at ${where(example.output)}: ${differs}\nfull output:\n${ran.output.slice(0, 3000)}`);
    return;
  }
  const refused = refusal(ran.output);
  if (refused) fail(example, `expected ${NO_ERRORS}, got ${refused}`);
}

// Examples that run as programs get their own environment: tools from node_modules, the demo database.
function programEnv(gateway: DemoGateway): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    DATABASE_URL: gateway.databaseUrl,
    PORT: String(gateway.port),
    NO_COLOR: '1',
  };
}

const SNIPPETS = join(repoRoot, 'node_modules', '.doc-examples');

function launch(example: Example, gateway: DemoGateway): ChildProcess {
  const code = substitute(example.code, gateway);
  if (example.language === 'sh' || example.language === 'bash') {
    return spawn('bash', ['-euo', 'pipefail', '-c', code], { cwd: repoRoot, env: programEnv(gateway), stdio: ['ignore', 'pipe', 'pipe'] });
  }
  // Inside node_modules, so that the snippet's imports resolve to the project's packages.
  mkdirSync(SNIPPETS, { recursive: true });
  const file = join(SNIPPETS, `${example.file.replace(/\W+/g, '-')}-${example.line}.m${example.language}`);
  writeFileSync(file, code);
  return spawn(process.execPath, ['--import', 'tsx', file], { cwd: repoRoot, env: programEnv(gateway), stdio: ['ignore', 'pipe', 'pipe'] });
}

export function removeSnippets(): void {
  rmSync(SNIPPETS, { recursive: true, force: true });
}

interface Collected {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function collect(child: ChildProcess): Collected {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

// Generous: `npx stampline` runs the sources through tsx when dist/ is older than them, slow on a busy CI machine.
const PROGRAM_TIMEOUT_MS = 150_000;

async function runProgram(example: Example, gateway: DemoGateway): Promise<Ran> {
  const run = collect(launch(example, gateway));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    run.child.kill('SIGKILL');
  }, PROGRAM_TIMEOUT_MS);
  const status = await run.exited;
  clearTimeout(timer);
  const ended = timedOut ? `was still running after ${PROGRAM_TIMEOUT_MS / 1000} s and was stopped` : `exited with status ${status}`;
  return {
    output: run.stdout(),
    failure: status === 0 && !timedOut ? undefined : `${ended}; stderr:\n${run.stderr().slice(0, 2000)}`,
  };
}

interface Operation {
  document: string;
  kind: OperationDefinitionNode['operation'];
  variables: Record<string, unknown> | undefined;
}

/**
 * The operations of a `graphql` block, each sent on its own with the block's fragments; variables
 * come from a `# variables: {...}` comment line, as the docs show them.
 */
function operations(example: Example, gateway: DemoGateway): Operation[] {
  const code = substitute(example.code, gateway);
  const line = /^\s*#\s*variables:\s*(\{.*\})\s*$/m.exec(code);
  let variables: Record<string, unknown> | undefined;
  if (line) {
    try {
      variables = JSON.parse(line[1]!) as Record<string, unknown>;
    } catch (error) {
      fail(example, `the variables comment is not JSON: ${(error as Error).message}`);
    }
  }
  let document;
  try {
    document = parse(code);
  } catch (error) {
    fail(example, `not a GraphQL document: ${(error as Error).message}`);
  }
  const fragments = document.definitions.filter((definition) => definition.kind === 'FragmentDefinition').map((fragment) => print(fragment));
  return document.definitions
    .filter((definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition')
    .map((operation) => ({ document: [print(operation), ...fragments].join('\n\n'), kind: operation.operation, variables }));
}

function graphqlRequest(gateway: DemoGateway, operation: Operation, accept: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gateway.token}`, 'content-type': 'application/json', accept },
    body: JSON.stringify({ query: operation.document, variables: operation.variables }),
    signal,
  });
}

async function runGraphQL(example: Example, gateway: DemoGateway): Promise<Ran> {
  const answers: string[] = [];
  for (const operation of operations(example, gateway)) {
    const response = await graphqlRequest(gateway, operation, 'application/json');
    const text = await response.text();
    if (response.status !== 200) return { output: text, failure: `HTTP ${response.status}` };
    answers.push(text);
  }
  // One operation: its answer; several: one answer per line, as an output block would show them.
  return { output: answers.length === 1 ? answers[0]! : answers.map((answer) => JSON.stringify(JSON.parse(answer))).join('\n') };
}

/** Runs an example that ends by itself and checks it. */
export async function runExample(example: Example, gateway: DemoGateway): Promise<void> {
  const ran = example.language === 'graphql' ? await runGraphQL(example, gateway) : await runProgram(example, gateway);
  checkOutput(example, ran, gateway.port);
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

// A code snippet is a fresh Node process compiling TypeScript before it subscribes: on a busy 2-core
// machine, with the rest of the suite running, that alone has taken over 20 s.
const SUBSCRIBED_WITHIN_MS = 90_000;

/**
 * Starts a subscription example and resolves once the gateway holds its subscription, so that the
 * examples after it (which cause the events) cannot be missed.
 */
export async function startStream(example: Example, gateway: DemoGateway): Promise<OpenStream> {
  const before = gateway.server.liveStats().subscribers;
  let stream: OpenStream;
  if (example.language === 'graphql') {
    const [operation, ...more] = operations(example, gateway);
    if (!operation || more.length > 0) fail(example, 'a subscription block holds exactly one operation');
    const abort = new AbortController();
    const response = await graphqlRequest(gateway, operation, 'text/event-stream', abort.signal);
    let text = '';
    let ended: string | undefined;
    if (response.status !== 200 || !response.body) fail(example, `HTTP ${response.status}: ${await response.text()}`);
    void (async () => {
      const decoder = new TextDecoder();
      const reader = response.body!.getReader();
      try {
        for (let read = await reader.read(); !read.done; read = await reader.read()) text += decoder.decode(read.value, { stream: true });
        ended = 'the stream ended';
      } catch {
        ended ??= 'the stream was cut';
      }
    })();
    stream = {
      example,
      port: gateway.port,
      output: () => text,
      ended: () => ended,
      stop: async () => abort.abort(),
    };
  } else {
    const run = collect(launch(example, gateway));
    let status: number | null | undefined;
    void run.exited.then((code) => (status = code));
    stream = {
      example,
      port: gateway.port,
      output: run.stdout,
      ended: () => (status === undefined ? undefined : `exited with status ${status}; stderr:\n${run.stderr().slice(0, 2000)}`),
      stop: async () => {
        if (status === undefined) run.child.kill('SIGTERM');
        await run.exited;
      },
    };
  }
  const subscribed = await waitFor(() => gateway.server.liveStats().subscribers > before || stream.ended() !== undefined, SUBSCRIBED_WITHIN_MS);
  if (!subscribed || gateway.server.liveStats().subscribers <= before) {
    const why = stream.ended() ?? `no subscription within ${SUBSCRIBED_WITHIN_MS} ms`;
    await stream.stop();
    fail(example, `${why}\n${stream.output().slice(0, 2000)}`);
  }
  return stream;
}

const DELIVERED_WITHIN_MS = 10_000;

/** After the examples that follow it: the stream must show its output (or a first event), then it is stopped. */
export async function finishStream(stream: OpenStream): Promise<void> {
  const { example } = stream;
  const shown = () => {
    try {
      checkOutput(example, { output: stream.output() }, stream.port, true);
      return example.output !== undefined || /\S/.test(stream.output().replace(/^:.*$/gm, ''));
    } catch {
      return false;
    }
  };
  await waitFor(() => shown() || stream.ended() !== undefined, DELIVERED_WITHIN_MS);
  await stream.stop();
  if (!example.output && !/\S/.test(stream.output().replace(/^:.*$/gm, ''))) {
    fail(example, `the subscription delivered nothing after the examples that follow it ran${stream.ended() ? ` (${stream.ended()})` : ''}`);
  }
  checkOutput(example, { output: stream.output() }, stream.port, true);
}
