import { crc32, deflateSync } from 'node:zlib';

/**
 * A tiny RGBA raster and PNG encoder, enough for pass icons and stamp strips; the gateway has no image
 * tooling to lean on.
 */
export class Raster {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;

  constructor(width: number, height: number) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`bad raster size ${width}x${height}`);
    }
    this.width = width;
    this.height = height;
    this.pixels = new Uint8Array(width * height * 4);
  }

  /** Paints every pixel opaque. */
  fill(color: Rgb): void {
    const p = this.pixels;
    for (let i = 0; i < p.length; i += 4) {
      p[i] = color[0];
      p[i + 1] = color[1];
      p[i + 2] = color[2];
      p[i + 3] = 255;
    }
  }

  /** Source-over blend of one pixel; coverage in 0–1 gives anti-aliased edges. */
  blend(x: number, y: number, color: Rgb, coverage: number): void {
    if (coverage <= 0 || x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const a = Math.min(1, coverage);
    const i = (y * this.width + x) * 4;
    const p = this.pixels;
    const dstA = p[i + 3]! / 255;
    const outA = a + dstA * (1 - a);
    for (let c = 0; c < 3; c++) {
      const src = color[c]!;
      const dst = p[i + c]!;
      p[i + c] = Math.round((src * a + dst * dstA * (1 - a)) / outA);
    }
    p[i + 3] = Math.round(outA * 255);
  }

  /** A disc, or a ring when `inner` > 0, with edges anti-aliased by distance. */
  circle(cx: number, cy: number, radius: number, color: Rgb, opts: { inner?: number; alpha?: number } = {}): void {
    const inner = opts.inner ?? 0;
    const alpha = opts.alpha ?? 1;
    const x0 = Math.max(0, Math.floor(cx - radius - 1));
    const x1 = Math.min(this.width - 1, Math.ceil(cx + radius + 1));
    const y0 = Math.max(0, Math.floor(cy - radius - 1));
    const y1 = Math.min(this.height - 1, Math.ceil(cy + radius + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const dx = x + 0.5 - cx;
        const dy = y + 0.5 - cy;
        const d = Math.sqrt(dx * dx + dy * dy);
        let coverage = clamp01(radius - d + 0.5);
        if (inner > 0) coverage = Math.min(coverage, clamp01(d - inner + 0.5));
        this.blend(x, y, color, coverage * alpha);
      }
    }
  }

  /** An axis-aligned rectangle with rounded corners. */
  roundedRect(x: number, y: number, w: number, h: number, r: number, color: Rgb): void {
    for (let py = Math.floor(y); py < Math.ceil(y + h); py++) {
      for (let px = Math.floor(x); px < Math.ceil(x + w); px++) {
        const qx = Math.max(x + r - (px + 0.5), 0, px + 0.5 - (x + w - r));
        const qy = Math.max(y + r - (py + 0.5), 0, py + 0.5 - (y + h - r));
        this.blend(px, py, color, clamp01(r - Math.hypot(qx, qy) + 0.5));
      }
    }
  }

  toPng(): Buffer {
    return encodePng(this.width, this.height, this.pixels);
  }
}

export type Rgb = readonly [number, number, number];

/** `#RRGGBB` (as cards store colours) to channels; anything else falls back. */
export function parseHex(hex: string | null | undefined, fallback: Rgb = [0, 0, 0]): Rgb {
  const match = /^#?([0-9a-f]{6})$/i.exec(hex ?? '');
  if (!match) return fallback;
  const n = Number.parseInt(match[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Mixes toward white (amount > 0) or black (amount < 0). */
export function shade(color: Rgb, amount: number): Rgb {
  const target = amount >= 0 ? 255 : 0;
  const t = Math.min(1, Math.abs(amount));
  return color.map((c) => Math.round(c + (target - c) * t)) as unknown as Rgb;
}

/** Relative luminance in 0–1, to pick a contrasting mark colour. */
export function luminance([r, g, b]: Rgb): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    // Filter type 0 (none) per scanline: the images are flat colour and deflate well anyway.
    raw[y * (stride + 1)] = 0;
    raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
