import { auxiliaryFieldsOf, expiryDateText, isExpired } from '../domain/cards/card.rules.ts';
import { availableRewards, nextReward } from '../domain/customer-cards/progress.rules.ts';
import { displayStoreName } from '../domain/stores/store.service.ts';

/**
 * The pure mapping from a customer card to what its wallet pass shows. No certificates, no IO: the
 * Apple builder and the Google object both start from here, and tests check it without either.
 */

export interface PassSource {
  customerCard: { uuid: string; passToken: string; stampsCount: number };
  card: {
    name: string;
    cardColor: string;
    textColor: string;
    stampColor: string;
    stampsRequired: number;
    stripType: string;
    stripColor: string | null;
    stripPreset: string | null;
    headerText: string | null;
    /** Leal's newer card fields; absent ones take the card defaults. */
    stampBackgroundColor?: string | null;
    stripOpacity?: number;
    /** A list of texts (the stored JSON column). */
    auxiliaryFields?: unknown;
    expiresAt?: Date | null;
    showMemberField?: boolean;
    showStampsToRewardField?: boolean;
  };
  rewards: ReadonlyArray<{ id: number; name: string; stampsRequired: number; active: boolean; position: number }>;
  store: { name: string; storeName: string | null };
  /** The holder's first name, shown only on cards with `showMemberField` (see SECURITY.md). */
  holder?: { firstName: string };
  locations?: ReadonlyArray<{ name: string; latitude: number | null; longitude: number | null }>;
  /** The customer page of the card, shown as a link on the back of the pass. */
  pageUrl?: string;
}

export interface PassIdentity {
  passTypeIdentifier: string;
  teamIdentifier: string;
  /** `$PUBLIC_URL/wallet/apple`; devices append `/v1/...`. */
  webServiceURL: string;
}

export interface PassField {
  key: string;
  label: string;
  value: string;
  changeMessage?: string;
}

export interface PassContent {
  props: {
    serialNumber: string;
    description: string;
    organizationName: string;
    passTypeIdentifier: string;
    teamIdentifier: string;
    webServiceURL?: string;
    authenticationToken?: string;
    backgroundColor: string;
    foregroundColor: string;
    labelColor: string;
    logoText: string;
    sharingProhibited: boolean;
    /** Set on a pass served after the card expired. */
    voided?: boolean;
  };
  /** The card's `expiresAt`: Wallet shows the pass as expired from then on by itself. */
  expirationDate?: Date;
  headerFields: PassField[];
  primaryFields: PassField[];
  secondaryFields: PassField[];
  auxiliaryFields: PassField[];
  backFields: PassField[];
  barcode: { message: string; format: 'PKBarcodeFormatQR'; messageEncoding: 'iso-8859-1'; altText: string };
  locations: Array<{ latitude: number; longitude: number; relevantText: string }>;
  artwork: PassArtwork;
}

/** What the generated images depend on, and nothing else, so equal artwork can share cached PNGs. */
export interface PassArtwork {
  cardColor: string;
  stampColor: string;
  /** Background of the strip: the strip colour, a preset pattern, or the card colour. */
  strip: { kind: 'color'; color: string } | { kind: 'preset'; preset: string; color: string };
  stamps: { filled: number; total: number };
  /** A disc of this colour behind every stamp slot (`stampBackgroundColor`); null: none. */
  slotColor: string | null;
}

export interface RewardOutlook {
  label: string;
  value: string;
}

// Apple caps relevant locations per pass at ten.
const MAX_LOCATIONS = 10;
// passkit-generator (and Apple) refuse shorter authentication tokens.
const MIN_TOKEN_LENGTH = 16;

/** What the pass shows of the card's optional parts, as set by the card's switches and texts. */
export function passOptions(card: PassSource['card'], now: Date = new Date()) {
  const expiresAt = card.expiresAt ?? null;
  return {
    showMember: card.showMemberField ?? false,
    showStampsToReward: card.showStampsToRewardField ?? true,
    auxiliary: auxiliaryFieldsOf({ auxiliaryFields: card.auxiliaryFields }).filter((text) => text.trim() !== ''),
    expiresAt,
    expired: isExpired({ expiresAt }, now),
  };
}

export function toPassProps(source: PassSource, identity: PassIdentity, now: Date = new Date()): PassContent {
  const { customerCard, card, store } = source;
  const storeName = displayStoreName(store);
  const options = passOptions(card, now);
  const progress = stampProgress(customerCard.stampsCount, card.stampsRequired);
  const outlook = rewardOutlook(customerCard.stampsCount, card.stampsRequired, source.rewards);
  const member = options.showMember ? memberName(source) : '';
  const webService =
    customerCard.passToken.length >= MIN_TOKEN_LENGTH
      ? { webServiceURL: identity.webServiceURL, authenticationToken: customerCard.passToken }
      : {};
  return {
    props: {
      serialNumber: customerCard.uuid,
      description: `${storeName}: ${card.name}`,
      organizationName: storeName,
      passTypeIdentifier: identity.passTypeIdentifier,
      teamIdentifier: identity.teamIdentifier,
      ...webService,
      backgroundColor: toRgb(card.cardColor),
      foregroundColor: toRgb(card.textColor),
      labelColor: toRgb(card.textColor),
      logoText: storeName,
      sharingProhibited: true,
      ...(options.expired ? { voided: true } : {}),
    },
    ...(options.expiresAt ? { expirationDate: options.expiresAt } : {}),
    headerFields: [{ key: 'stamps', label: 'STAMPS', value: progress, changeMessage: 'Stamps: %@' }],
    primaryFields: [],
    secondaryFields: [
      ...(options.showStampsToReward ? [{ key: 'reward', label: outlook.label, value: outlook.value }] : []),
      ...(member ? [{ key: 'member', label: 'MEMBER', value: member }] : []),
    ],
    auxiliaryFields: options.auxiliary.map((value, i) => ({ key: `extra${i + 1}`, label: '', value })),
    backFields: backFields(source, storeName, options.expiresAt),
    barcode: { message: customerCard.uuid, format: 'PKBarcodeFormatQR', messageEncoding: 'iso-8859-1', altText: customerCard.uuid },
    locations: (source.locations ?? [])
      .filter((l): l is { name: string; latitude: number; longitude: number } => l.latitude !== null && l.longitude !== null)
      .slice(0, MAX_LOCATIONS)
      .map((l) => ({ latitude: l.latitude, longitude: l.longitude, relevantText: `${storeName} (${l.name}) is nearby` })),
    artwork: passArtwork(source),
  };
}

