import { displayStoreName } from '../domain/stores/store.service.ts';
import { googlePassImageUrls } from '../links.ts';
import { memberName, passOptions, type PassSource, rewardOutlook, stampProgress } from './pass-model.ts';

/**
 * The pure mapping from a customer card to Google Wallet's loyalty class (one per card template) and
 * loyalty object (one per customer card). Google fetches images itself, so they are gateway URLs.
 * Both travel inside the save link's JWT, which Google asks to keep within 1800 characters, so only
 * fields that show something are set.
 */

export interface GoogleIds {
  issuerId: string;
  classPrefix: string;
  /** `$PUBLIC_URL`, for the image URLs. */
  publicUrl: string;
}

export interface LoyaltyClass {
  id: string;
  issuerName: string;
  programName: string;
  programLogo: GoogleImage;
  hexBackgroundColor: string;
  reviewStatus: 'UNDER_REVIEW';
}

export interface LoyaltyObject {
  id: string;
  classId: string;
  /** EXPIRED once the card's `expiresAt` has passed: Google moves the pass to "Expired passes". */
  state: 'ACTIVE' | 'EXPIRED';
  accountName: string;
  barcode: { type: 'QR_CODE'; value: string };
  loyaltyPoints: { label: string; balance: { string: string } };
  secondaryLoyaltyPoints?: { label: string; balance: { string: string } };
  heroImage: GoogleImage;
  /** The card's auxiliary texts, shown on the front of the pass. */
  textModulesData?: Array<{ id: string; header: string; body: string }>;
  validTimeInterval?: { end: { date: string } };
}

export type LoyaltyObjectPatch = Pick<
  LoyaltyObject,
  'loyaltyPoints' | 'secondaryLoyaltyPoints' | 'heroImage' | 'state' | 'textModulesData' | 'validTimeInterval'
> & {
  /** The class carries the colour at first; a patch brings later card colour changes along. */
  hexBackgroundColor: string;
  notifyPreference?: 'notifyOnUpdate';
};

interface GoogleImage {
  sourceUri: { uri: string };
}

type GoogleSource = PassSource & { card: PassSource['card'] & { id: number } };

/** Ids may hold only letters, digits, ".", "_" and "-" after the issuer id. */
export function googleClassId(ids: Pick<GoogleIds, 'issuerId' | 'classPrefix'>, cardId: number): string {
  return `${ids.issuerId}.${ids.classPrefix}-card-${cardId}`;
}

export function googleObjectId(ids: Pick<GoogleIds, 'issuerId'>, uuid: string): string {
  return `${ids.issuerId}.${uuid.replace(/[^\w.-]/g, '_')}`;
}

export function googleImageUrls(publicUrl: string, source: Pick<PassSource, 'customerCard'>): { logo: string; hero: string } {
  return googlePassImageUrls({ publicUrl }, source.customerCard.uuid, source.customerCard.stampsCount);
}

export function toLoyaltyClass(source: GoogleSource, ids: GoogleIds): LoyaltyClass {
  const storeName = displayStoreName(source.store);
  return {
    id: googleClassId(ids, source.card.id),
    issuerName: storeName,
    programName: source.card.name,
    programLogo: image(googleImageUrls(ids.publicUrl, source).logo),
    hexBackgroundColor: source.card.cardColor,
    reviewStatus: 'UNDER_REVIEW',
  };
}

export function toLoyaltyObject(source: GoogleSource, ids: GoogleIds, now: Date = new Date()): LoyaltyObject {
  const uuid = source.customerCard.uuid;
  const { hexBackgroundColor: _colour, notifyPreference: _notify, ...shown } = toLoyaltyObjectPatch(source, ids, false, now);
  const member = passOptions(source.card, now).showMember ? memberName(source) : '';
  return {
    id: googleObjectId(ids, uuid),
    classId: googleClassId(ids, source.card.id),
    // The holder's first name only when the card opts in: the save link is reachable from the card's uuid (SECURITY.md).
    accountName: member || displayStoreName(source.store),
    barcode: { type: 'QR_CODE', value: uuid },
    ...shown,
  };
}

/** What changes with the stamps; `notify` asks Google to alert the holder (at most 3 times a day). */
export function toLoyaltyObjectPatch(
  source: PassSource,
  ids: Pick<GoogleIds, 'publicUrl'>,
  notify: boolean,
  now: Date = new Date(),
): LoyaltyObjectPatch {
  const { customerCard, card } = source;
  const outlook = rewardOutlook(customerCard.stampsCount, card.stampsRequired, source.rewards);
  const options = passOptions(card, now);
  return {
    state: options.expired ? 'EXPIRED' : 'ACTIVE',
    loyaltyPoints: { label: 'Stamps', balance: { string: stampProgress(customerCard.stampsCount, card.stampsRequired) } },
    ...(options.showStampsToReward
      ? { secondaryLoyaltyPoints: { label: sentenceCase(outlook.label), balance: { string: outlook.value } } }
      : {}),
    ...(options.auxiliary.length > 0
      ? { textModulesData: options.auxiliary.map((body, i) => ({ id: `extra${i + 1}`, header: '', body })) }
      : {}),
    ...(options.expiresAt ? { validTimeInterval: { end: { date: options.expiresAt.toISOString() } } } : {}),
    heroImage: image(googleImageUrls(ids.publicUrl, source).hero),
    hexBackgroundColor: card.cardColor,
    ...(notify ? { notifyPreference: 'notifyOnUpdate' as const } : {}),
  };
}

function image(uri: string): GoogleImage {
  return { sourceUri: { uri } };
}

function sentenceCase(label: string): string {
  return label.charAt(0) + label.slice(1).toLowerCase();
}
