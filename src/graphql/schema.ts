import { builder } from './builder.ts';
import { applyFieldPolicy } from './field-policy.ts';
import { encodeNodeIdsSynchronously } from './node-ids.ts';
import './scalars.ts';
import './errors.ts';
import './connections.ts';
import './modules/root.ts';
import './modules/stores.ts';
import './modules/cards.ts';
import './modules/rewards.ts';
import './modules/customers.ts';
import './modules/customer-cards.ts';
import './modules/ledger.ts';
import './modules/stamp-events.ts';
import './modules/store-events.ts';
import './modules/webhooks.ts';
import './modules/access.ts';
import './modules/node.ts';

/** The GraphQL schema, built once per process. */
export const schema = applyFieldPolicy(encodeNodeIdsSynchronously(builder.toSchema({ sortSchema: true })));
