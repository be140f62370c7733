import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { BlockedAddressError, resolvePublicAddresses } from '../domain/webhooks/target-resolution.ts';
import { urlProblem } from '../domain/webhooks/target.rules.ts';
import { parseRetryAfter } from '../domain/webhooks/retry-policy.rules.ts';

/**
 * One webhook POST, with the limits a call to a stranger's server needs: a 10 s deadline for the
 * whole exchange, at most 4 KiB of the response read (the rest is dropped), redirects reported as
 * failures and never followed, and — unless private targets are allowed — the host resolved and
 * checked when the connection is made, with the connection going to the very address checked, so a
 * name that turned private since it was saved (DNS rebinding) is refused.
 */

export const DELIVERY_TIMEOUT_MS = 10_000;
export const RESPONSE_BODY_CAP = 4096;

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  allowPrivateUrls: boolean;
  timeoutMs?: number;
}

export interface PostResult {
  /** The receiver's status; null when no response came. */
  status: number | null;
  durationMs: number;
  /** Why the attempt failed (null on a 2xx). */
  error: string | null;
  /** The start of the response body, at most RESPONSE_BODY_CAP bytes. */
  responseBody: string;
  retryAfterMs?: number;
  /** The target resolved to an address webhooks may not reach. */
  blocked: boolean;
}

/** Resolves through resolvePublicAddresses, so the socket connects only to an address that passed. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  resolvePublicAddresses(hostname).then(
    (addresses) => {
      const family = options.family === 4 || options.family === 6 ? options.family : undefined;
      const usable = family ? addresses.filter((entry) => entry.family === family) : addresses;
      if (usable.length === 0) {
        callback(Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' }), '', 0);
      } else if (options.all) {
        (callback as unknown as (error: null, addresses: typeof usable) => void)(null, usable);
      } else {
        callback(null, usable[0]!.address, usable[0]!.family);
      }
    },
    (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
  );
};

function describe(error: unknown): string {
  if (error instanceof BlockedAddressError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

function isBlocked(error: unknown): boolean {
  // The lookup's error may reach us wrapped (as the cause of an aggregate of connection attempts).
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    if (current instanceof BlockedAddressError) return true;
    const inner = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner.some(isBlocked)) return true;
  }
  return false;
}

export function postWebhook(request: PostRequest): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: string, blocked = false): PostResult => ({
    status: null,
    durationMs: elapsed(),
    error,
    responseBody: '',
    blocked,
  });
  const problem = urlProblem(request.url, request.allowPrivateUrls);
  if (problem) return Promise.resolve(failed(`target URL ${problem}`, true));
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  const timeoutMs = request.timeoutMs ?? DELIVERY_TIMEOUT_MS;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const outgoing = client.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      // A fresh connection per delivery: a pooled socket would skip the address check of a new lookup.
      agent: false,
      ...(request.allowPrivateUrls ? {} : { lookup: guardedLookup }),
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      finish(failed(`no complete response within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    outgoing.on('error', (error) => finish(failed(describe(error), isBlocked(error))));
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const status = response.statusCode ?? null;
        const responseBody = Buffer.concat(chunks).subarray(0, RESPONSE_BODY_CAP).toString('utf8');
        let error: string | null = null;
        if (status === null || status < 200 || status >= 300) {
          const location = response.headers.location;
          error =
            status !== null && status >= 300 && status < 400
              ? `HTTP ${status}: redirects are not followed${location ? ` (Location: ${location})` : ''}`
              : `HTTP ${status}${responseBody ? `: ${responseBody.slice(0, 200)}` : ''}`;
        }
        const retryAfterMs = parseRetryAfter(response.headers['retry-after'], new Date());
        finish({ status, durationMs: elapsed(), error, responseBody, blocked: false, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
        response.destroy();
      };
      response.on('data', (chunk: Buffer) => {
        if (size >= RESPONSE_BODY_CAP) return;
        chunks.push(chunk);
        size += chunk.length;
        // Enough read: the status is what counts, and a receiver may not make us read without end.
        if (size >= RESPONSE_BODY_CAP) done();
      });
      response.on('end', done);
      response.on('error', (error) => finish(failed(describe(error))));
    });
    outgoing.end(request.body);
  });
}
