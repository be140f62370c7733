import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'node:http';
import compression from 'compression';

type NodeMiddleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;
type HeaderView = Pick<ServerResponse, 'getHeader'>;

/** Answers that must reach the client as they are written: a compressor would hold events back. */
function isStream(response: HeaderView): boolean {
  return String(response.getHeader('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
}

/** The compressor's own choice of answers (by type), less the streams. */
function compressible(request: IncomingMessage, response: HeaderView): boolean {
  return !isStream(response) && compression.filter(request as never, response as never);
}

// As the compressor reads them: it leaves `no-transform` answers alone and negotiates only these names.
const NO_TRANSFORM = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;
const ENCODING_IT_USES = /br|gzip|deflate|\*/i;

/**
 * Whether the compressor could pick an encoding for this request. It sends the answer as it is when
 * `Accept-Encoding` is missing or empty, and when it names none of br, gzip, deflate or `*`; a header
 * naming one of them (whatever its q-value) is left for the compressor to weigh.
 */
function mayCompress(request: IncomingMessage): boolean {
  return ENCODING_IT_USES.test(request.headers['accept-encoding'] ?? '');
}

function headerIn(headers: OutgoingHttpHeaders, name: string): string | undefined {
  for (const key in headers) if (key.length === name.length && key.toLowerCase() === name) return key;
  return undefined;
}

/** A `Vary` value that names Accept-Encoding, as the compressor's `vary` leaves it. */
function varyingOnEncoding(value: unknown): string {
  const current = Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value);
  const fields = current.split(',').map((field) => field.trim().toLowerCase());
  if (fields.includes('*')) return '*';
  if (fields.includes('accept-encoding')) return current;
  return current ? `${current}, Accept-Encoding` : 'Accept-Encoding';
}

/**
 * For a request the compressor would send uncompressed anyway: gives its answer the `Vary:
 * Accept-Encoding` the compressor would have (on every compressible answer, whatever its size, so a
 * shared cache never hands this copy to a client that asked for a compressed one), without the
 * compressor's wrapping of the response. Headers given to `writeHead` count as the compressor sees
 * them; a plain record (what @hono/node-server passes) is read in place rather than set one by one.
 */
function varyAsCompressorWould(request: IncomingMessage, response: ServerResponse): void {
  const writeHead = response.writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
  response.writeHead = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    const at = typeof args[1] === 'string' ? 2 : 1;
    let headers = args[at] as OutgoingHttpHeaders | unknown[] | undefined;
    if (Array.isArray(headers)) {
      // Raw pairs: put them on the response as writeHead would (replacing, duplicates kept), then decide.
      for (let i = 0; i < headers.length; i += 2) this.removeHeader(String(headers[i]));
      for (let i = 0; i < headers.length; i += 2) this.appendHeader(String(headers[i]), headers[i + 1] as string);
      headers = undefined;
      args.length = at;
    }
    const given = headers;
    const view: HeaderView = {
      getHeader: (name) => {
        const key = given && headerIn(given, name.toLowerCase());
        return key === undefined ? this.getHeader(name) : given?.[key];
      },
    };
    if (compressible(request, view) && !NO_TRANSFORM.test(String(view.getHeader('cache-control') ?? ''))) {
      if (given) {
        const key = headerIn(given, 'vary') ?? 'Vary';
        args[at] = { ...given, [key]: varyingOnEncoding(view.getHeader('vary')) };
      } else {
        this.setHeader('Vary', varyingOnEncoding(this.getHeader('vary')));
      }
    }
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
}

/**
 * Compresses answers (brotli, gzip or deflate, whichever the client prefers among those it accepts)
 * at the Node level, under the whole app, so REST, GraphQL, the wallet and the pages are alike. It is
 * the `compression` package rather than Hono's `compress`, which has no brotli (CompressionStream on
 * Node 20 has none). Server-sent events are left alone, unbuffered; answers under 1 KiB and those
 * that arrive encoded already (GraphiQL, compressed once, see graphql/graphiql.ts) pass as they are.
 * A request accepting none of its encodings (many API clients send no Accept-Encoding) is not wrapped
 * at all: its answer only gets the compressor's `Vary`.
 */
export function withCompression(listener: RequestListener): RequestListener {
  const compress = compression({ filter: (request, response) => compressible(request, response as never) }) as unknown as NodeMiddleware;
  return (request, response) => {
    if (mayCompress(request)) return compress(request, response, () => listener(request, response));
    varyAsCompressorWould(request, response);
    return listener(request, response);
  };
}
