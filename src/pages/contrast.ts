/**
 * Colour contrast after WCAG 2.x: the pages draw on a card's own colours, which a shop picks freely,
 * so text falls back to black or white whenever the chosen text colour would be hard to read.
 */

/** WCAG's minimum for normal text (AA). */
export const TEXT_CONTRAST = 4.5;

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Relative luminance of a `#RRGGBB` colour, 0 (black) to 1 (white). */
export function luminance(hex: string): number {
  const n = Number.parseInt(hex.replace(/^#/, ''), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** Contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** `preferred` when it reads well on `background` (4.5:1), else whichever of black and white reads better. */
export function readableOn(background: string, preferred: string, minimum = TEXT_CONTRAST): string {
  if (contrastRatio(background, preferred) >= minimum) return preferred;
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#FFFFFF') ? '#000000' : '#FFFFFF';
}
