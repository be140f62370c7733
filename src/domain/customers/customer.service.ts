import { assertPerformAction } from '../../auth/policy.ts';
import { randomBytes } from 'node:crypto';
import type { Tx } from '../../db/client.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import { cardExpired, isExpired } from '../cards/card.rules.ts';
import { type CardRow, getCard } from '../cards/card.service.ts';
import type { Actor, Deps } from '../context.ts';
import { detailInclude } from '../customer-cards/customer-card.queries.ts';
import { DomainError, ErrorCode, FieldErrorCollector, notFound } from '../errors.ts';
import { checkIdempotencyKey, idempotent, isUniqueViolation, recordKey } from '../idempotency.ts';
import { type AppendedEvents, announceLogged, appendEvents } from '../ledger/event-log.ts';
import { EventType } from '../ledger/event-types.ts';
import { announce, type LedgerPosting, postLedgerEntry } from '../ledger/ledger.ts';
import { presentCustomerCard } from '../presenters/customer-card.ts';
import { presentCustomer } from '../presenters/customer.ts';
import { checkIdInput, isDatabaseId } from '../validation.ts';
import {
  type CustomerDetails,
  type ExternalReferenceInput,
  normalizeEmail,
  normalizePhone,
  searchTextOf,
  validateDetails,
  validateExternalReferences,
  validateMetadata,
} from './customer.rules.ts';
import { customerSearchWhere } from './customer-search.ts';

export type CustomerRow = Prisma.CustomerGetPayload<object>;
export type CustomerCardRow = Prisma.CustomerCardGetPayload<object>;

export interface CustomerInput {
  firstName?: string;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  birthday?: string | null;
  metadata?: Record<string, unknown>;
  externalReferences?: ExternalReferenceInput[];
}

export interface CustomerQuery {
  search?: string;
  source?: string;
  externalId?: string;
  page?: number;
  items?: number;
}

export interface CustomerPage {
  customers: CustomerRow[];
  count: number;
  page: number;
  items: number;
  pages: number;
}

export const DEFAULT_PAGE_ITEMS = 20;
export const MAX_PAGE_ITEMS = 100;

export async function getCustomer(deps: Deps, actor: Actor, id: number): Promise<CustomerRow> {
  assertPerformAction(actor, 'customer.read');
  const customer = isDatabaseId(id) ? await deps.db.customer.findFirst({ where: { id, storeId: actor.storeId } }) : null;
  if (!customer) throw notFound('Customer');
  return customer;
}

/**
 * Lists a store's customers, oldest first. `search` matches part of the name, email or phone
 * (case-insensitive), or exactly a customer card's code or an external id; `source` with
 * `externalId` finds the one customer linked to that record of another system.
 */
export async function listCustomers(deps: Deps, actor: Actor, query: CustomerQuery): Promise<CustomerPage> {
  assertPerformAction(actor, 'customer.read');
  const errors = new FieldErrorCollector();
  const page = query.page ?? 1;
  const items = query.items ?? DEFAULT_PAGE_ITEMS;
  if (!Number.isInteger(page) || page < 1) errors.add('page', 'must be an integer greater than or equal to 1');
  if (!Number.isInteger(items) || items < 1 || items > MAX_PAGE_ITEMS) {
    errors.add('items', `must be an integer from 1 to ${MAX_PAGE_ITEMS}`);
  }
  if (query.externalId !== undefined && query.source === undefined) errors.add('externalId', 'must be combined with source');
  errors.throwIfAny();

  const where: Prisma.CustomerWhereInput = { storeId: actor.storeId, ...customerSearchWhere(query) };
  const [count, customers] = await Promise.all([
    deps.db.customer.count({ where }),
    deps.db.customer.findMany({ where, orderBy: { id: 'asc' }, skip: (page - 1) * items, take: items }),
  ]);
  return { customers, count, page, items, pages: Math.ceil(count / items) };
}

