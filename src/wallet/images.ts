import type { PassArtwork } from './pass-model.ts';
import { luminance, parseHex, Raster, type Rgb, shade } from './png.ts';

/**
 * The pass images, drawn in code: a stamp-mark icon and logo in the card's colours, and a strip with
 * one circle per stamp the card needs, filled for those collected. Equal artwork gives equal bytes,
 * so results are cached.
 */

// Apple's sizes for store cards (points × scale): icon 29 pt, logo up to 160×50 pt, strip 375×123 pt.
const ICON_PT = 29;
const LOGO_PT = 50;
const STRIP_PT = { width: 375, height: 123 } as const;
const SCALES = [1, 2, 3] as const;

// Google's recommended sizes: program logo 660×660, hero image 1032×336.
export const GOOGLE_LOGO_SIZE = 660;
export const GOOGLE_HERO_SIZE = { width: 1032, height: 336 } as const;

const cache = new Map<string, Buffer>();
const CACHE_LIMIT = 256;

/** Every image an Apple store card carries, keyed by its name in the pass bundle. */
export function applePassImages(artwork: PassArtwork): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const scale of SCALES) {
    const suffix = scale === 1 ? '' : `@${scale}x`;
    files[`icon${suffix}.png`] = iconPng(artwork, ICON_PT * scale);
    files[`logo${suffix}.png`] = logoPng(artwork, LOGO_PT * scale);
    files[`strip${suffix}.png`] = stripPng(artwork, STRIP_PT.width * scale, STRIP_PT.height * scale);
  }
  return files;
}

/** A square app-style icon: the stamp mark on the card colour with rounded corners. */
export function iconPng(artwork: Pick<PassArtwork, 'cardColor' | 'stampColor'>, size: number): Buffer {
  return cached(`icon:${artwork.cardColor}:${artwork.stampColor}:${size}`, () => {
    const raster = new Raster(size, size);
    const card = parseHex(artwork.cardColor);
    raster.roundedRect(0, 0, size, size, size * 0.22, card);
    drawStampMark(raster, size / 2, size / 2, size * 0.34, parseHex(artwork.stampColor), card);
    return raster.toPng();
  });
}

/** The logo beside the store name: the stamp mark alone, on transparency. */
export function logoPng(artwork: Pick<PassArtwork, 'cardColor' | 'stampColor'>, size: number): Buffer {
  return cached(`logo:${artwork.cardColor}:${artwork.stampColor}:${size}`, () => {
    const raster = new Raster(size, size);
    drawStampMark(raster, size / 2, size / 2, size * 0.42, parseHex(artwork.stampColor), parseHex(artwork.cardColor));
    return raster.toPng();
  });
}

export function stripPng(artwork: PassArtwork, width: number, height: number): Buffer {
  const key = `strip:${JSON.stringify(artwork.strip)}:${artwork.stampColor}:${artwork.slotColor}:${artwork.stamps.filled}/${artwork.stamps.total}:${width}x${height}`;
  return cached(key, () => {
    const raster = new Raster(width, height);
    const background = parseHex(artwork.strip.color);
    raster.fill(background);
    if (artwork.strip.kind === 'preset') drawPreset(raster, artwork.strip.preset, background);
    const slot = artwork.slotColor ? parseHex(artwork.slotColor) : null;
    drawStampGrid(raster, artwork.stamps.filled, artwork.stamps.total, parseHex(artwork.stampColor), slot ?? background, slot !== null);
    return raster.toPng();
  });
}

function drawStampMark(raster: Raster, cx: number, cy: number, r: number, stamp: Rgb, ground: Rgb): void {
  raster.circle(cx, cy, r, stamp);
  raster.circle(cx, cy, r * 0.78, ground, { inner: r * 0.66 });
  raster.circle(cx, cy, r * 0.4, ground);
}

/**
 * One circle per stamp in up to three rows, filled for collected stamps and outlined for the rest.
 * Outlines use the stamp colour, or a contrasting tint when it would vanish into the background.
 */
function drawStampGrid(raster: Raster, filled: number, total: number, stamp: Rgb, background: Rgb, slots: boolean): void {
  if (total < 1) return;
  const rows = total <= 6 ? 1 : total <= 12 ? 2 : 3;
  const cols = Math.ceil(total / rows);
  const cell = Math.min((raster.width * 0.92) / cols, (raster.height * 0.86) / rows);
  const radius = cell * 0.38;
  const outline = Math.abs(luminance(stamp) - luminance(background)) < 0.15 ? shade(background, luminance(background) > 0.5 ? -0.35 : 0.35) : stamp;
  let index = 0;
  for (let row = 0; row < rows; row++) {
    const inRow = Math.min(cols, total - row * cols);
    const startX = (raster.width - inRow * cell) / 2 + cell / 2;
    const cy = (raster.height - rows * cell) / 2 + cell / 2 + row * cell;
    for (let col = 0; col < inRow; col++, index++) {
      const cx = startX + col * cell;
      if (slots) raster.circle(cx, cy, cell * 0.46, background);
      if (index < filled) {
        raster.circle(cx, cy, radius, stamp);
      } else {
        raster.circle(cx, cy, radius, outline, { alpha: 0.18 });
        raster.circle(cx, cy, radius, outline, { inner: radius * 0.86 });
      }
    }
  }
}

/** A preset is a named pattern; unknown names still get a stable one derived from the name. */
function drawPreset(raster: Raster, preset: string, background: Rgb): void {
  let hash = 0;
  for (const ch of preset) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const tint = shade(background, luminance(background) > 0.5 ? -0.12 : 0.12);
  const period = Math.max(8, Math.round(raster.height / (4 + (hash % 4))));
  const diagonal = hash % 2 === 0;
  const p = raster.pixels;
  for (let y = 0; y < raster.height; y++) {
    for (let x = 0; x < raster.width; x++) {
      const t = diagonal ? x + y : x;
      if (Math.floor(t / period) % 2 !== 0) continue;
      const i = (y * raster.width + x) * 4;
      p[i] = tint[0];
      p[i + 1] = tint[1];
      p[i + 2] = tint[2];
    }
  }
}

function cached(key: string, render: () => Buffer): Buffer {
  const hit = cache.get(key);
  if (hit) return hit;
  const png = render();
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, png);
  return png;
}
