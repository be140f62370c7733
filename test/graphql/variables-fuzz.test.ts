import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  buildSchema,
  type GraphQLInputType,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
} from 'graphql';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { globalIdOf, type NodeType } from '../../src/graphql/global-ids.ts';
import { deeplyNested } from '../helpers/deep-json.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { type GraphQLResponse, postGraphQL } from '../helpers/graphql.ts';
import { repoRoot } from '../helpers/process.ts';
import { newStore, type TestStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { captureLog } from '../helpers/log.ts';

/**
 * Generated GraphQL variables, from the printed schema: every mutation's input and every argument of
 * the store's lookups get thousands of values, each mutation input carrying at least one bad field.
 * None may be answered with a 5xx or a masked internal error, and no bad input may change data.
 */

const t = useServer({ RATE_LIMIT_PER_MINUTE: '1000000' });
const schema = buildSchema(readFileSync(`${repoRoot}/schema.graphql`, 'utf8'));
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

let a: TestStore;
// Webhook subscriptions are left out: a fuzzed sendWebhookTest would call out to the internet; API
// tokens too: a fuzzed revokeApiToken could revoke the token the test runs with.
let ids: Record<Exclude<NodeType, 'Store' | 'Redemption' | 'WebhookSubscription' | 'ApiToken' | 'AuditLogEntry'>, number>;

beforeAll(async () => {
  a = await newStore(t.runtime);
  const deps = t.runtime.deps;
  const { card, rewards } = await seedCard(deps, a.actor, { name: 'Fuzz card' }, [{ name: 'Fuzz reward', stampsRequired: 1 }]);
  const { customer, customerCard } = await seedCustomerCard(deps, a.actor, card.id);
  const stamped = await addStamps(deps, a.actor, { customerCardId: customerCard.id, stamps: 1 });
  ids = { Card: card.id, Reward: rewards[0]!.id, Customer: customer.id, CustomerCard: customerCard.id, LedgerEntry: stamped.ledgerEntry.id };
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Everything the store holds, to prove bad input changed nothing. */
async function snapshot(): Promise<string> {
  const db = t.runtime.deps.db;
  const where = { storeId: a.actor.storeId };
  return JSON.stringify(
    await Promise.all([
      db.store.findMany({ where: { id: a.actor.storeId } }),
      db.card.findMany({ where }),
      db.reward.findMany({ where }),
      db.customer.findMany({ where }),
      db.customerCard.findMany({ where }),
      db.ledgerEntry.findMany({ where }),
      db.redemption.findMany({ where }),
      db.idempotencyKey.findMany({ where }),
      db.externalReference.findMany({ where }),
    ]),
  );
}

const NUL_TEXT = fc.string({ maxLength: 8 }).map((text) => `${text}\u0000${text}`);
const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  NUL_TEXT,
  fc.constantFrom('', ' ', 'Coffee', '#6B4226', '2024-01-01', "'; DROP TABLE cards; --", '%_\\', 'a'.repeat(300), 'x'.repeat(5000), 'x'.repeat(60_000)),
);
const anyId = () =>
  fc.oneof(
    fc.constantFrom(...(Object.entries(ids) as Array<[NodeType, number]>).map(([type, id]) => globalIdOf(type, id))),
    fc.constantFrom(...(Object.entries(ids) as Array<[NodeType, number]>).map(([, id]) => globalIdOf('Card', id + 1000))),
    fc.constantFrom(globalIdOf('Store', 1), globalIdOf('Card', 2 ** 31), globalIdOf('Card', -1), 'Q2FyZDox', 'Card:1', '1'),
    hostileText,
  );
const base64 = (text: string) => Buffer.from(text).toString('base64');
/** What a client might put in `after`/`before`: the plugin's old format with hostile payloads, other prefixes, garbage. */
const cursorShaped = fc.oneof(
  fc.constantFrom('NaN', '1e308', '-1', '0', '1.5', '9'.repeat(400), 'Infinity').map((n) => base64(`GPC:N:${n}`)),
  fc.integer({ min: 1, max: 2 ** 31 - 1 }).map((n) => base64(`GPC:N:${n}`)),
  fc.jsonValue({ maxDepth: 3 }).map((json) => base64(`GPC:O:${JSON.stringify(json)}`)),
  fc.jsonValue({ maxDepth: 3 }).map((json) => base64(`GPC:T:${JSON.stringify(json)}`)),
  fc.tuple(fc.constantFrom('S', 'I', 'D', 'B', 'M', 'Z', 'J', 'X', ''), fc.string({ maxLength: 20 })).map(([tag, rest]) => base64(`GPC:${tag}:${rest}`)),
  fc.tuple(fc.string({ maxLength: 6 }), fc.integer()).map(([prefix, n]) => base64(`${prefix}:N:${n}`)),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  fc.jsonValue({ maxDepth: 2 }).map((json) => JSON.stringify(json)),
  hostileText,
);
const wrongType = fc.oneof(fc.constant({}), fc.constant([]), fc.constant(true), fc.constant('not a number'), fc.double(), fc.constant({ nested: { a: 1 } }));

function scalarValue(type: GraphQLScalarType): fc.Arbitrary<unknown> {
  switch (type.name) {
    case 'String':
      return hostileText;
    case 'ID':
      return anyId();
    case 'Int':
    case 'PositiveInt':
    case 'NonNegativeInt':
      return fc.oneof(fc.integer({ min: -5, max: 25 }), fc.integer(), fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 1.5, Number.MAX_SAFE_INTEGER));
    case 'NonNegativeFloat':
      return fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(-1, 1e308));
    case 'Boolean':
      return fc.oneof(fc.boolean(), fc.constantFrom('true', 1, 0));
    case 'HexColorCode':
      return fc.oneof(fc.constantFrom('#6B4226', '#fff', 'red', '#GGGGGG'), hostileText);
    case 'DateTime':
    case 'LocalDate':
      return fc.oneof(fc.constantFrom('2024-02-30', '2999-01-01', '1900-01-01', '2024-01-01T00:00:00.000Z', 'yesterday'), hostileText);
    case 'JSONObject':
      return fc.oneof(
        fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
        fc.constant({ 'k\u0000': 'v' }),
        fc.constant({ k: ['v\u0000'] }),
        // Deeper than any rule allows, and deep enough to overflow a recursive walk.
        fc.constantFrom({ k: deeplyNested(21) }, { k: deeplyNested(5_000) }, { k: deeplyNested(100_000) }),
        fc.jsonValue({ maxDepth: 2 }),
      );
    default:
      throw new Error(`no generator for scalar ${type.name}: add one`);
  }
}

