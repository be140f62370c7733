import { expect, it } from 'vitest';
import { testProvider } from './helpers/database.ts';
import { useServer } from './helpers/server.ts';

const t = useServer();

it('answers /healthz over HTTP with the database in use', async () => {
  const response = await fetch(`${t.url}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok', database: testProvider });
});
