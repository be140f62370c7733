import { z } from '@hono/zod-openapi';
import { storeSummary } from '../../domain/stores/store-summary.ts';
import { getStore, updateStore } from '../../domain/stores/store.service.ts';
import { Attributes, NullableText, Text } from '../fields.ts';
import { camelKeys } from '../http.ts';
import { presentStore, StoreSchema } from '../presenters/store.ts';
import { defineRoute } from '../route.ts';

const AccountBody = z.object({
  account: Attributes({
    name: Text().optional().openapi({ description: 'Internal account name' }),
    store_name: NullableText().optional().openapi({ description: 'Public-facing name; empty or null clears it' }),
    time_zone: Text()
      .optional()
      .openapi({ description: 'IANA time zone name (default UTC); days of `max_stamps_per_day` begin at its midnight', example: 'Europe/Berlin' }),
  }),
});

export const accountRoutes = [
  defineRoute({
    method: 'get',
    path: '/accounts',
    operationId: 'listAccounts',
    tag: 'Stores',
    summary: 'List the stores the token can access (its own store)',
    success: { status: 200, description: 'Array of stores', schema: z.array(StoreSchema) },
    errors: [],
    handle: async ({ runtime, actor }) => {
      const store = await getStore(runtime.deps, actor);
      return [presentStore(store, await storeSummary(runtime.deps, actor))];
    },
  }),
  defineRoute({
    method: 'get',
    path: '/accounts/{id}',
    operationId: 'getAccount',
    tag: 'Stores',
    summary: 'Show a store with its counts',
    resource: 'Store',
    success: { status: 200, description: 'The store', schema: StoreSchema },
    errors: [404],
    handle: async ({ runtime, actor, params }) => {
      const store = await getStore(runtime.deps, actor, params.id);
      return presentStore(store, await storeSummary(runtime.deps, actor));
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/accounts/{id}',
    operationId: 'updateAccount',
    tag: 'Stores',
    summary: 'Update a store’s names and time zone',
    resource: 'Store',
    body: AccountBody,
    wrapper: 'account',
    success: { status: 200, description: 'The updated store', schema: StoreSchema },
    errors: [400, 404, 415, 422],
    handle: async ({ runtime, actor, params, body }) => {
      const store = await updateStore(runtime.deps, actor, params.id, camelKeys(body.account));
      return presentStore(store, await storeSummary(runtime.deps, actor));
    },
  }),
];