/** Paging cursors get cursor-shaped values besides everything a String can be. */
function argumentValue(arg: { name: string; type: GraphQLInputType }): fc.Arbitrary<unknown> {
  if (arg.name === 'after' || arg.name === 'before') return fc.oneof(cursorShaped, valueOf(arg.type));
  return valueOf(arg.type);
}

/** Values for `type`: mostly of the right GraphQL type, sometimes not, and sometimes null. */
function valueOf(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (type instanceof GraphQLNonNull) return fc.oneof({ weight: 9, arbitrary: valueOf(type.ofType, depth) }, { weight: 1, arbitrary: fc.constant(null) });
  const right = (() => {
    if (type instanceof GraphQLList) return fc.array(valueOf(type.ofType, depth + 1), { maxLength: 3 });
    if (type instanceof GraphQLEnumType) return fc.oneof(fc.constantFrom(...type.getValues().map((value) => value.name)), fc.constant('NOT_A_VALUE'));
    if (type instanceof GraphQLInputObjectType) return inputObject(type, depth + 1);
    if (type instanceof GraphQLScalarType) return scalarValue(type);
    throw new Error(`unexpected input type ${String(type)}`);
  })();
  return fc.oneof({ weight: 8, arbitrary: right }, { weight: 1, arbitrary: wrongType }, { weight: 1, arbitrary: fc.constant(null) });
}

function inputObject(type: GraphQLInputObjectType, depth: number): fc.Arbitrary<Record<string, unknown>> {
  if (depth > 3) return fc.constant({});
  const fields = Object.values(type.getFields());
  return fc.record(Object.fromEntries(fields.map((field) => [field.name, valueOf(field.type, depth)])), {
    requiredKeys: fields.filter((field) => field.type instanceof GraphQLNonNull).map((field) => field.name),
  });
}