export function passArtwork(source: Pick<PassSource, 'card' | 'customerCard'>): PassArtwork {
  const { card } = source;
  const stripColor = card.stripType === 'color' && card.stripColor ? card.stripColor : card.cardColor;
  const background = blendHex(card.cardColor, stripColor, (card.stripOpacity ?? 100) / 100);
  // `image` strips have no upload in the reference API, so they fall back to the card colour.
  const strip: PassArtwork['strip'] =
    card.stripType === 'preset' && card.stripPreset
      ? { kind: 'preset', preset: card.stripPreset, color: card.cardColor }
      : { kind: 'color', color: background };
  return {
    cardColor: card.cardColor,
    stampColor: card.stampColor,
    strip,
    stamps: { filled: Math.min(source.customerCard.stampsCount, card.stampsRequired), total: card.stampsRequired },
    slotColor: card.stampBackgroundColor ?? null,
  };
}

/** `top` laid over `bottom` with `opacity` (0–1), as `#RRGGBB`: the strip colour over the card colour. */
export function blendHex(bottom: string, top: string, opacity: number): string {
  const channels = (hex: string) => [0, 2, 4].map((i) => Number.parseInt(hex.slice(1 + i, 3 + i), 16));
  const [b, t] = [channels(bottom), channels(top)];
  const mixed = t.map((value, i) => Math.round(value * opacity + b[i]! * (1 - opacity)));
  return `#${mixed.map((value) => value.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}

/** "4 / 8": the balance against the card's requirement; stamps beyond it are kept and shown. */
export function stampProgress(stampsCount: number, stampsRequired: number): string {
  return `${stampsCount} / ${stampsRequired}`;
}

/**
 * The reward line: the first reward the balance already covers, else the cheapest one still ahead
 * with the stamps it needs, else (no active rewards) the stamps left on the card.
 */
export function rewardOutlook(
  stampsCount: number,
  stampsRequired: number,
  rewards: PassSource['rewards'],
): RewardOutlook {
  const ready = availableRewards(stampsCount, rewards);
  if (ready[0]) return { label: 'REWARD READY', value: ready[0].name };
  const ahead = nextReward(stampsCount, rewards);
  if (ahead) {
    const missing = ahead.stampsRequired - stampsCount;
    return { label: 'NEXT REWARD', value: `${ahead.name} in ${missing} ${missing === 1 ? 'stamp' : 'stamps'}` };
  }
  const left = Math.max(0, stampsRequired - stampsCount);
  return left === 0
    ? { label: 'CARD', value: 'Complete' }
    : { label: 'TO GO', value: `${left} ${left === 1 ? 'stamp' : 'stamps'}` };
}

/** Apple's classic `rgb(r, g, b)` form, which every iOS version reads; `#RRGGBB` input. */
export function toRgb(hex: string): string {
  const match = /^#?([0-9a-f]{6})$/i.exec(hex);
  const n = match ? Number.parseInt(match[1]!, 16) : 0;
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

function backFields(source: PassSource, storeName: string, expiresAt: Date | null): PassField[] {
  const active = source.rewards
    .filter((r) => r.active)
    .sort((a, b) => a.position - b.position || a.stampsRequired - b.stampsRequired || a.id - b.id);
  const fields: PassField[] = [{ key: 'card', label: 'CARD', value: source.card.name }];
  if (source.card.headerText) fields.push({ key: 'about', label: 'ABOUT', value: source.card.headerText });
  if (active.length > 0) {
    fields.push({
      key: 'rewards',
      label: 'REWARDS',
      value: active.map((r) => `${r.name}: ${r.stampsRequired} ${r.stampsRequired === 1 ? 'stamp' : 'stamps'}`).join('\n'),
    });
  }
  if (expiresAt) fields.push({ key: 'expires', label: 'VALID UNTIL', value: expiryDateText(expiresAt) });
  if (source.pageUrl) fields.push({ key: 'page', label: 'YOUR CARD ONLINE', value: source.pageUrl });
  fields.push({ key: 'store', label: 'STORE', value: storeName });
  fields.push({ key: 'number', label: 'CARD NUMBER', value: source.customerCard.uuid });
  return fields;
}

/**
 * The MEMBER field: the holder's first name and nothing more. Anyone who has seen a card's uuid can
 * download its pass, so a card that opts in reveals no surname or contact detail.
 */
export function memberName(source: Pick<PassSource, 'holder'>): string {
  return source.holder?.firstName.trim() ?? '';
}
