// In-process CPU of `addStamps` on the bench's dataset: the domain call a REST or GraphQL stamp makes,
// without HTTP, so a change to its statements or its transaction shows apart from the transports'
// noise. Rounds of calls on a scratch database (bench/seed.ts), each on the next customer card, after
// 300 unmeasured ones; CPU time from process.cpuUsage, which a busy machine inflates far less than
// the wall clock.
//   node --import tsx bench/stamp-cpu.ts [sqlite|postgresql] [calls per round] [rounds]
// STAMP_SQL=1 prints the statements of one stamp first; STAMP_CPU_PROF=<file> writes a CPU profile
// of the measured rounds (read it with bench/profile-top.ts).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadConfig } from '../src/config.ts';
import { systemActor, WriteSource } from '../src/domain/context.ts';
import { addStamps } from '../src/domain/customer-cards/customer-card.service.ts';
import { startRuntime } from '../src/runtime.ts';
import { type BenchDatabase, seedDataset } from './seed.ts';

const database = (process.argv[2] ?? 'sqlite') as BenchDatabase;
const calls = Number(process.argv[3] ?? 3000);
const rounds = Number(process.argv[4] ?? 3);
if (!['sqlite', 'postgresql'].includes(database) || !(calls > 0) || !(rounds > 0)) {
  console.error('usage: bench/stamp-cpu.ts [sqlite|postgresql] [calls per round] [rounds]');
  process.exit(2);
}

const dataset = await seedDataset(database);
let showing = false;
const runtime = await startRuntime(loadConfig({ ...process.env, DATABASE_URL: dataset.url, SEED_DEMO: 'false' }), {
  migrate: false,
  onQuery: (sql) => showing && console.log(`  ${sql.replace(/\s+/g, ' ').trim().slice(0, 140)}`),
});
try {
  const actor = systemActor(dataset.storeId, WriteSource.REST);
  let next = 0;
  const stamp = async () => {
    const { id, customerId } = dataset.customerCards[next++ % dataset.customerCards.length]!;
    await addStamps(runtime.deps, actor, { customerCardId: id, customerId, stamps: 1 });
  };
  for (let i = 0; i < 300; i++) await stamp();
  if (process.env.STAMP_SQL) {
    console.log(`[${database}] the statements of one stamp:`);
    showing = true;
    await stamp();
    showing = false;
  }
  const profiler = process.env.STAMP_CPU_PROF ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  for (let round = 1; round <= rounds; round++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < calls; i++) await stamp();
    const used = process.cpuUsage(cpu);
    const wall = performance.now() - started;
    console.log(`[${database}] round ${round}: ${Math.round((used.user + used.system) / calls)} µs of CPU per addStamps (${Math.round((wall * 1000) / calls)} µs wall), ${calls} calls`);
  }
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(process.env.STAMP_CPU_PROF!, JSON.stringify(profile));
  }
} finally {
  await runtime.close();
  await dataset.drop();
}
