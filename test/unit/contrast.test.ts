import { describe, expect, it } from 'vitest';
import { contrastRatio, luminance, readableOn } from '../../src/pages/contrast.ts';

describe('contrastRatio', () => {
  it('follows WCAG: 21 for black on white, 1 for a colour on itself, symmetric', () => {
    expect(contrastRatio('#000000', '#FFFFFF')).toBeCloseTo(21, 5);
    expect(contrastRatio('#6B4226', '#6B4226')).toBe(1);
    expect(contrastRatio('#1E3A5F', '#F2B134')).toBeCloseTo(contrastRatio('#F2B134', '#1E3A5F'), 10);
    // WCAG's own example pair: #767676 on white is just above 4.5:1.
    expect(contrastRatio('#767676', '#FFFFFF')).toBeGreaterThan(4.5);
    expect(contrastRatio('#777777', '#FFFFFF')).toBeLessThan(4.5);
  });

  it('reads the luminance of lower-case and unprefixed colours alike', () => {
    expect(luminance('#ffffff')).toBeCloseTo(1, 10);
    expect(luminance('1e3a5f')).toBeCloseTo(luminance('#1E3A5F'), 10);
  });
});

describe('readableOn', () => {
  it("keeps the card's own text colour when it reads well", () => {
    expect(readableOn('#1E3A5F', '#FFFFFF')).toBe('#FFFFFF');
    expect(readableOn('#6B4226', '#F5C542')).toBe('#F5C542');
  });

  it('falls back to black or white, whichever reads better, when it does not', () => {
    expect(readableOn('#F5C542', '#FFFFFF')).toBe('#000000');
    expect(readableOn('#1E3A5F', '#2B4A70')).toBe('#FFFFFF');
    expect(readableOn('#777777', '#787878')).toBe('#000000');
  });

  it('takes a lower minimum for graphics', () => {
    expect(readableOn('#F2B134', '#1E3A5F', 3)).toBe('#1E3A5F');
  });
});