/** A value no field accepts: NUL in text, garbage in an id, a wrong type anywhere else. */
function poisonFor(type: GraphQLInputType): fc.Arbitrary<unknown> {
  const named = type instanceof GraphQLNonNull ? type.ofType : type;
  if (named instanceof GraphQLScalarType && (named.name === 'String' || named.name === 'ID')) return NUL_TEXT;
  return fc.constantFrom({ wrong: 'type' }, 'not a value of this type');
}

/** An input of `type` with at least one field poisoned. */
function badInput(type: GraphQLInputObjectType): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.values(type.getFields());
  return fc
    .tuple(inputObject(type, 1), fc.constantFrom(...fields))
    .chain(([input, field]) => poisonFor(field.type).map((poison) => ({ ...input, [field.name]: poison })));
}

function expectNoServerError(response: GraphQLResponse, context: unknown) {
  const detail = JSON.stringify({ context, status: response.status, body: response.body });
  expect(response.status, detail).toBeLessThan(500);
  // A request refused before execution (variables that do not coerce) is a 400 with GraphQL's own
  // messages; an error during execution carries a code, never a masked internal one.
  if (response.status === 400) return expect(response.body.errors?.length, detail).toBeGreaterThan(0);
  for (const error of response.body.errors ?? []) {
    expect(error.extensions?.code, detail).toBeDefined();
    expect(error.extensions?.code, detail).not.toBe('INTERNAL_SERVER_ERROR');
  }
}

const mutations = Object.values(schema.getMutationType()!.getFields());

describe('generated GraphQL variables', () => {
  it.each(mutations.map((field) => [field.name, field] as const))(
    '%s: bad inputs are refused with userErrors or coded errors, and change nothing',
    async (name, field) => {
      const inputType = (field.args[0]!.type as GraphQLNonNull<GraphQLInputObjectType>).ofType;
      const query = `mutation Fuzz($input: ${inputType.name}!) { ${name}(input: $input) { userErrors { code field message } } }`;
      const before = await snapshot();
      await fc.assert(
        fc.asyncProperty(badInput(inputType), async (input) => {
          const response = await postGraphQL(t, query, { token: a.token, variables: { input } });
          expectNoServerError(response, input);
          const refused = (response.body.errors?.length ?? 0) > 0 || (response.body.data?.[name]?.userErrors?.length ?? 0) > 0;
          expect(refused, JSON.stringify({ input, body: response.body })).toBe(true);
        }),
        { numRuns: RUNS },
      );
      expect(await snapshot()).toBe(before);
    },
    120_000,
  );

  const store = schema.getType('Store') as unknown as { getFields(): Record<string, { name: string; args: readonly { name: string; type: GraphQLInputType }[] }> };
  const lookups = [
    ...Object.values(store.getFields())
      .filter((field) => field.args.length > 0)
      .map((field) => ({ name: `store.${field.name}`, root: 'store', field })),
    ...Object.values(schema.getQueryType()!.getFields())
      .filter((field) => field.args.length > 0)
      .map((field) => ({ name: field.name, root: undefined, field })),
  ];

  it.each(lookups.map((lookup) => [lookup.name, lookup] as const))('%s: any arguments are answered without a server error', async (_name, { root, field }) => {
    const declarations = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
    const call = `${field.name}(${field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ')}) { __typename }`;
    const query = `query Fuzz(${declarations}) { ${root ? `${root} { ${call} }` : call} }`;
    const before = await snapshot();
    const log = captureLog();
    await fc.assert(
      fc.asyncProperty(fc.record(Object.fromEntries(field.args.map((arg) => [arg.name, argumentValue(arg)]))), async (variables) => {
        expectNoServerError(await postGraphQL(t, query, { token: a.token, variables }), variables);
      }),
      { numRuns: RUNS },
    );
    expect(await snapshot()).toBe(before);
    // A client's mistake is logged in one line, never as an error with a stack.
    expect(log.lines.filter((line) => line.level === 'error' || 'err' in line)).toEqual([]);
  });
});
