import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpTracesUrl } from '../../src/observability/tracing.ts';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/database.ts';
import { eventually } from '../helpers/live.ts';
import { RunningProcess, runNode } from '../helpers/process.ts';
import { seedScratchStore } from '../helpers/runtime.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: number | string } }>;
}

/** A stand-in OTLP/HTTP collector: keeps every span posted to /v1/traces as JSON. */
class Collector {
  readonly spans: OtlpSpan[] = [];
  readonly contentTypes: string[] = [];
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          this.contentTypes.push(String(req.headers['content-type']));
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) this.spans.push(...scope.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

let scratch: ScratchDatabase;
let token: string;
let customerCardId: number;

beforeAll(async () => {
  scratch = await createScratchDatabase();
  ({ token, customerCardId } = await seedScratchStore(scratch.url, 'Traced store'));
}, 60_000);

afterAll(async () => {
  await scratch?.drop();
});

describe('OpenTelemetry tracing', () => {
  it('reads the endpoint as the OpenTelemetry exporters do', () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces' })).toBe('http://b:4318/traces');
  });

  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT: a gateway serving requests loads none of the SDK', async () => {
    const probe = async (env: Record<string, string | undefined>) => {
      const run = await runNode(['--import', 'tsx', 'test/helpers/otel-probe.ts'], { DATABASE_URL: scratch.url, ...env });
      expect(run.status, run.stderr).toBe(0);
      return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { active: boolean; packages: string[] };
    };
    // Only the API facade (no-op without an SDK): prom-client's CPU metric looks for it to attach
    // exemplars, and finds it because the SDK's packages are installed beside it.
    expect(await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined })).toEqual({
      active: false,
      packages: ['@opentelemetry/api'],
    });
    // The same probe sees the SDK once tracing is on (here towards a port nothing listens on), so the
    // check above can fail.
    const on = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_BSP_SCHEDULE_DELAY: '60000' });
    expect(on.active).toBe(true);
    expect(on.packages).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/context-async-hooks']));
    // Two gateway processes, one after the other.
  }, 120_000);

  it('with an endpoint: a request becomes a SERVER span named for its route, continuing the caller’s trace, with the ledger write inside it', async () => {
    const collector = new Collector();
    await collector.start();
    const gateway = new RunningProcess(['--import', 'tsx', 'src/main.ts'], {
      DATABASE_URL: scratch.url,
      PORT: '0',
      SEED_DEMO: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    try {
      const url = (await gateway.waitForOutput(/listening on (http:\/\/\S+)/))[1]!;
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parentId = '00f067aa0ba902b7';
      const id = Buffer.from(`CustomerCard:${customerCardId}`).toString('base64');
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${parentId}-01` },
        body: JSON.stringify({ query: `mutation { addStamps(input: {customerCardId: "${id}", stamps: 2}) { userErrors { message } } }` }),
      });
      expect(await response.json()).toMatchObject({ data: { addStamps: { userErrors: [] } } });

      const spans = await eventually(
        () => collector.spans,
        (all) => all.some((span) => span.name === 'ledger.post') && all.some((span) => span.name === 'POST /graphql'),
      );
      expect(collector.contentTypes[0]).toMatch(/^application\/json/);
      const request = spans.find((span) => span.name === 'POST /graphql')!;
      expect(request).toMatchObject({ traceId, parentSpanId: parentId, kind: 2 });
      expect(attribute(request, 'http.route')).toBe('/graphql');
      expect(attribute(request, 'http.response.status_code')).toBe(200);
      const ledger = spans.find((span) => span.name === 'ledger.post')!;
      expect(ledger).toMatchObject({ traceId, parentSpanId: request.spanId });
      expect(attribute(ledger, 'stampline.ledger.kind')).toBe('STAMP');
      expect(attribute(ledger, 'stampline.customer_card.id')).toBe(customerCardId);
    } finally {
      await gateway.stop();
      await collector.stop();
    }
  }, 90_000);
});
