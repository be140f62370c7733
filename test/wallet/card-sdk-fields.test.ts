import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { toLoyaltyObject } from '../../src/wallet/google-object.ts';
import { applePassImages } from '../../src/wallet/images.ts';
import { blendHex, type PassSource, passArtwork, toPassProps } from '../../src/wallet/pass-model.ts';

const identity = { passTypeIdentifier: 'pass.test.x', teamIdentifier: 'TEAM000001', webServiceURL: 'https://gw.test/wallet/apple' };
const ids = { issuerId: '3388000000012345678', classPrefix: 'shop', publicUrl: 'https://gw.test' };
const NOW = new Date('2030-06-01T12:00:00Z');

function source(card: Partial<PassSource['card']> = {}): PassSource & { card: PassSource['card'] & { id: number } } {
  return {
    customerCard: { uuid: '6f1c1d0e-1111-4222-8333-944455556666', passToken: 'p'.repeat(32), stampsCount: 4 },
    card: {
      id: 7,
      name: 'Coffee',
      cardColor: '#000000',
      textColor: '#FFFFFF',
      stampColor: '#F5C542',
      stampsRequired: 8,
      stripType: 'color',
      stripColor: '#FFFFFF',
      stripPreset: null,
      headerText: null,
      ...card,
    },
    rewards: [{ id: 1, name: 'Free coffee', stampsRequired: 8, active: true, position: 0 }],
    store: { name: 'Shop', storeName: null },
    holder: { firstName: 'Ada' },
  };
}

/** The colour of one pixel of a PNG, as `#RRGGBB`. */
function pixel(png: Buffer, x: number, y: number): string {
  const image = PNG.sync.read(png);
  const i = (y * image.width + x) * 4;
  return `#${[image.data[i]!, image.data[i + 1]!, image.data[i + 2]!].map((v) => v.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}

describe("Leal's SDK card fields on the pass", () => {
  it('auxiliary_fields: each text is a front field of the Apple pass and a text module of the Google pass', () => {
    const aux = { auxiliaryFields: ['Open daily 8–18', 'Oat milk free'] };
    expect(toPassProps(source(aux), identity, NOW).auxiliaryFields).toEqual([
      { key: 'extra1', label: '', value: 'Open daily 8–18' },
      { key: 'extra2', label: '', value: 'Oat milk free' },
    ]);
    expect(toLoyaltyObject(source(aux), ids, NOW).textModulesData).toEqual([
      { id: 'extra1', header: '', body: 'Open daily 8–18' },
      { id: 'extra2', header: '', body: 'Oat milk free' },
    ]);
    expect(toPassProps(source(), identity, NOW).auxiliaryFields).toEqual([]);
    expect(toLoyaltyObject(source(), ids, NOW)).not.toHaveProperty('textModulesData');
  });

  it('show_member_field: the holder’s first name shows only when the card opts in (off by default)', () => {
    const keys = (card: Partial<PassSource['card']>) => toPassProps(source(card), identity, NOW).secondaryFields.map((f) => f.key);
    expect(keys({})).toEqual(['reward']);
    expect(keys({ showMemberField: true })).toEqual(['reward', 'member']);
    expect(toPassProps(source({ showMemberField: true }), identity, NOW).secondaryFields[1]).toMatchObject({ value: 'Ada' });
    expect(toLoyaltyObject(source({ showMemberField: true }), ids, NOW).accountName).toBe('Ada');
    expect(toLoyaltyObject(source({}), ids, NOW).accountName).toBe('Shop');
    expect(toLoyaltyObject(source({ showMemberField: false }), ids, NOW).accountName).toBe('Shop');
  });

  it('show_stamps_to_reward_field: the stamps still needed show only when on', () => {
    const fields = toPassProps(source({ showStampsToRewardField: true }), identity, NOW).secondaryFields;
    expect(fields[0]).toEqual({ key: 'reward', label: 'NEXT REWARD', value: 'Free coffee in 4 stamps' });
    expect(toPassProps(source({ showStampsToRewardField: false, showMemberField: true }), identity, NOW).secondaryFields.map((f) => f.key)).toEqual(['member']);
    expect(toLoyaltyObject(source({ showStampsToRewardField: false }), ids, NOW)).not.toHaveProperty('secondaryLoyaltyPoints');
  });

  it('expires_at: the pass carries the date, says it on the back, and is voided once it has passed', () => {
    const expiresAt = new Date('2030-12-31T23:00:00Z');
    const before = toPassProps(source({ expiresAt }), identity, NOW);
    expect(before.expirationDate).toEqual(expiresAt);
    expect(before.props).not.toHaveProperty('voided');
    expect(before.backFields).toContainEqual({ key: 'expires', label: 'VALID UNTIL', value: '31 December 2030' });
    const after = toPassProps(source({ expiresAt }), identity, new Date('2031-01-01T00:00:00Z'));
    expect(after.props.voided).toBe(true);
    expect(toLoyaltyObject(source({ expiresAt }), ids, NOW)).toMatchObject({
      state: 'ACTIVE',
      validTimeInterval: { end: { date: '2030-12-31T23:00:00.000Z' } },
    });
    expect(toLoyaltyObject(source({ expiresAt }), ids, new Date('2031-01-01T00:00:00Z')).state).toBe('EXPIRED');
    const never = toPassProps(source({ expiresAt: null }), identity, NOW);
    expect(never).not.toHaveProperty('expirationDate');
    expect(never.backFields.map((f) => f.key)).not.toContain('expires');
  });

  it('strip_opacity: the strip colour is laid over the card colour', () => {
    expect(blendHex('#000000', '#FFFFFF', 0.4)).toBe('#666666');
    expect(passArtwork(source({ stripOpacity: 40 })).strip).toEqual({ kind: 'color', color: '#666666' });
    expect(passArtwork(source({ stripOpacity: 0 })).strip).toEqual({ kind: 'color', color: '#000000' });
    expect(passArtwork(source()).strip).toEqual({ kind: 'color', color: '#FFFFFF' });
    const strip = applePassImages(passArtwork(source({ stripOpacity: 40 })))['strip.png']!;
    expect(pixel(strip, 1, 1)).toBe('#666666');
  });

  it('stamp_background_color: a disc of that colour sits behind every stamp slot', () => {
    const artwork = passArtwork({ ...source({ stampBackgroundColor: '#3366CC', stampsRequired: 1 }), customerCard: { uuid: 'x', passToken: 'x', stampsCount: 0 } });
    expect(artwork.slotColor).toBe('#3366CC');
    const strip = applePassImages(artwork)['strip.png']!;
    const { width, height } = PNG.sync.read(strip);
    // One slot, centred: its empty middle shows the slot colour; without the setting, the strip.
    expect(pixel(strip, Math.floor(width / 2), Math.floor(height / 2))).not.toBe('#FFFFFF');
    const plain = applePassImages(passArtwork({ ...source({ stampsRequired: 1 }), customerCard: { uuid: 'x', passToken: 'x', stampsCount: 0 } }))['strip.png']!;
    expect(pixel(strip, Math.floor(width / 2), Math.floor(height / 2))).not.toBe(pixel(plain, Math.floor(width / 2), Math.floor(height / 2)));
    // Outside the slot the strip is unchanged.
    expect(pixel(strip, 1, 1)).toBe('#FFFFFF');
  });
});
