import type { Hono } from 'hono';
import type { Runtime } from '../runtime.ts';

/** Adds the rest routes to the gateway. */
export function mountRest(_app: Hono, _runtime: Runtime): void {}
