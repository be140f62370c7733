import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { redactLine } from '../../src/observability/log.ts';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/database.ts';
import { eventually } from '../helpers/live.ts';
import { RunningProcess, runNode } from '../helpers/process.ts';
import { seedScratchStore } from '../helpers/runtime.ts';

type Line = Record<string, unknown> & { msg: string; level: string };

describe('the log of a running gateway', () => {
  let scratch: ScratchDatabase;
  let gateway: RunningProcess;
  let url: string;
  let token: string;
  let storeId: number;
  let cardId: number;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    ({ token, storeId, cardId } = await seedScratchStore(scratch.url, 'Log lines store'));
    gateway = new RunningProcess(['--import', 'tsx', 'src/main.ts'], { DATABASE_URL: scratch.url, PORT: '0', SEED_DEMO: 'false', LOG_LEVEL: '' });
    url = (await gateway.waitForOutput(/listening on (http:\/\/\S+)/))[1]!;
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await scratch?.drop();
  });

  /** The lines written since the gateway started listening, each parsed (every one must be JSON). */
  function linesSinceListening(): Line[] {
    const lines = gateway.stdout.split('\n').filter(Boolean);
    const parsed = lines.map((line) => {
      try {
        return JSON.parse(line) as Line;
      } catch {
        throw new Error(`a log line that is not JSON: ${line}`);
      }
    });
    const start = parsed.findIndex((line) => line.msg.startsWith('Stampline listening on'));
    expect(start).toBeGreaterThanOrEqual(0);
    return parsed.slice(start + 1);
  }

  it('writes JSON lines, and every line written while a request is handled carries its request id, errors included', async () => {
    const json = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const ids = { read: 'logs-read-1', missing: 'logs-missing-1', refused: 'logs-graphql-1', device: 'logs-device-1', made: '' };
    expect((await fetch(`${url}/api/v1/accounts/${storeId}/cards/${cardId}`, { headers: { ...json, 'x-request-id': ids.read } })).status).toBe(200);
    expect((await fetch(`${url}/api/v1/accounts/${storeId}/cards/999999`, { headers: { ...json, 'x-request-id': ids.missing } })).status).toBe(404);
    // A client mistake in GraphQL: logged as one warning line, inside the request.
    const refused = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { ...json, 'x-request-id': ids.refused },
      body: JSON.stringify({ query: '{ store { cards(first: -1) { nodes { name } } } }' }),
    });
    expect(JSON.stringify(await refused.json())).toContain('BAD_USER_INPUT');
    // Device log entries go to the log by design, from inside the request that brought them.
    const device = await fetch(`${url}/wallet/apple/v1/log`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': ids.device },
      body: JSON.stringify({ logs: ['device says hello'] }),
    });
    expect(device.status).toBe(200);
    // Without a client id the gateway makes one, answers with it, and logs with it.
    const made = await fetch(`${url}/healthz`);
    ids.made = made.headers.get('x-request-id') ?? '';
    expect(ids.made).toMatch(/^[0-9a-f-]{36}$/);

    const lines = await eventually(linesSinceListening, (all) => all.filter((line) => line.msg === 'request').length >= 5);
    // Nothing else runs in this gateway: every line after it started listening belongs to a request.
    for (const line of lines) expect(line, JSON.stringify(line)).toHaveProperty('request_id');
    const of = (id: string) => lines.filter((line) => line.request_id === id);

    expect(of(ids.read)).toEqual([
      expect.objectContaining({ level: 'info', msg: 'request', method: 'GET', status: 200, route: '/api/v1/accounts/:account_id/cards/:id', path: `/api/v1/accounts/${storeId}/cards/${cardId}` }),
    ]);
    expect(of(ids.missing)).toEqual([expect.objectContaining({ msg: 'request', status: 404 })]);
    const graphql = of(ids.refused);
    expect(graphql).toEqual([
      expect.objectContaining({ level: 'warn', component: 'graphql', msg: expect.stringMatching(/^GraphQL: refused store\.cards: .*\(BAD_USER_INPUT\)$/) }),
      expect.objectContaining({ msg: 'request', route: '/graphql', status: 200 }),
    ]);
    expect(graphql[0]).not.toHaveProperty('err');
    expect(of(ids.device)).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'wallet: device log: device says hello' }),
      expect.objectContaining({ msg: 'request', route: '/wallet/apple/v1/log', status: 200 }),
    ]);
    expect(of(ids.made)).toEqual([expect.objectContaining({ msg: 'request', route: '/healthz' })]);
  });
});

describe('LOG_LEVEL', () => {
  it('is info by default and must name a level', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, got "loud"');
  });

  it('leaves out lines less severe than the level', async () => {
    const script = "import { log } from './src/observability/log.ts'; log.debug('d'); log.info('i'); log.warn('w'); log.error('e');";
    const run = (level: string) => runNode(['--import', 'tsx', '--input-type=module', '-e', script], { LOG_LEVEL: level });
    const messages = async (level: string) =>
      (await run(level)).stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as Line).msg);
    expect(await messages('warn')).toEqual(['w', 'e']);
    expect(await messages('')).toEqual(['i', 'w', 'e']);
    expect(await messages('debug')).toEqual(['d', 'i', 'w', 'e']);
  });
});

describe('redaction of log lines', () => {
  it('masks every string of a line, and the line stays JSON even when a secret sat inside an escaped quote', () => {
    const token = 'sl_abcdefghijklmnopqrstuvwxyz';
    const line = `${JSON.stringify({
      level: 'error',
      msg: `failed for ada@example.com with Bearer ${token}`,
      err: { message: `header "Bearer ${token}" refused`, stack: `Error: +15551234567\n    at x` },
      nested: [{ secret: 'whsec_abcdefghijklmnop' }, 123456789012],
    })}\n`;
    const redacted = redactLine(line);
    expect(redacted.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(redacted);
    expect(parsed).toEqual({
      level: 'error',
      msg: 'failed for [email] with Bearer [redacted]',
      err: { message: 'header "Bearer [redacted]" refused', stack: 'Error: [phone]\n    at x' },
      // Numbers are not text: ids and counts stay as they are.
      nested: [{ secret: 'whsec_[redacted]' }, 123456789012],
    });
    expect(redacted).not.toContain(token.slice(3));
  });
});
