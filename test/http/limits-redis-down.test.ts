import { afterAll, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { redirectLog } from '../../src/observability/log.ts';
import { subscribeSse } from '../helpers/live.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

// Nothing listens on port 1: every Redis command of the limits fails at once, as in an outage.
const lines: string[] = [];
afterAll(redirectLog((line) => lines.push(line)));
const t = useServer({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_PER_MINUTE: '3', LIVE_CONNECTIONS_PER_TOKEN: '1' });

describe('limits while Redis cannot be reached', () => {
  it('fail open to the process’s own counts, which still hold, and say so once', async () => {
    const store = await newStore(t.runtime);
    const call = () =>
      fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${store.token}` },
        body: JSON.stringify({ query: '{ store { name } }' }),
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call()).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    const other = await newStore(t.runtime);
    const watch = () => subscribeSse(t.url, other.token, 'subscription($s: ID) { stampsChanged(storeId: $s) { delta } }', { s: globalIdOf('Store', other.actor.storeId) });
    const first = await watch();
    const second = await watch();
    expect([first.status, second.status]).toEqual([200, 429]);
    first.close();
    second.close();

    const outageLines = lines.filter((line) => /redis unavailable for limits/.test(line));
    expect(outageLines).toHaveLength(1);
  });
});
