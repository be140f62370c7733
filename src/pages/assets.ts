import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Hono } from 'hono';
import { PUBLIC_PATHS } from '../links.ts';

/**
 * The pages' static files (browser modules, the stylesheet, the icon sprite), read once at start from
 * `assets/` beside this file: nothing is built, the files are served as written. Only names found
 * there are served, so a request path never reaches the file system.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  version: string;
}

const directory = new URL('./assets/', import.meta.url);

const assets: ReadonlyMap<string, Asset> = new Map(
  readdirSync(directory)
    .filter((name) => CONTENT_TYPES[extname(name)])
    .map((name) => {
      const body = readFileSync(new URL(name, directory));
      const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
      return [name, { body: new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), contentType: CONTENT_TYPES[extname(name)]!, version }] as const;
    }),
);

/** The URL of an asset with its content version, which lets browsers keep it until the file changes. */
export function assetUrl(name: string): string {
  const asset = assets.get(name);
  if (!asset) throw new Error(`no page asset ${name}`);
  return `${PUBLIC_PATHS.assets}/${name}?v=${asset.version}`;
}

export function mountAssets(app: Hono): void {
  app.get(`${PUBLIC_PATHS.assets}/:name`, (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.text('Not found', 404);
    const etag = `"${asset.version}"`;
    // A versioned URL never changes; an unversioned one (a module's own imports) is revalidated.
    const cacheControl = c.req.query('v') === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache';
    const headers = { etag, 'cache-control': cacheControl, 'x-content-type-options': 'nosniff' };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.body(asset.body, 200, { ...headers, 'content-type': asset.contentType });
  });
}
