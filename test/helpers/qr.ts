import jsqr from 'jsqr';
import { PNG } from 'pngjs';

type Decode = typeof jsqr.default;
// jsqr is CommonJS typed as an ES module: under Node its default import is the function itself.
const decode: Decode = (jsqr as unknown as { default?: Decode }).default ?? (jsqr as unknown as Decode);

/** The text of the QR code in a PNG image, read with a QR reader (not our generator); undefined if none. */
export function readQrPng(png: Buffer): { text: string | undefined; width: number; height: number } {
  const image = PNG.sync.read(png);
  return { text: decode(new Uint8ClampedArray(image.data), image.width, image.height)?.data, width: image.width, height: image.height };
}
