// qrcode is loaded on the first poster asked for, not at start.
const qrcode = () => import('qrcode').then((module) => module.default);

/** PNG edge lengths a client may ask for; the default suits printing at about 4 cm. */
export const QR_PNG_SIZE = { min: 64, max: 2048, default: 512 } as const;

// M: about 15% of the code may be lost (a fold, a smudge) and it still reads.
const OPTIONS = { errorCorrectionLevel: 'M', margin: 2 } as const;

/** The QR code of `text` as an SVG document. */
export async function qrSvg(text: string): Promise<string> {
  return (await qrcode()).toString(text, { ...OPTIONS, type: 'svg' });
}

/** The QR code of `text` as a square PNG of `size` pixels. */
export async function qrPng(text: string, size: number): Promise<Buffer> {
  return (await qrcode()).toBuffer(text, { ...OPTIONS, type: 'png', width: size });
}

/** The `size` query parameter: absent is the default; anything but an integer in range is refused. */
export function parseQrSize(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return QR_PNG_SIZE.default;
  if (!/^\d{1,5}$/.test(value)) return undefined;
  const size = Number(value);
  return size >= QR_PNG_SIZE.min && size <= QR_PNG_SIZE.max ? size : undefined;
}
