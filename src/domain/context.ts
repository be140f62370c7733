import type { Db } from '../db/client.ts';
import type { EventBus } from './events.ts';
import type { WebhookSettings } from './webhooks/settings.ts';

/** Which API a write came through; recorded on every ledger entry. */
export const WriteSource = { REST: 'REST', GRAPHQL: 'GRAPHQL', SYSTEM: 'SYSTEM' } as const;
export type WriteSource = (typeof WriteSource)[keyof typeof WriteSource];

/** Who is acting: an API token's store, through one API. Every service is scoped by it. */
export interface Actor {
  storeId: number;
  source: WriteSource;
}

/** What the services need from the running gateway; built once at start. */
export interface Deps {
  db: Db;
  events: EventBus;
  webhooks: WebhookSettings;
}