function detailsOf(input: CustomerInput, base?: CustomerRow): { details: CustomerDetails; touched: Set<string> } {
  const touched = new Set(Object.keys(input).filter((key) => input[key as keyof CustomerInput] !== undefined));
  const pick = <K extends keyof CustomerDetails>(key: K, normalize: (v: string) => string = (v) => v): CustomerDetails[K] => {
    const value = input[key];
    if (value === undefined) return (base?.[key] ?? null) as CustomerDetails[K];
    if (value === null || value === '') return null as CustomerDetails[K];
    return (typeof value === 'string' ? normalize(value) : value) as CustomerDetails[K];
  };
  // A null first name is kept as null so validation refuses it instead of silently keeping the old one.
  const firstName = input.firstName === undefined ? (base?.firstName ?? '') : input.firstName;
  return {
    details: {
      firstName: (typeof firstName === 'string' ? firstName.trim() : firstName) as string,
      lastName: pick('lastName', (v) => v.trim()),
      email: pick('email', normalizeEmail),
      phone: pick('phone', normalizePhone),
      birthday: pick('birthday'),
    },
    touched,
  };
}

/** Refuses an email or phone already used by another customer of the store. */
async function checkUnique(tx: Tx, actor: Actor, details: Pick<CustomerDetails, 'email' | 'phone'>, exceptId?: number): Promise<void> {
  const errors = new FieldErrorCollector();
  for (const field of ['email', 'phone'] as const) {
    const value = details[field];
    if (!value) continue;
    const other = await tx.customer.findFirst({
      where: { storeId: actor.storeId, [field]: value, ...(exceptId ? { id: { not: exceptId } } : {}) },
      select: { id: true },
    });
    if (other) errors.add(field, 'has already been taken');
  }
  if (!errors.empty) throw new DomainError(ErrorCode.TAKEN, 'Validation failed', errors.fields);
}

/** Refuses references already linked to a customer other than `customerId` (any customer when creating). */
async function checkReferencesFree(tx: Tx, actor: Actor, refs: ExternalReferenceInput[], customerId?: number): Promise<void> {
  for (const ref of refs) {
    const existing = await tx.externalReference.findUnique({
      where: { storeId_source_externalId: { storeId: actor.storeId, source: ref.source, externalId: ref.externalId } },
      select: { customerId: true },
    });
    if (existing && existing.customerId !== customerId) throw referenceTaken(ref);
  }
}

function referenceTaken(ref: ExternalReferenceInput): DomainError {
  return new DomainError(ErrorCode.TAKEN, 'Validation failed', {
    externalReferences: [`${ref.source} ${ref.externalId} is linked to another customer`],
  });
}

/** Links references to the customer; a reference already linked to another customer is refused. */
async function upsertReferences(tx: Tx, actor: Actor, customerId: number, refs: ExternalReferenceInput[]): Promise<void> {
  for (const ref of refs) {
    const existing = await tx.externalReference.findUnique({
      where: { storeId_source_externalId: { storeId: actor.storeId, source: ref.source, externalId: ref.externalId } },
    });
    if (existing && existing.customerId !== customerId) throw referenceTaken(ref);
    const metadata = (ref.metadata ?? {}) as Prisma.InputJsonObject;
    if (existing) {
      await tx.externalReference.update({ where: { id: existing.id }, data: { metadata } });
    } else {
      await tx.externalReference.create({
        data: { storeId: actor.storeId, customerId, source: ref.source, externalId: ref.externalId, metadata },
      });
    }
  }
}

interface RaceContext {
  deps: Deps;
  actor: Actor;
  details: Pick<CustomerDetails, 'email' | 'phone'>;
  refs: ExternalReferenceInput[];
  customerId?: number;
}

/**
 * Maps a unique-index race (two writes claiming one email, phone or reference at once) to the same
 * error the checks give. The winner has committed when the loser's insert fails, so re-running the
 * checks names the field that was lost.
 */
async function translateRace<T>(run: () => Promise<T>, race: RaceContext): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await checkUnique(race.deps.db, race.actor, race.details, race.customerId);
    await checkReferencesFree(race.deps.db, race.actor, race.refs, race.customerId);
    // The violation was on another index (an idempotency key): `idempotent` resolves that one.
    throw error;
  }
}

export interface CreateCustomerOptions {
  /** Enrol the new customer on this card, with its initial stamps. */
  cardId?: number;
  idempotencyKey?: string | null;
}

export interface CreatedCustomer {
  customer: CustomerRow;
  customerCard: CustomerCardRow | undefined;
}

/**
 * Creates a customer (first name and an email or phone, unique in the store), links its external
 * references, and optionally enrols it on a card, applying the card's initial stamps as a welcome
 * ledger entry. All in one transaction.
 */
