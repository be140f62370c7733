import type { Hono } from 'hono';
import type { Runtime } from '../runtime.ts';

/** Adds the wallet routes to the gateway. */
export function mountWallet(_app: Hono, _runtime: Runtime): void {}
