import { describe, expect, it } from 'vitest';
import { applePassToken, passTokenMatches } from '../../src/domain/wallet/pass-card.service.ts';
import { lastModified, notModifiedSince, parseUpdatedTag, updatedTag } from '../../src/domain/wallet/pass-version.rules.ts';
import { toLoyaltyClass, toLoyaltyObject, toLoyaltyObjectPatch } from '../../src/wallet/google-object.ts';
import { applePassImages } from '../../src/wallet/images.ts';
import { type PassSource, passArtwork, rewardOutlook, toPassProps, toRgb } from '../../src/wallet/pass-model.ts';
import { inspectPng } from '../helpers/pkpass.ts';

const identity = { passTypeIdentifier: 'pass.test.x', teamIdentifier: 'TEAM000001', webServiceURL: 'https://gw.test/wallet/apple' };

function source(overrides: Partial<{ stampsCount: number; rewards: PassSource['rewards']; card: Partial<PassSource['card']> }> = {}): PassSource {
  return {
    customerCard: { uuid: '6f1c1d0e-1111-4222-8333-944455556666', passToken: 'p'.repeat(32), stampsCount: overrides.stampsCount ?? 4 },
    card: {
      name: 'Coffee',
      cardColor: '#6B4226',
      textColor: '#FFFFFF',
      stampColor: '#F5C542',
      stampsRequired: 8,
      stripType: 'color',
      stripColor: '#112233',
      stripPreset: null,
      headerText: 'Every 8th coffee is on us',
      ...overrides.card,
    },
    rewards: overrides.rewards ?? [
      { id: 1, name: 'Free coffee', stampsRequired: 8, active: true, position: 0 },
      { id: 2, name: 'Cookie', stampsRequired: 5, active: true, position: 1 },
      { id: 3, name: 'Old mug', stampsRequired: 2, active: false, position: 2 },
    ],
    store: { name: 'Account name', storeName: 'Blue Door Cafe' },
    locations: [],
  };
}

describe('toPassProps', () => {
  it('maps a customer card to a store card pass', () => {
    const pass = toPassProps(source(), identity);
    expect(pass.props).toEqual({
      serialNumber: '6f1c1d0e-1111-4222-8333-944455556666',
      description: 'Blue Door Cafe: Coffee',
      organizationName: 'Blue Door Cafe',
      passTypeIdentifier: 'pass.test.x',
      teamIdentifier: 'TEAM000001',
      webServiceURL: 'https://gw.test/wallet/apple',
      authenticationToken: 'p'.repeat(32),
      backgroundColor: 'rgb(107, 66, 38)',
      foregroundColor: 'rgb(255, 255, 255)',
      labelColor: 'rgb(255, 255, 255)',
      logoText: 'Blue Door Cafe',
      sharingProhibited: true,
    });
    expect(pass.headerFields).toEqual([{ key: 'stamps', label: 'STAMPS', value: '4 / 8', changeMessage: 'Stamps: %@' }]);
    expect(pass.secondaryFields).toEqual([{ key: 'reward', label: 'NEXT REWARD', value: 'Cookie in 1 stamp' }]);
    expect(pass.barcode).toEqual({
      message: '6f1c1d0e-1111-4222-8333-944455556666',
      format: 'PKBarcodeFormatQR',
      messageEncoding: 'iso-8859-1',
      altText: '6f1c1d0e-1111-4222-8333-944455556666',
    });
    expect(pass.backFields.map((f) => f.key)).toEqual(['card', 'about', 'rewards', 'store', 'number']);
    expect(pass.backFields.find((f) => f.key === 'rewards')?.value).toBe('Free coffee: 8 stamps\nCookie: 5 stamps');
  });

  it("links the customer's page of the card on the back when given", () => {
    const pass = toPassProps({ ...source(), pageUrl: 'https://gw.test/cards/6f1c1d0e-1111-4222-8333-944455556666' }, identity);
    expect(pass.backFields.map((f) => f.key)).toEqual(['card', 'about', 'rewards', 'page', 'store', 'number']);
    expect(pass.backFields.find((f) => f.key === 'page')).toEqual({
      key: 'page',
      label: 'YOUR CARD ONLINE',
      value: 'https://gw.test/cards/6f1c1d0e-1111-4222-8333-944455556666',
    });
  });

  it('keys every field uniquely (passkit-generator throws on duplicates)', () => {
    const pass = toPassProps(source(), identity);
    const keys = [...pass.headerFields, ...pass.primaryFields, ...pass.secondaryFields, ...pass.auxiliaryFields, ...pass.backFields].map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps stamps beyond the requirement visible', () => {
    expect(toPassProps(source({ stampsCount: 11 }), identity).headerFields[0]?.value).toBe('11 / 8');
  });

  it('leaves out the web service for a token too short for Apple', () => {
    const short = source();
    short.customerCard.passToken = 'short';
    const { props } = toPassProps(short, identity);
    expect(props).not.toHaveProperty('webServiceURL');
    expect(props).not.toHaveProperty('authenticationToken');
  });

  it('lists at most ten locations with coordinates', () => {
    const many = source();
    many.locations = [
      { name: 'No coordinates', latitude: null, longitude: null },
      ...Array.from({ length: 12 }, (_, i) => ({ name: `Shop ${i}`, latitude: 52 + i / 100, longitude: 13 })),
    ];
    const { locations } = toPassProps(many, identity);
    expect(locations).toHaveLength(10);
    expect(locations[0]).toEqual({ latitude: 52, longitude: 13, relevantText: 'Blue Door Cafe (Shop 0) is nearby' });
  });

});