export async function createCustomer(
  deps: Deps,
  actor: Actor,
  input: CustomerInput,
  options: CreateCustomerOptions = {},
): Promise<CreatedCustomer> {
  assertPerformAction(actor, 'customer.create', { cardId: options.cardId });
  const { details, touched } = detailsOf(input);
  const errors = new FieldErrorCollector();
  validateDetails(details, errors, new Set([...touched, 'firstName', 'email', 'phone']));
  validateMetadata(input.metadata, errors);
  validateExternalReferences(input.externalReferences, errors);
  const cardId = options.cardId ?? undefined;
  if (cardId !== undefined) checkIdInput(errors, 'cardId', cardId);
  errors.throwIfAny();
  const card = cardId === undefined ? undefined : await getCard(deps, actor, cardId);
  const key = checkIdempotencyKey(options.idempotencyKey);
  const request = key ? { key, operation: 'createCustomer', params: { input, cardId: cardId ?? null } } : undefined;
  const refs = input.externalReferences ?? [];
  const committed: Committed = { appended: [] };
  const created = await idempotent(
    deps.db,
    actor.storeId,
    request,
    () =>
      translateRace(
        () =>
          deps.db.$transaction(async (tx) => {
            // Checked here rather than up front, so a retry after the card was archived still replays.
            if (card?.archivedAt) throw archivedCard();
            if (card && isExpired(card)) throw cardExpired(card.expiresAt!, 'cardId', 'new customers');
            await checkUnique(tx, actor, details);
            const customer = await tx.customer.create({
              data: {
                storeId: actor.storeId,
                ...details,
                metadata: (input.metadata ?? {}) as Prisma.InputJsonObject,
                searchText: searchTextOf(details),
              },
            });
            await upsertReferences(tx, actor, customer.id, refs);
            committed.appended.push(await logCustomer(tx, deps, actor, EventType.CUSTOMER_CREATED, customer));
            const customerCard = card ? await issueCustomerCard(tx, deps, actor, customer.id, card, committed) : undefined;
            if (request) await recordKey(tx, actor.storeId, request, customer.id);
            return { customer, customerCard };
          }),
        { deps, actor, details, refs },
      ),
    async (customerId) => {
      // Read directly: the replay hands back what this actor created, which a sign-up may not otherwise read.
      const customer = await deps.db.customer.findFirstOrThrow({ where: { id: customerId, storeId: actor.storeId } });
      const customerCard =
        cardId === undefined
          ? undefined
          : ((await deps.db.customerCard.findFirst({ where: { customerId, cardId } })) ?? undefined);
      return { customer, customerCard };
    },
  );
  announceCommitted(deps, committed);
  return created;
}

/** Updates details (only those given); `metadata` is merged key by key; references are upserted. */
export async function updateCustomer(deps: Deps, actor: Actor, id: number, input: CustomerInput): Promise<CustomerRow> {
  assertPerformAction(actor, 'customer.update');
  const existing = await getCustomer(deps, actor, id);
  const { details, touched } = detailsOf(input, existing);
  const errors = new FieldErrorCollector();
  validateDetails(details, errors, touched);
  validateMetadata(input.metadata, errors);
  validateExternalReferences(input.externalReferences, errors);
  errors.throwIfAny();
  const refs = input.externalReferences ?? [];
  const committed: Committed = { appended: [] };
  const updated = await translateRace(
    () =>
      deps.db.$transaction(async (tx) => {
        await checkUnique(tx, actor, details, existing.id);
        await upsertReferences(tx, actor, existing.id, refs);
        const metadata = input.metadata
          ? ({ ...(existing.metadata as Record<string, unknown>), ...input.metadata } as Prisma.InputJsonObject)
          : undefined;
        const customer = await tx.customer.update({
          where: { id: existing.id },
          data: { ...details, searchText: searchTextOf(details), ...(metadata ? { metadata } : {}) },
        });
        committed.appended = [await logCustomer(tx, deps, actor, EventType.CUSTOMER_UPDATED, customer)];
        return customer;
      }),
    { deps, actor, details, refs, customerId: existing.id },
  );
  announceCommitted(deps, committed);
  return updated;
}

