// Replay benchmark: `npm run bench:replay -- [options]` (see docs/subscriptions.md).
//
// How fast a resuming stream catches up: writes N stamps into one store (through the ledger, as the
// APIs do), then measures (1) the domain's replay read alone (pages of 500 from the event log) and
// (2) a whole resume over SSE through a real gateway: `stampsChanged(after:)` from the first event,
// timed from the request to the last replayed event, with a selection that needs no read per event
// and with one that selects each event's ledger entry (read once per replayed page). Embedded SQLite
// in a scratch file unless DATABASE_URL names another database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { systemActor, WriteSource } from '../src/domain/context.ts';
import { addStamps } from '../src/domain/customer-cards/customer-card.service.ts';
import { createCard } from '../src/domain/cards/card.service.ts';
import { createCustomer } from '../src/domain/customers/customer.service.ts';
import { readStampEvents } from '../src/domain/ledger/event-replay.ts';
import { createStore } from '../src/domain/stores/store.service.ts';
import { globalIdOf } from '../src/graphql/global-ids.ts';
import { startRuntime } from '../src/runtime.ts';
import { startServer } from '../src/server.ts';

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', short: 'e', default: '5000' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:replay -- [options]
  -e, --events N   stamp events written, then replayed (default 5000)
  DATABASE_URL in the environment selects the database (default: a scratch SQLite file).`);
  process.exit(0);
}
const total = Number(flags.events);

const scratch = process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'stampline-replay-'));
const databaseUrl = process.env.DATABASE_URL ?? `file:${join(scratch!, 'replay.db')}`;
const runtime = await startRuntime(
  loadConfig({ DATABASE_URL: databaseUrl, SEED_DEMO: 'false', LOG_REQUESTS: 'false', PORT: '0', RATE_LIMIT_PER_MINUTE: '100000' }),
);
const server = await startServer(runtime);
try {
  const { store, token } = await createStore(runtime.deps.db, 'Replay bench');
  const actor = systemActor(store.id, WriteSource.REST);
  const card = await createCard(runtime.deps, actor, { name: 'Bench card', stampsRequired: 21 });
  const { customerCard } = await createCustomer(runtime.deps, actor, { firstName: 'Bench', email: 'bench@example.com' }, { cardId: card.id });
  const writing = performance.now();
  for (let i = 0; i < total; i++) await addStamps(runtime.deps, actor, { customerCardId: customerCard!.id, stamps: 1 });
  const wrote = performance.now() - writing;

  // (1) The replay read alone.
  const reading = performance.now();
  let read = 0;
  for (let after = 0; ; ) {
    const page = await readStampEvents(runtime.deps.db, store.id, {}, { afterSequence: after, limit: 500 });
    read += page.length;
    if (page.length < 500) break;
    after = page.at(-1)!.sequence;
  }
  const readMs = performance.now() - reading;

  // (2) Whole resumes over SSE, after the first stamp event.
  const first = await graphql(`{ store { events(first: 1) { edges { cursor } } } }`);
  const after = first.store.events.edges[0].cursor as string;
  const storeId = globalIdOf('Store', store.id);
  const light = await resume(`subscription($s: ID, $a: String) { stampsChanged(storeId: $s, after: $a) { cursor kind delta } }`, storeId, after, read - 1);
  const full = await resume(
    `subscription($s: ID, $a: String) { stampsChanged(storeId: $s, after: $a) { cursor kind delta ledgerEntry { balanceAfter } } }`,
    storeId,
    after,
    read - 1,
  );

  const rate = (count: number, ms: number) => Math.round((count / ms) * 1000).toLocaleString('en');
  console.log(`${runtime.config.databaseUrl.startsWith('file:') ? 'SQLite' : 'PostgreSQL'}, ${total} stamp events in one store`);
  console.log(`writing (addStamps, one at a time)          ${rate(total, wrote)} events/s`);
  console.log(`replay read (domain, pages of 500)          ${rate(read, readMs)} events/s  (${read} in ${readMs.toFixed(0)} ms)`);
  console.log(`resume over SSE, { cursor kind delta }      ${rate(read - 1, light)} events/s  (${read - 1} in ${light.toFixed(0)} ms)`);
  console.log(`resume over SSE, + ledgerEntry              ${rate(read - 1, full)} events/s  (${read - 1} in ${full.toFixed(0)} ms)`);

  // biome-ignore lint/suspicious/noExplicitAny: a bench reads what it asked for
  async function graphql(query: string): Promise<any> {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return ((await response.json()) as { data: unknown }).data;
  }

  /** Milliseconds from the request until `count` events have arrived. */
  async function resume(query: string, s: string, a: string, count: number): Promise<number> {
    const abort = new AbortController();
    const started = performance.now();
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: { s, a } }),
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let seen = 0;
    while (seen < count) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`the stream ended after ${seen} of ${count} events`);
      text += decoder.decode(chunk.value, { stream: true });
      let end = text.indexOf('\n\n');
      while (end >= 0) {
        if (text.slice(0, end).includes('event: next')) seen++;
        text = text.slice(end + 2);
        end = text.indexOf('\n\n');
      }
    }
    const elapsed = performance.now() - started;
    abort.abort();
    return elapsed;
  }
} finally {
  await server.close();
  await runtime.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
