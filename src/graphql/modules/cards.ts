import { auxiliaryFieldsOf, MAX_AUXILIARY_FIELDS, MAX_AUXILIARY_LENGTH, type STRIP_TYPES, type StripType } from '../../domain/cards/card.rules.ts';
import { type CardInput, createCard, setCardArchived, updateCard } from '../../domain/cards/card.service.ts';
import { ownedBy } from '../../domain/visibility.ts';
import { builder, type InputFieldBuilder } from '../builder.ts';
import { connectionOf } from '../connections.ts';
import { UserError, unknownId } from '../errors.ts';
import { type Payload, reread, userErrorsFrom } from '../payloads.ts';
import { databaseIdOf } from '../global-ids.ts';
import { domainInput } from '../inputs.ts';
import { CustomerCardConnection, customerCardListArgs, customerCardListQuery } from './customer-cards.ts';
import { MAX_STAMP_COOLDOWN_SECONDS, MAX_STAMPS_PER_DAY_LIMIT } from '../../domain/customer-cards/stamp-limits.rules.ts';
import { RewardConnection } from './rewards.ts';

export const StripTypeEnum = builder.enumType('StripType', {
  description: 'What fills the strip behind the stamps on the pass.',
  values: {
    COLOR: { value: 'color', description: 'A plain colour (`stripColor`).' },
    IMAGE: { value: 'image', description: 'An image.' },
    PRESET: { value: 'preset', description: 'A built-in design (`stripPreset`).' },
  } as const satisfies Record<string, { value: (typeof STRIP_TYPES)[number]; description: string }>,
});

export const CardNode = builder.prismaNode('Card', {
  description: 'A stamp-card template of the store: its look and its rules. Customers hold copies of it (customer cards).',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: Number(id), ...ownedBy(ctx.actor) }),
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeInt('id', { description: 'The REST id.' }),
    name: t.exposeString('name', { description: 'Name of the card, e.g. "Coffee Loyalty Card".' }),
    cardColor: t.expose('cardColor', { type: 'HexColorCode', description: 'Background colour of the pass.' }),
    textColor: t.expose('textColor', { type: 'HexColorCode', description: 'Text colour of the pass.' }),
    stampIcon: t.exposeString('stampIcon', { description: 'Icon of a stamp, e.g. `coffee`, `heart`, `star`.' }),
    stampColor: t.expose('stampColor', { type: 'HexColorCode', description: 'Colour of the stamp icons.' }),
    stampsRequired: t.expose('stampsRequired', { type: 'PositiveInt', description: 'Stamps that complete the card (1–21).' }),
    initialStamps: t.expose('initialStamps', {
      type: 'NonNegativeInt',
      description: 'Stamps a new customer card starts with (a welcome bonus), below `stampsRequired`.',
    }),
    stripType: t.field({
      type: StripTypeEnum,
      description: 'What fills the strip behind the stamps.',
      // The card rules only ever store one of STRIP_TYPES.
      resolve: (card) => card.stripType as StripType,
    }),
    stripColor: t.expose('stripColor', {
      type: 'HexColorCode',
      nullable: true,
      description: 'Strip colour, used when `stripType` is COLOR.',
    }),
    stripPreset: t.exposeString('stripPreset', { nullable: true, description: 'Strip design, used when `stripType` is PRESET.' }),
    headerText: t.exposeString('headerText', { nullable: true, description: 'Optional header text on the pass.' }),
    stampBackgroundColor: t.expose('stampBackgroundColor', {
      type: 'HexColorCode',
      nullable: true,
      description: 'Colour behind each stamp slot on the pass; null draws the slots on the strip itself.',
    }),
    stripOpacity: t.expose('stripOpacity', {
      type: 'NonNegativeInt',
      description: 'How much of the strip colour covers the card colour, 0–100 (100: the strip colour alone).',
    }),
    auxiliaryFields: t.stringList({
      description: `Up to ${MAX_AUXILIARY_FIELDS} extra texts shown on the front of the pass.`,
      resolve: (card) => auxiliaryFieldsOf(card),
    }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the card expires: from then on it takes no stamps, redemptions or customers, and its passes are void. Null: never.',
    }),
    showMemberField: t.exposeBoolean('showMemberField', { description: "Whether the pass shows the holder's first name (off by default: a pass is reachable from the card's uuid)." }),
    showStampsToRewardField: t.exposeBoolean('showStampsToRewardField', {
      description: 'Whether the pass shows how many stamps the next reward still needs.',
    }),
    stampCooldownSeconds: t.exposeInt('stampCooldownSeconds', {
      description: 'Least seconds between two stamp operations on one customer card (`addStamps` refuses sooner ones with `TOO_SOON`); 0: off.',
    }),
    maxStampsPerDay: t.exposeInt('maxStampsPerDay', {
      nullable: true,
      description: "Most stamps one customer card takes per day of the store's `timeZone` (`addStamps` refuses more with `DAILY_LIMIT`); null: no limit.",
    }),
    archivedAt: t.expose('archivedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the card was archived; null while it is in use.',
    }),
    rewardsCount: t.int({
      description: 'Number of rewards of the card, inactive ones included.',
      resolve: (card, _args, ctx) => ctx.loaders.rewardsCountByCard.load(card.id),
    }),
    customerCardsCount: t.int({
      description: 'Number of customer cards issued from this card.',
      resolve: (card, _args, ctx) => ctx.loaders.customerCardsCountByCard.load(card.id),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the card was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the card was last changed.' }),
    rewards: t.relatedConnection('rewards', {
      description: 'The rewards of the card, in display order (`position`).',
      cursor: 'id',
      totalCount: true,
      args: {
        active: t.arg.boolean({ description: 'true: only active rewards; false: only inactive ones; omitted: all.' }),
      },
      query: ({ active }) => ({
        where: active == null ? {} : { active },
        orderBy: [{ position: 'asc' }, { id: 'asc' }],
      }),
    }, RewardConnection),
    customerCards: t.relatedConnection('customerCards', {
      description: 'The customer cards issued from this card, oldest first unless `orderBy` says otherwise.',
      cursor: 'id',
      totalCount: true,
      args: customerCardListArgs(t.arg),
      query: customerCardListQuery,
    }, CustomerCardConnection),
  }),
});