describe('rewardOutlook', () => {
  const rewards = source().rewards;
  it.each([
    [0, { label: 'NEXT REWARD', value: 'Cookie in 5 stamps' }],
    [4, { label: 'NEXT REWARD', value: 'Cookie in 1 stamp' }],
    [5, { label: 'REWARD READY', value: 'Cookie' }],
    [9, { label: 'REWARD READY', value: 'Free coffee' }],
  ])('with %i stamps says %o', (stamps, expected) => {
    expect(rewardOutlook(stamps, 8, rewards)).toEqual(expected);
  });

  it('counts down the card when it has no active rewards', () => {
    expect(rewardOutlook(3, 8, [])).toEqual({ label: 'TO GO', value: '5 stamps' });
    expect(rewardOutlook(7, 8, [])).toEqual({ label: 'TO GO', value: '1 stamp' });
    expect(rewardOutlook(8, 8, [])).toEqual({ label: 'CARD', value: 'Complete' });
  });
});

describe('pass artwork', () => {
  it('uses the strip colour for colour strips and the card colour otherwise', () => {
    expect(passArtwork(source()).strip).toEqual({ kind: 'color', color: '#112233' });
    expect(passArtwork(source({ card: { stripType: 'image' } })).strip).toEqual({ kind: 'color', color: '#6B4226' });
    expect(passArtwork(source({ card: { stripType: 'preset', stripPreset: 'waves' } })).strip).toEqual({ kind: 'preset', preset: 'waves', color: '#6B4226' });
    expect(passArtwork(source({ stampsCount: 12 })).stamps).toEqual({ filled: 8, total: 8 });
  });

  it('draws valid PNGs at Apple sizes', () => {
    const images = applePassImages(passArtwork(source({ card: { stripType: 'preset', stripPreset: 'dots', stampsRequired: 18 } })));
    expect(inspectPng(images['icon.png']!)).toMatchObject({ width: 29, height: 29, pixelBytes: (29 * 4 + 1) * 29 });
    expect(inspectPng(images['icon@3x.png']!)).toMatchObject({ width: 87, height: 87 });
    expect(inspectPng(images['logo@2x.png']!)).toMatchObject({ width: 100, height: 100 });
    expect(inspectPng(images['strip.png']!)).toMatchObject({ width: 375, height: 123 });
    expect(inspectPng(images['strip@3x.png']!)).toMatchObject({ width: 1125, height: 369 });
  });

  it('draws different strips for different counts and the same bytes for the same one', () => {
    const strip = (stampsCount: number) => applePassImages(passArtwork(source({ stampsCount })))['strip.png']!;
    expect(strip(3).equals(strip(4))).toBe(false);
    expect(strip(3).equals(strip(3))).toBe(true);
  });

  it('writes colours the classic rgb() way', () => {
    expect(toRgb('#00ff7F')).toBe('rgb(0, 255, 127)');
  });
});

