// Start-up benchmark: `npm run bench:startup -- [options]` (see docs/performance.md).
//
// Starts the gateway the way an operator does, `npm start`, on a scratch SQLite database and measures
// the time from spawning the command to the first 200 of /healthz and the CPU time the process tree
// used until then, then, after it has been idle for a while, the resident memory of the whole process tree (npm, the shell, node) and of the gateway
// process alone. The same is measured, in alternating turns of the same run, for `npm run start:ts`
// (the gateway run from the TypeScript sources through tsx, as `npm start` did before the build), so
// that the ratio of the two is not skewed by the load on the machine. The database is migrated and
// seeded by one unmeasured start first: every measured start is a restart, as in production.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../test/helpers/process.ts';

// `uncached` is `npm start` with Node's compile cache turned off, to measure what the cache saves
// (Node 22.1 and later; Node 20 has no cache, so there both are the same).
const MODES = {
  built: { script: 'start', env: {} },
  uncached: { script: 'start', env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
  ts: { script: 'start:ts', env: {} },
} as const;
type Mode = keyof typeof MODES;

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    idle: { type: 'string', default: '5' },
    mode: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (flags.help) {
  console.log(`npm run bench:startup -- [options]
  --runs N     measured starts per mode (default 3); medians are reported
  --idle S     seconds the gateway idles after its first /healthz 200 before its memory is read (default 5)
  --mode M     built (npm start), uncached (npm start without Node's compile cache) or ts
               (npm run start:ts, tsx on the sources) (repeatable; default built and ts)
  --json       print the results as JSON
  BENCH_NODE=/path/to/node runs npm and the gateway under that Node binary (same major version:
  node_modules is built for one); for another major: bench/on-node 24 bench:startup -- [options]`);
  process.exit(0);
}

const runs = Number(flags.runs);
const idleSeconds = Number(flags.idle);
const modes = (flags.mode ?? ['built', 'ts']) as Mode[];
for (const mode of modes) if (!(mode in MODES)) fail(`unknown --mode ${mode} (built, uncached or ts)`);
if (!Number.isInteger(runs) || runs < 1) fail('--runs must be a positive integer');
if (!(idleSeconds >= 0)) fail('--idle must be a number of seconds');

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// The Node binary on the PATH decides what npm and the `node` of the npm scripts run on.
const pathEnv = process.env.BENCH_NODE ? `${dirname(process.env.BENCH_NODE)}:${process.env.PATH ?? ''}` : process.env.PATH;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function log(message: string) {
  process.stderr.write(`${message}\n`);
}

interface Sample {
  startMs: number;
  cpuMs: number;
  treeMiB: number;
  gatewayMiB: number;
  processes: string[];
}

/** Resident memory of one process in KiB (0 if it has gone). */
function rssKiB(pid: number): number {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** `pid` and all its descendants, parents before children (Linux /proc). */
function processTree(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (list) children.push(...list.split(/\s+/).map(Number));
    }
  } catch {
    return [];
  }
  return [pid, ...children.flatMap(processTree)];
}

/**
 * CPU time (user and system) of one process and of its children it has waited for (npm's prestart
 * step), in milliseconds: steadier than the wall clock on a machine other work shares.
 */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // utime, stime, cutime, cstime: fields 14 to 17 of proc(5), counted from the state field (3).
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100;

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '?';
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Runs `npm run <script>` on `databaseUrl` until /healthz answers 200; measures, then stops it. */
async function startOnce(mode: Mode, databaseUrl: string): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  // Its own process group, so that the whole tree is stopped at the end.
  const child = spawn(npm, ['run', '--silent', MODES[mode].script], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PATH: pathEnv, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_REQUESTS: 'false', SEED_DEMO: undefined, REDIS_URL: undefined, ...MODES[mode].env },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    const url = `http://127.0.0.1:${port}/healthz`;
    while (!(await healthy(url))) {
      if (child.exitCode !== null) throw new Error(`npm run ${MODES[mode].script} exited with ${child.exitCode}:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const startMs = performance.now() - started;
    const startCpuMs = processTree(child.pid!).reduce((sum, pid) => sum + cpuMs(pid), 0);
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const tree = processTree(child.pid!);
    const rss = tree.map(rssKiB);
    // The gateway is the last process of the tree: the one node process that listens.
    const gatewayKiB = rss.at(-1) ?? 0;
    return {
      startMs,
      cpuMs: startCpuMs,
      treeMiB: rss.reduce((a, b) => a + b, 0) / 1024,
      gatewayMiB: gatewayKiB / 1024,
      processes: tree.map((pid, i) => `${Math.round(rss[i]! / 1024)} MiB  ${commandLine(pid)}`),
    };
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await exited(child);
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const dir = mkdtempSync(join(tmpdir(), 'stampline-startup-'));
const databaseUrl = `file:${join(dir, 'bench.db')}`;
const loadBefore = loadavg();
const samples: Record<Mode, Sample[]> = { built: [], uncached: [], ts: [] };
try {
  log(`migrating and seeding ${databaseUrl} (unmeasured first start)…`);
  await startOnce(modes[0]!, databaseUrl);
  for (let run = 1; run <= runs; run++) {
    for (const mode of modes) {
      const sample = await startOnce(mode, databaseUrl);
      samples[mode].push(sample);
      log(`${mode} #${run}: first /healthz 200 after ${Math.round(sample.startMs)} ms (${Math.round(sample.cpuMs)} ms of CPU); RSS tree ${sample.treeMiB.toFixed(0)} MiB, gateway ${sample.gatewayMiB.toFixed(0)} MiB`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const results = modes.map((mode) => ({
  mode,
  command: `${Object.entries(MODES[mode].env).map(([name, value]) => `${name}=${value} `).join('')}npm run ${MODES[mode].script}`,
  startMs: Math.round(median(samples[mode].map((s) => s.startMs))),
  cpuMs: Math.round(median(samples[mode].map((s) => s.cpuMs))),
  treeMiB: Math.round(median(samples[mode].map((s) => s.treeMiB))),
  gatewayMiB: Math.round(median(samples[mode].map((s) => s.gatewayMiB))),
  processes: samples[mode].at(-1)!.processes,
}));
const node = process.env.BENCH_NODE ?? process.execPath;

if (flags.json) {
  console.log(JSON.stringify({ node, runs, idleSeconds, loadBefore, loadAfter: loadavg(), results }, null, 2));
} else {
  const base = results.find((r) => r.mode === 'ts') ?? results.find((r) => r.mode === 'uncached');
  const ratio = (value: number, of: number | undefined) => (of ? ` (${(value / of).toFixed(2)}×)` : '');
  console.log(`node ${node}; ${runs} starts per mode, medians; idle ${idleSeconds} s before memory is read`);
  console.log(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('| command | start → first /healthz 200 | CPU time until then | idle RSS, process tree | idle RSS, gateway process |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    const of = r === base ? undefined : base;
    console.log(`| \`${r.command}\` | ${r.startMs} ms${ratio(r.startMs, of?.startMs)} | ${r.cpuMs} ms${ratio(r.cpuMs, of?.cpuMs)} | ${r.treeMiB} MiB${ratio(r.treeMiB, of?.treeMiB)} | ${r.gatewayMiB} MiB${ratio(r.gatewayMiB, of?.gatewayMiB)} |`);
  }
  for (const r of results) console.log(`\n${r.command} process tree:\n  ${r.processes.join('\n  ')}`);
}