export const CardConnection = connectionOf(CardNode, 'Card', 'cards');

/** The attributes both createCard and updateCard take; validated by the card rules, not by GraphQL. */
const cardAttributes = (t: InputFieldBuilder) => ({
  cardColor: t.string({ description: 'Background colour, `#RRGGBB`.' }),
  textColor: t.string({ description: 'Text colour, `#RRGGBB`.' }),
  stampIcon: t.string({ description: 'Icon name of lowercase letters, digits, `-` or `_`.' }),
  stampColor: t.string({ description: 'Stamp colour, `#RRGGBB`.' }),
  stampsRequired: t.int({ description: 'Stamps that complete the card, 1–21.' }),
  initialStamps: t.int({ description: 'Stamps a new customer card starts with, 0 to `stampsRequired` − 1.' }),
  stripType: t.field({ type: StripTypeEnum, description: 'What fills the strip behind the stamps.' }),
  stripColor: t.string({ description: 'Strip colour, `#RRGGBB`; null clears it.' }),
  stripPreset: t.string({ description: 'Strip design name; null clears it.' }),
  headerText: t.string({ description: 'Header text, up to 100 characters; null clears it.' }),
  stampBackgroundColor: t.string({ description: 'Colour behind each stamp slot, `#RRGGBB`; null clears it.' }),
  stripOpacity: t.int({ description: 'Opacity of the strip colour over the card colour, 0–100.' }),
  auxiliaryFields: t.stringList({
    description: `Up to ${MAX_AUXILIARY_FIELDS} extra texts for the front of the pass, each up to ${MAX_AUXILIARY_LENGTH} characters; blank ones are ignored; null or [] clears them.`,
  }),
  expiresAt: t.string({
    description: 'ISO 8601 time the card expires (a date alone means its midnight UTC); null: never expires.',
  }),
  showMemberField: t.boolean({ description: "Whether the pass shows the holder's first name (off by default: a pass is reachable from the card's uuid)." }),
  showStampsToRewardField: t.boolean({ description: 'Whether the pass shows the stamps still needed for the next reward.' }),
  stampCooldownSeconds: t.int({
    description: `Least seconds between two stamp operations on one customer card, 0–${MAX_STAMP_COOLDOWN_SECONDS}; 0 (the default) is off.`,
  }),
  maxStampsPerDay: t.int({
    description: `Most stamps one customer card takes per day of the store's \`timeZone\`, 1–${MAX_STAMPS_PER_DAY_LIMIT}; null (the default) is no limit.`,
  }),
});

