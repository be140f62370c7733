import { z } from '@hono/zod-openapi';
import { cardCounts } from '../../domain/cards/card-counts.ts';
import { MAX_AUXILIARY_FIELDS, MAX_AUXILIARY_LENGTH, MAX_STAMPS_REQUIRED, STRIP_TYPES } from '../../domain/cards/card.rules.ts';
import {
  type CardInput,
  type CardRow,
  CardScope,
  createCard,
  getCard,
  listCards,
  setCardArchived,
  updateCard,
} from '../../domain/cards/card.service.ts';
import type { Actor, Deps } from '../../domain/context.ts';
import { Attributes, Bool, Int, List, NullableInt, NullableText, Text } from '../fields.ts';
import { MAX_STAMP_COOLDOWN_SECONDS, MAX_STAMPS_PER_DAY_LIMIT } from '../../domain/customer-cards/stamp-limits.rules.ts';
import { camelKeys } from '../http.ts';
import { CardSchema, presentCard } from '../presenters/card.ts';
import { defineRoute } from '../route.ts';

const HEX = '^#[0-9A-Fa-f]{6}$';
const color = (description: string) => Text().optional().openapi({ pattern: HEX, example: '#6B4226', description });

const cardAttributes = {
  name: Text().optional().openapi({ description: 'Card name (required on create)', example: 'Coffee Loyalty Card' }),
  card_color: color('Hex colour for the card background'),
  text_color: color('Hex colour for card text'),
  stamp_icon: Text().optional().openapi({ description: 'Stamp icon identifier', example: 'coffee' }),
  stamp_color: color('Hex colour for stamp icons'),
  stamps_required: Int()
    .optional()
    .openapi({ description: `Number of stamps needed (1–${MAX_STAMPS_REQUIRED})`, minimum: 1, maximum: MAX_STAMPS_REQUIRED }),
  initial_stamps: Int().optional().openapi({ description: 'Pre-filled stamps (>= 0 and < stamps_required)', minimum: 0 }),
  strip_type: Text().optional().openapi({ enum: [...STRIP_TYPES], description: 'Strip image type' }),
  strip_color: NullableText().optional().openapi({ description: 'Hex colour for the strip', pattern: HEX }),
  strip_preset: NullableText().optional().openapi({ description: 'Preset strip image identifier' }),
  header_text: NullableText().optional().openapi({ description: 'Optional header text displayed on the card' }),
  stamp_background_color: NullableText()
    .optional()
    .openapi({ description: 'Hex colour behind each stamp slot on the pass; null draws the slots on the strip', pattern: HEX }),
  strip_opacity: Int().optional().openapi({ description: 'Opacity of the strip colour over the card colour, 0–100 (default 100)', minimum: 0, maximum: 100 }),
  auxiliary_fields: List(NullableText())
    .nullable()
    .optional()
    .openapi({
      description: `Up to ${MAX_AUXILIARY_FIELDS} extra texts on the front of the pass, each up to ${MAX_AUXILIARY_LENGTH} characters; blank ones are ignored, null or [] clears them`,
    }),
  expires_at: NullableText()
    .optional()
    .openapi({ description: 'ISO 8601 time the card expires (a date alone: its midnight UTC); null: never. See docs/rest-api.md', example: '2027-12-31T23:59:59Z' }),
  show_member_field: Bool().optional().openapi({ description: "Whether the pass shows the holder's name (default true)" }),
  show_stamps_to_reward_field: Bool().optional().openapi({ description: 'Whether the pass shows the stamps still needed for the next reward (default true)' }),
  stamp_cooldown_seconds: Int()
    .optional()
    .openapi({
      description: `Least seconds between two stamp operations on one customer card, 0–${MAX_STAMP_COOLDOWN_SECONDS}; 0 (the default) is off`,
      minimum: 0,
      maximum: MAX_STAMP_COOLDOWN_SECONDS,
    }),
  max_stamps_per_day: NullableInt()
    .optional()
    .openapi({
      description: `Most stamps one customer card takes per store-local day (the account's time_zone), 1–${MAX_STAMPS_PER_DAY_LIMIT}; null (the default) is no limit`,
      minimum: 1,
      maximum: MAX_STAMPS_PER_DAY_LIMIT,
    }),
};

const CreateCardBody = z.object({ card: Attributes(cardAttributes) });
const UpdateCardBody = z.object({
  card: Attributes({
    ...cardAttributes,
    archived: Bool()
      .optional()
      .openapi({ description: 'Stampline extension: true archives the card (hidden from the default list, no new stamps), false restores it' }),
  }),
});

const CardsQuery = z.object({
  scope: z
    .preprocess(
      (value) => (value === '' ? undefined : value),
      z.enum(Object.values(CardScope) as [CardScope, ...CardScope[]], { error: 'must be one of: active, archived, all' }).optional(),
    )
    .openapi({ description: 'Which cards: `active` (default; blank means the same), `archived` or `all`' }),
});

/** The domain checks `strip_type` against its list; here it is any string. */
const cardInput = (attributes: object) => camelKeys(attributes) as CardInput;

async function present(deps: Deps, actor: Actor, cards: CardRow[]) {
  const counts = await cardCounts(deps, actor, cards.map((card) => card.id));
  return cards.map((card) => presentCard(card, counts.get(card.id)));
}

const base = '/accounts/{account_id}/cards';

export const cardRoutes = [
  defineRoute({
    method: 'get',
    path: base,
    operationId: 'listCards',
    tag: 'Cards',
    summary: 'List loyalty cards (unarchived unless `scope` says otherwise)',
    query: CardsQuery,
    success: { status: 200, description: 'Array of cards', schema: z.array(CardSchema) },
    errors: [404, 422],
    handle: async ({ runtime, actor, query }) =>
      present(runtime.deps, actor, await listCards(runtime.deps, actor, query.scope ?? CardScope.ACTIVE)),
  }),
  defineRoute({
    method: 'get',
    path: `${base}/{id}`,
    operationId: 'getCard',
    tag: 'Cards',
    summary: 'Show a card (archived ones too) with its reward and customer-card counts',
    resource: 'Card',
    success: { status: 200, description: 'The card', schema: CardSchema },
    errors: [404],
    handle: async ({ runtime, actor, params }) =>
      (await present(runtime.deps, actor, [await getCard(runtime.deps, actor, params.id)]))[0],
  }),
  defineRoute({
    method: 'post',
    path: base,
    operationId: 'createCard',
    tag: 'Cards',
    summary: 'Create a loyalty card',
    description: 'Omitted attributes take the defaults listed in docs/rest-api.md.',
    body: CreateCardBody,
    wrapper: 'card',
    idempotent: true,
    success: { status: 201, description: 'The new card', schema: CardSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, body, idempotencyKey }) => {
      const card = await createCard(runtime.deps, actor, cardInput(body.card), idempotencyKey);
      return (await present(runtime.deps, actor, [card]))[0];
    },
  }),
  defineRoute({
    method: 'patch',
    path: `${base}/{id}`,
    operationId: 'updateCard',
    tag: 'Cards',
    summary: 'Update a loyalty card; only the given attributes change',
    resource: 'Card',
    body: UpdateCardBody,
    wrapper: 'card',
    success: { status: 200, description: 'The updated card', schema: CardSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, params, body }) => {
      const { archived, ...attributes } = body.card;
      let card = await updateCard(runtime.deps, actor, params.id, cardInput(attributes));
      if (archived !== undefined) card = await setCardArchived(runtime.deps, actor, params.id, archived);
      return (await present(runtime.deps, actor, [card]))[0];
    },
  }),
];
