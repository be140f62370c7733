import type { Hono } from 'hono';
import type { Runtime } from '../runtime.ts';
import { mountAppleRoutes } from './apple-routes.ts';
import { mountGoogleRoutes } from './google-routes.ts';
import { Wallet } from './wallet.ts';

/**
 * Adds the wallet routes to the gateway and starts the runtime's wallet (credentials, push clients,
 * outbox worker) if it is not running yet; the runtime stops it on close.
 */
export function mountWallet(app: Hono, runtime: Runtime): void {
  const wallet = Wallet.of(runtime);
  app.use('/wallet/*', ...wallet.limits.middleware());
  mountAppleRoutes(app, wallet);
  mountGoogleRoutes(app, wallet);
}
