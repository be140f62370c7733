import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';
import type { GraphiQLOptions } from 'graphql-yoga';

const EXAMPLE_QUERY = `# Set the Authorization header below to "Bearer <your API token>".
# The schema and its documentation (the book icon) need no token.
query StoreOverview {
  store {
    displayStoreName
    cards(first: 10) {
      edges {
        node { id name stampsRequired rewards(first: 5) { edges { node { name stampsRequired } } } }
      }
    }
  }
}
`;

export const GRAPHIQL_OPTIONS: GraphiQLOptions = {
  title: 'Stampline GraphQL',
  headers: JSON.stringify({ Authorization: 'Bearer <your API token>' }, null, 2),
  // The token typed into the headers editor stays in the page: never in localStorage, where any
  // script of this origin (and anyone at the browser later) could read it. The till does the same.
  shouldPersistHeaders: false,
  defaultQuery: EXAMPLE_QUERY,
};

type Encoding = 'br' | 'gzip' | 'identity';

const compressors: Record<Exclude<Encoding, 'identity'>, (page: Buffer) => Promise<Buffer>> = {
  // Quality 9 of 11: within a few percent of the best at a tenth of its time, once per process.
  br: (page) => promisify(brotliCompress)(page, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: page.length } }),
  gzip: (page) => promisify(gzip)(page, { level: 9 }),
};

/**
 * GraphiQL, bundled whole into one HTML page of about 9 MB. Its module (the page as one string) is
 * imported by the first request for the page, not at start: held from start on, it would be about
 * 45 MiB of an idle gateway's memory that most processes never use (the import is about 0.45 s of CPU,
 * paid once by that request). Rendered once, and compressed once per
 * encoding (about 1.9 MB brotli, 2.4 MB gzip) on the first request that asks for it, in zlib's thread
 * pool: compressing it per request, as the general compression does for other answers, would cost
 * most of a second of CPU each time. Served with a weak ETag and `no-cache`, so a browser revalidates
 * and gets a bodiless 304 until the gateway is upgraded.
 */
export class GraphiQLPage {
  readonly #html: Buffer;
  readonly etag: string;
  readonly #encoded = new Map<Encoding, Promise<Buffer>>();

  static async load(options: GraphiQLOptions = GRAPHIQL_OPTIONS): Promise<GraphiQLPage> {
    const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
    return new GraphiQLPage(renderGraphiQL(options));
  }

  private constructor(html: string) {
    this.#html = Buffer.from(html);
    this.etag = `W/"${createHash('sha256').update(this.#html).digest('base64url').slice(0, 27)}"`;
    this.#encoded.set('identity', Promise.resolve(this.#html));
  }

  #body(encoding: Encoding): Promise<Buffer> {
    let body = this.#encoded.get(encoding);
    if (!body) {
      body = compressors[encoding as Exclude<Encoding, 'identity'>](this.#html);
      this.#encoded.set(encoding, body);
    }
    return body;
  }

  /** The page in the best encoding the request accepts (brotli before gzip), with its cache headers. */
  async respond(c: Context): Promise<Response> {
    const encoding = accepts(c, {
      header: 'Accept-Encoding',
      supports: ['br', 'gzip'],
      default: 'identity',
      match: (accepted) => {
        const q = (name: string) => accepted.find((a) => a.type.toLowerCase() === name)?.q ?? accepted.find((a) => a.type === '*')?.q ?? 0;
        if (q('br') > 0 && q('br') >= q('gzip')) return 'br';
        return q('gzip') > 0 ? 'gzip' : 'identity';
      },
    }) as Encoding;
    const headers: Record<string, string> = {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
      ETag: this.etag,
      Vary: 'Accept-Encoding',
    };
    if (encoding !== 'identity') headers['Content-Encoding'] = encoding;
    return new Response(new Uint8Array(await this.#body(encoding)), { status: 200, headers });
  }
}
