// Types only: erased at run time, so importing this module loads nothing of OpenTelemetry.
import type * as OtelApi from '@opentelemetry/api';
import { DomainError } from '../domain/errors.ts';
import { redact } from '../log-redaction.ts';
import { log, logger } from './log.ts';

/**
 * OpenTelemetry tracing, off unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) is set.
 * Off, no OpenTelemetry module is loaded at all and `traced` just runs its function; on, the SDK is
 * imported on demand at start and spans go to the endpoint over OTLP/HTTP (JSON) in batches.
 *
 * Spans are made by hand where they tell something: one SERVER span per HTTP request (named for its
 * route pattern, continuing a `traceparent` the client sent) and one around each ledger write, inside
 * the request's span. Automatic instrumentation would patch every module at load and weigh on every
 * request whether tracing is wanted or not.
 */

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

interface ActiveTracing {
  api: typeof OtelApi;
  tracer: OtelApi.Tracer;
  shutdown: () => Promise<void>;
}

let active: ActiveTracing | undefined;

/** Whether the SDK was started (and so loaded) in this process. */
export function tracingActive(): boolean {
  return active !== undefined;
}

export interface TracingOptions {
  /** Where spans are posted: the full OTLP/HTTP traces URL (`…/v1/traces`). */
  tracesUrl: string | undefined;
  serviceName?: string;
  /** How long spans are batched before they are sent (`OTEL_BSP_SCHEDULE_DELAY`; the SDK's default is 5 s). */
  exportDelayMs?: number;
}

/** The traces URL the environment names, the way OpenTelemetry's exporters read it; undefined: tracing off. */
export function otlpTracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/** Starts tracing when a traces URL is given (once per process); returns whether it is on. */
export async function startTracing(options: TracingOptions): Promise<boolean> {
  if (active) return true;
  if (!options.tracesUrl) return false;
  const [api, core, sdk, contextHooks, resources, exporter] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/exporter-trace-otlp-http'),
  ]);
  const provider = new sdk.TracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': options.serviceName ?? 'stampline' }),
    spanProcessors: [
      new sdk.BatchSpanProcessor({
        exporter: new exporter.OTLPTraceExporter({ url: options.tracesUrl }),
        ...(options.exportDelayMs ? { scheduledDelayMillis: options.exportDelayMs } : {}),
      }),
    ],
  });
  api.context.setGlobalContextManager(new contextHooks.AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(provider);
  // The SDK reports failed exports (a collector down) through its diagnostic logger: one log line each.
  const diag = logger('tracing');
  api.diag.setLogger(
    { error: (message) => diag.error(message), warn: (message) => diag.warn(message), info: () => {}, debug: () => {}, verbose: () => {} },
    api.DiagLogLevel.WARN,
  );
  active = { api, tracer: provider.getTracer('stampline'), shutdown: () => provider.shutdown() };
  return true;
}

/** Sends the spans still batched and stops tracing (on shutdown); an unreachable collector is only logged. */
export async function stopTracing(): Promise<void> {
  const current = active;
  active = undefined;
  try {
    await current?.shutdown();
  } catch (error) {
    log.warn({ err: error }, 'tracing: the last spans could not be sent');
  }
}

function attributesOf(attributes: SpanAttributes): OtelApi.Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined)) as OtelApi.Attributes;
}

function failed(api: typeof OtelApi, span: OtelApi.Span, error: unknown): void {
  // A refusal of the caller's input (over a limit, not enough stamps) is an answer, not a fault.
  if (error instanceof DomainError) return;
  // Spans leave the process: the same redaction as the log (tokens, secrets in messages).
  const exception = error instanceof Error ? { name: error.name, message: redact(error.message), stack: error.stack && redact(error.stack) } : redact(String(error));
  span.recordException(exception);
  span.setStatus({ code: api.SpanStatusCode.ERROR });
}

/** Runs `fn` in a span named `name` (a child of the current one); an error ends it as failed. */
export async function traced<T>(name: string, attributes: SpanAttributes, fn: () => Promise<T>): Promise<T> {
  if (!active) return fn();
  const { api, tracer } = active;
  return tracer.startActiveSpan(name, { attributes: attributesOf(attributes) }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      failed(api, span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** What a request span learns once the request has been answered. */
export interface ServerSpanResult {
  route: string;
  status: number;
}

/**
 * Runs the handling of one HTTP request in a SERVER span, continuing the trace of a W3C
 * `traceparent` header. `fn` returns the route pattern and status; the span is named
 * `METHOD route` (never the raw path), and a 5xx marks it failed.
 */
export async function serverSpan(
  request: { method: string; path: string; header: (name: string) => string | undefined },
  fn: () => Promise<ServerSpanResult>,
): Promise<void> {
  if (!active) {
    await fn();
    return;
  }
  const { api, tracer } = active;
  const carrier = { traceparent: request.header('traceparent'), tracestate: request.header('tracestate') };
  const parent = api.propagation.extract(api.context.active(), carrier, {
    get: (from, key) => from[key as keyof typeof from],
    keys: (from) => Object.keys(from),
  });
  const attributes = { 'http.request.method': request.method, 'url.path': request.path };
  await tracer.startActiveSpan(request.method, { kind: api.SpanKind.SERVER, attributes }, parent, async (span) => {
    try {
      const { route, status } = await fn();
      span.updateName(`${request.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
      if (status >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
    } catch (error) {
      failed(api, span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