const CreateCardInput = builder.inputType('CreateCardInput', {
  description: 'A new card. Omitted attributes take the defaults documented in docs/graphql.md.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Name of the card, up to 100 characters.' }),
    ...cardAttributes(t),
    idempotencyKey: t.string({ description: 'Makes a retry return the first result instead of creating a second card.' }),
  }),
});

const UpdateCardInput = builder.inputType('UpdateCardInput', {
  description: 'Changes to a card; omitted fields stay as they are. Lowering `stampsRequired` keeps every stamp customers hold.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'Global id of the card.' }),
    name: t.string({ description: 'Name of the card, up to 100 characters.' }),
    ...cardAttributes(t),
  }),
});

const CardIdInput = (name: string, description: string) =>
  builder.inputType(name, {
    description,
    fields: (t) => ({ id: t.id({ required: true, description: 'Global id of the card.' }) }),
  });

const ArchiveCardInput = CardIdInput('ArchiveCardInput', 'The card to archive.');
const UnarchiveCardInput = CardIdInput('UnarchiveCardInput', 'The card to bring back into use.');

const cardPayload = (name: string, description: string) =>
  builder.objectRef<Payload<{ cardId: number }>>(name).implement({
    description,
    fields: (t) => ({
      card: t.prismaField({
        type: 'Card',
        nullable: true,
        description: 'The card as it is now; null when the input was refused.',
        resolve: (query, payload, _args, ctx) =>
          reread(query, payload.cardId, (args) => ctx.deps.db.card.findUnique(args)),
      }),
      store: t.prismaField({
        type: 'Store',
        nullable: true,
        description: 'The store as it is now (its `cards` included), so cached lists update; null when the input was refused.',
        resolve: (query, payload, _args, ctx) =>
          reread(query, payload.cardId && ctx.actor.storeId, (args) => ctx.deps.db.store.findUnique(args)),
      }),
      userErrors: t.field({ type: [UserError], description: 'Why the input was refused; empty on success.', resolve: (p) => p.userErrors }),
    }),
  });

function cardIdFrom(globalId: string | number): number {
  const id = databaseIdOf('Card', String(globalId));
  if (id === undefined) throw unknownId('Card', 'id');
  return id;
}

const notFound = { Card: 'id' };

builder.mutationField('createCard', (t) =>
  t.field({
    nullable: true,
    type: cardPayload('CreateCardPayload', 'Result of `createCard`.'),
    description: 'Creates a card (REST `POST /cards`).',
    args: { input: t.arg({ type: CreateCardInput, required: true, description: 'The new card.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(async () => {
        const { idempotencyKey, ...attributes } = input;
        const card = await createCard(ctx.deps, ctx.actor, domainInput<CardInput>(attributes), idempotencyKey);
        return { cardId: card.id };
      }),
  }),
);

builder.mutationField('updateCard', (t) =>
  t.field({
    nullable: true,
    type: cardPayload('UpdateCardPayload', 'Result of `updateCard`.'),
    description: 'Changes a card (REST `PATCH /cards/:id`).',
    args: { input: t.arg({ type: UpdateCardInput, required: true, description: 'The card and what to change.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(async () => {
        const { id, ...attributes } = input;
        const card = await updateCard(ctx.deps, ctx.actor, cardIdFrom(id), domainInput<CardInput>(attributes));
        return { cardId: card.id };
      }, notFound),
  }),
);

builder.mutationField('archiveCard', (t) =>
  t.field({
    nullable: true,
    type: cardPayload('ArchiveCardPayload', 'Result of `archiveCard`.'),
    description:
      'Archives a card: hidden from default listings, history kept, no new stamps or enrolments. Archiving an archived card changes nothing.',
    args: { input: t.arg({ type: ArchiveCardInput, required: true, description: 'The card to archive.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(async () => {
        const card = await setCardArchived(ctx.deps, ctx.actor, cardIdFrom(input.id), true);
        return { cardId: card.id };
      }, notFound),
  }),
);

builder.mutationField('unarchiveCard', (t) =>
  t.field({
    nullable: true,
    type: cardPayload('UnarchiveCardPayload', 'Result of `unarchiveCard`.'),
    description: 'Brings an archived card back into use. Unarchiving a card in use changes nothing.',
    args: { input: t.arg({ type: UnarchiveCardInput, required: true, description: 'The card to restore.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(async () => {
        const card = await setCardArchived(ctx.deps, ctx.actor, cardIdFrom(input.id), false);
        return { cardId: card.id };
      }, notFound),
  }),
);
