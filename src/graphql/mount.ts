import type { Hono } from 'hono';
import type { Runtime } from '../runtime.ts';

/** Adds the graphql routes to the gateway. */
export function mountGraphQL(_app: Hono, _runtime: Runtime): void {}
