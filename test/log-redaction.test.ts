import { afterAll, beforeAll, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from './helpers/database.ts';
import { eventually } from './helpers/live.ts';
import { RunningProcess } from './helpers/process.ts';
import { seedScratchStore } from './helpers/runtime.ts';

let scratch: ScratchDatabase;
let gateway: RunningProcess;
let url: string;
let token: string;
let storeId: number;
let cardId: number;

beforeAll(async () => {
  scratch = await createScratchDatabase();
  ({ token, storeId, cardId } = await seedScratchStore(scratch.url, 'Log store'));
  gateway = new RunningProcess(['--import', 'tsx', 'src/main.ts'], { DATABASE_URL: scratch.url, PORT: '0', SEED_DEMO: 'false' });
  url = (await gateway.waitForOutput(/listening on (http:\/\/\S+)/))[1]!;
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await scratch?.drop();
});

const EMAIL = 'grace.hopper@example.com';
const PHONE = '+15551234567';

it('keeps API tokens, customer emails and phone numbers out of the log, whatever the requests carry', async () => {
  const json = (auth: string) => ({ authorization: auth, 'content-type': 'application/json' });
  const rest = await fetch(`${url}/api/v1/accounts/${storeId}/customers`, {
    method: 'POST',
    headers: json(`Bearer ${token}`),
    body: JSON.stringify({ customer: { first_name: 'Grace', email: EMAIL, phone: PHONE, card_id: cardId } }),
  });
  expect(rest.status).toBe(201);
  // A duplicate and a search by email and phone: refusals and lookups that quote the data.
  expect((await fetch(`${url}/api/v1/accounts/${storeId}/customers`, { method: 'POST', headers: json(`Bearer ${token}`), body: JSON.stringify({ customer: { first_name: 'G', email: EMAIL } }) })).status).toBe(422);
  await fetch(`${url}/api/v1/accounts/${storeId}/customers?search=${encodeURIComponent(EMAIL)}`, { headers: json(`Bearer ${token}`) });
  await fetch(`${url}/api/v1/accounts/${storeId}/customers?search=${encodeURIComponent(PHONE)}`, { headers: json(`Bearer ${token}`) });
  // A wrong token, a token for GraphQL, and GraphQL reads of the PII.
  expect((await fetch(`${url}/api/v1/accounts/${storeId}/customers`, { headers: json(`Bearer ${token}x`) })).status).toBe(401);
  const graphql = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: json(`Bearer ${token}`),
    body: JSON.stringify({
      query: 'query($q: String) { store { customers(search: $q) { edges { node { email phone } } } } }',
      variables: { q: EMAIL },
    }),
  });
  expect(JSON.stringify(await graphql.json())).toContain(EMAIL);
  // Device log lines are untrusted text that goes to the log by design.
  const deviceLog = await fetch(`${url}/wallet/apple/v1/log`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ logs: [`pass for ${EMAIL} ${PHONE} authorization: Bearer ${token}`] }),
  });
  expect(deviceLog.status).toBe(200);
  const log = await eventually(() => gateway.stdout + gateway.stderr, (text) => text.includes('device log'));
  for (const secret of [token, token.slice(3), EMAIL, PHONE, PHONE.slice(2)]) expect(log).not.toContain(secret);
});