/** Enrols an existing customer on another card of the store, with the card's initial stamps. */
export async function enrolCustomer(
  deps: Deps,
  actor: Actor,
  customerId: number,
  cardId: number,
  idempotencyKey?: string | null,
): Promise<CustomerCardRow> {
  assertPerformAction(actor, 'customer.enrol', { cardId });
  const customer = await getCustomer(deps, actor, customerId);
  const errors = new FieldErrorCollector();
  checkIdInput(errors, 'cardId', cardId);
  errors.throwIfAny();
  const card = await getCard(deps, actor, cardId);
  const key = checkIdempotencyKey(idempotencyKey);
  const request = key ? { key, operation: 'enrolCustomer', params: { customerId, cardId } } : undefined;
  const committed: Committed = { appended: [] };
  const customerCard = await idempotent(
    deps.db,
    actor.storeId,
    request,
    async () => {
      if (card.archivedAt) throw archivedCard();
      if (isExpired(card)) throw cardExpired(card.expiresAt!, 'cardId', 'new customers');
      try {
        return await deps.db.$transaction(async (tx) => {
          const enrolled = await issueCustomerCard(tx, deps, actor, customer.id, card, committed);
          if (request) await recordKey(tx, actor.storeId, request, enrolled.id);
          return enrolled;
        });
      } catch (error) {
        // A concurrent enrolment of the same customer on the same card won; a concurrent retry with the
        // same idempotency key is resolved by `idempotent`, which replays the winner.
        if (isUniqueViolation(error)) throw alreadyEnrolled();
        throw error;
      }
    },
    async (id) => deps.db.customerCard.findUniqueOrThrow({ where: { id } }),
  );
  announceCommitted(deps, committed);
  return customerCard;
}

/** What a transaction wrote to the event log, to announce once it has committed. */
interface Committed {
  appended: AppendedEvents[];
  welcome?: LedgerPosting;
}

function announceCommitted(deps: Deps, committed: Committed): void {
  for (const appended of committed.appended) announceLogged(deps.logged, appended);
  if (committed.welcome) announce(deps, committed.welcome);
}

/** Logs a customer event with the customer as REST shows it at this point of the transaction. */
async function logCustomer(tx: Tx, deps: Deps, actor: Actor, type: EventType, customer: CustomerRow): Promise<AppendedEvents> {
  const [customerCards, externalReferences] = await Promise.all([
    tx.customerCard.findMany({ where: { customerId: customer.id }, include: detailInclude, orderBy: { id: 'asc' } }),
    tx.externalReference.findMany({ where: { customerId: customer.id }, orderBy: { id: 'asc' } }),
  ]);
  const stampCount = customerCards.reduce((sum, card) => sum + card.stampsCount, 0);
  const data = { customer: presentCustomer(deps, customer, { customerCards, externalReferences, stampCount }) };
  return appendEvents(tx, deps, actor.storeId, [{ type, customerId: customer.id, data }]);
}

/**
 * Issues a customer card: logs `customer_card.created` with the card as it starts (no stamps), then
 * gives the card's initial stamps through the ledger as a welcome entry. Resolves to the card as the
 * transaction leaves it.
 */
async function issueCustomerCard(
  tx: Tx,
  deps: Deps,
  actor: Actor,
  customerId: number,
  card: CardRow,
  committed: Committed,
): Promise<CustomerCardRow> {
  const existing = await tx.customerCard.findUnique({ where: { customerId_cardId: { customerId, cardId: card.id } } });
  if (existing) throw alreadyEnrolled();
  const customerCard = await tx.customerCard.create({
    data: { storeId: actor.storeId, customerId, cardId: card.id, passToken: randomBytes(24).toString('base64url') },
  });
  const rewards = await tx.reward.findMany({ where: { cardId: card.id }, orderBy: detailInclude.card.include.rewards.orderBy });
  const data = { customer_card: presentCustomerCard(deps, { ...customerCard, card: { ...card, rewards } }) };
  committed.appended.push(
    await appendEvents(tx, deps, actor.storeId, [
      { type: EventType.CUSTOMER_CARD_CREATED, customerId, customerCardId: customerCard.id, cardId: card.id, data },
    ]),
  );
  if (card.initialStamps <= 0) return customerCard;
  const welcome = await postLedgerEntry(tx, deps, actor, {
    kind: 'WELCOME',
    customerCardId: customerCard.id,
    card,
    rewards,
    stamps: card.initialStamps,
  });
  committed.welcome = welcome;
  const { card: _card, ...issued } = welcome.customerCard;
  return issued;
}

function archivedCard(): DomainError {
  return new DomainError(ErrorCode.CARD_ARCHIVED, 'The card is archived and takes no new customers', {
    cardId: ['is archived'],
  });
}

function alreadyEnrolled(): DomainError {
  return new DomainError(ErrorCode.ALREADY_ENROLLED, 'The customer already has this card', {
    cardId: ['is already enrolled'],
  });
}

