import { z } from '@hono/zod-openapi';
import type { Config } from '../../config.ts';
import type { Actor, Deps } from '../../domain/context.ts';
import { customerExtras } from '../../domain/customers/customer.queries.ts';
import {
  createCustomer,
  type CustomerInput,
  type CustomerRow,
  DEFAULT_PAGE_ITEMS,
  getCustomer,
  listCustomers,
  MAX_PAGE_ITEMS,
  updateCustomer,
} from '../../domain/customers/customer.service.ts';
import { Attributes, Bool, ForeignId, Id, Int, JsonObject, List, NullableText, Text } from '../fields.ts';
import { presentCustomer } from '../../domain/presenters/customer.ts';
import { CustomerPageSchema, CustomerSchema } from '../presenters/customer.ts';
import { defineRoute } from '../route.ts';

const ExternalReferenceInput = z.object(
  {
    source: Text().openapi({ description: 'Lowercase slug of the other system', example: 'square' }),
    external_id: ForeignId().openapi({ description: 'The customer’s id there', example: 'CUST-123' }),
    metadata: JsonObject().optional(),
  },
  { error: 'must be an object' },
);

const customerAttributes = {
  first_name: Text().optional().openapi({ description: 'Required on create' }),
  last_name: NullableText().optional(),
  email: NullableText().optional().openapi({ description: 'Unique in the store; an email or a phone is required' }),
  phone: NullableText().optional().openapi({ description: 'Unique in the store; an email or a phone is required' }),
  birthday: NullableText().optional().openapi({ format: 'date', example: '1990-04-01' }),
  metadata: JsonObject().optional().openapi({ description: 'Free-form; merged key by key on update' }),
  external_references: List(ExternalReferenceInput)
    .optional()
    .openapi({ description: 'Upserted by (source, external_id); references cannot be removed through the API' }),
};

const CreateCustomerBody = z.object({
  customer: Attributes(customerAttributes),
  card_id: Id().optional().openapi({ description: 'Enrol the new customer on this card, with its initial stamps' }),
  send_card_links: Bool()
    .optional()
    .openapi({ description: 'Accepted for compatibility; Stampline sends no email or SMS (the response carries the wallet URLs)' }),
});
const UpdateCustomerBody = z.object({ customer: Attributes(customerAttributes) });

const CustomersQuery = z.object({
  search: Text().optional().openapi({ description: 'Part of the name, email or phone (any case), or exactly a customer card uuid or an external id' }),
  source: Text().optional().openapi({ description: 'External system slug; with external_id, an exact lookup' }),
  external_id: Text().optional().openapi({ description: 'Needs source' }),
  page: Int().optional().openapi({ description: 'Page number, from 1 (default 1); a page past the last is empty' }),
  items: Int().optional().openapi({ description: `Customers per page, 1–${MAX_PAGE_ITEMS} (default ${DEFAULT_PAGE_ITEMS})` }),
});

type Attrs = z.output<ReturnType<typeof Attributes<typeof customerAttributes>>>;

function customerInput(attributes: Attrs): CustomerInput {
  const { first_name, last_name, email, phone, birthday, metadata, external_references } = attributes;
  return {
    firstName: first_name,
    lastName: last_name,
    email,
    phone,
    birthday,
    metadata,
    externalReferences: external_references?.map((ref) => ({
      source: ref.source,
      externalId: ref.external_id,
      ...(ref.metadata === undefined ? {} : { metadata: ref.metadata }),
    })),
  } as CustomerInput;
}

async function present(deps: Deps, config: Config, actor: Actor, customers: CustomerRow[]) {
  const extras = await customerExtras(deps, actor, customers.map((customer) => customer.id));
  return customers.map((customer) => presentCustomer(config, customer, extras.get(customer.id)));
}

const base = '/accounts/{account_id}/customers';

export const customerRoutes = [
  defineRoute({
    method: 'get',
    path: base,
    operationId: 'listCustomers',
    tag: 'Customers',
    summary: 'List, search or look up customers, oldest first, a page at a time',
    query: CustomersQuery,
    success: { status: 200, description: 'A page of customers', schema: CustomerPageSchema },
    errors: [404, 422],
    handle: async ({ runtime, actor, query }) => {
      const page = await listCustomers(runtime.deps, actor, {
        search: query.search,
        source: query.source,
        externalId: query.external_id,
        page: query.page,
        items: query.items,
      });
      return {
        customers: await present(runtime.deps, runtime.config, actor, page.customers),
        pagination: { count: page.count, items: page.items, page: page.page, pages: page.pages },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: `${base}/{id}`,
    operationId: 'getCustomer',
    tag: 'Customers',
    summary: 'Show a customer with all enrolled cards and their wallet URLs',
    resource: 'Customer',
    success: { status: 200, description: 'The customer', schema: CustomerSchema },
    errors: [404],
    handle: async ({ runtime, actor, params }) =>
      (await present(runtime.deps, runtime.config, actor, [await getCustomer(runtime.deps, actor, params.id)]))[0],
  }),
  defineRoute({
    method: 'post',
    path: base,
    operationId: 'createCustomer',
    tag: 'Customers',
    summary: 'Create a customer, optionally enrolled on a card (initial stamps applied)',
    body: CreateCustomerBody,
    wrapper: 'customer',
    idempotent: true,
    success: { status: 201, description: 'The new customer, with the new customer card in customer_cards', schema: CustomerSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, body, idempotencyKey }) => {
      const { customer } = await createCustomer(runtime.deps, actor, customerInput(body.customer), {
        ...(body.card_id === undefined ? {} : { cardId: body.card_id }),
        idempotencyKey,
      });
      return (await present(runtime.deps, runtime.config, actor, [customer]))[0];
    },
  }),
  defineRoute({
    method: 'patch',
    path: `${base}/{id}`,
    operationId: 'updateCustomer',
    tag: 'Customers',
    summary: 'Update a customer’s details (stamps go through customer cards)',
    resource: 'Customer',
    body: UpdateCustomerBody,
    wrapper: 'customer',
    success: { status: 200, description: 'The updated customer', schema: CustomerSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, params, body }) => {
      const customer = await updateCustomer(runtime.deps, actor, params.id, customerInput(body.customer));
      return (await present(runtime.deps, runtime.config, actor, [customer]))[0];
    },
  }),
];