describe('Google loyalty mapping', () => {
  const ids = { issuerId: '3388000000012345678', classPrefix: 'shop', publicUrl: 'https://gw.test' };
  const google = { ...source(), card: { ...source().card, id: 42 } };

  it('builds the class per card and the object per customer card', () => {
    expect(toLoyaltyClass(google, ids)).toMatchObject({
      id: '3388000000012345678.shop-card-42',
      issuerName: 'Blue Door Cafe',
      programName: 'Coffee',
      hexBackgroundColor: '#6B4226',
      programLogo: { sourceUri: { uri: 'https://gw.test/wallet/google/6f1c1d0e-1111-4222-8333-944455556666/logo.png' } },
    });
    expect(toLoyaltyObject(google, ids)).toEqual({
      id: '3388000000012345678.6f1c1d0e-1111-4222-8333-944455556666',
      classId: '3388000000012345678.shop-card-42',
      state: 'ACTIVE',
      accountName: 'Blue Door Cafe',
      barcode: { type: 'QR_CODE', value: '6f1c1d0e-1111-4222-8333-944455556666' },
      loyaltyPoints: { label: 'Stamps', balance: { string: '4 / 8' } },
      secondaryLoyaltyPoints: { label: 'Next reward', balance: { string: 'Cookie in 1 stamp' } },
      heroImage: { sourceUri: { uri: 'https://gw.test/wallet/google/6f1c1d0e-1111-4222-8333-944455556666/hero.png?stamps=4' } },
    });
  });

  it('asks Google to notify only when told to', () => {
    expect(toLoyaltyObjectPatch(google, ids, true).notifyPreference).toBe('notifyOnUpdate');
    expect(toLoyaltyObjectPatch(google, ids, false)).not.toHaveProperty('notifyPreference');
  });
});

describe('pass versions', () => {
  const at = (iso: string) => new Date(iso);

  it('stamps a change in the current second one second earlier', () => {
    const version = at('2026-03-01T10:00:05.400Z');
    expect(lastModified(version, at('2026-03-01T10:00:05.900Z')).toISOString()).toBe('2026-03-01T10:00:04.000Z');
    expect(lastModified(version, at('2026-03-01T10:00:07.000Z')).toISOString()).toBe('2026-03-01T10:00:05.000Z');
  });

  it('answers "not modified" only when If-Modified-Since covers the version', () => {
    const version = at('2026-03-01T10:00:05.400Z');
    expect(notModifiedSince(version, 'Sun, 01 Mar 2026 10:00:05 GMT')).toBe(true);
    expect(notModifiedSince(version, 'Sun, 01 Mar 2026 10:00:04 GMT')).toBe(false);
    expect(notModifiedSince(version, undefined)).toBe(false);
    expect(notModifiedSince(version, 'garbage')).toBe(false);
  });

  it('uses the latest version as the lastUpdated tag and reads only tags it made', () => {
    expect(updatedTag([at('2026-03-01T10:00:00.000Z'), at('2026-03-01T10:00:00.250Z')])).toBe(String(Date.parse('2026-03-01T10:00:00.250Z')));
    expect(parseUpdatedTag('1772359200250')).toBe(1772359200250);
    expect(parseUpdatedTag('2026-03-01')).toBeUndefined();
    expect(parseUpdatedTag('')).toBeUndefined();
  });
});

describe('ApplePass tokens', () => {
  it('reads the header and compares tokens', () => {
    expect(applePassToken('ApplePass abc123')).toBe('abc123');
    expect(applePassToken('Bearer abc123')).toBeUndefined();
    expect(applePassToken(undefined)).toBeUndefined();
    expect(passTokenMatches('abc123', 'abc123')).toBe(true);
    expect(passTokenMatches('abc123', 'abc124')).toBe(false);
    expect(passTokenMatches('abc123', 'abc1234')).toBe(false);
    expect(passTokenMatches('abc123', undefined)).toBe(false);
  });
});
