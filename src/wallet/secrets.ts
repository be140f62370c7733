import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/**
 * A secret given through the environment either inline (PEM or JSON text) or as a path to a file
 * holding it. Inline PEM may use `\n` escapes because many hosts cannot hold multi-line variables;
 * JSON is left alone, its own `\n` escapes are part of its strings.
 */
export async function readSecret(value: string, variable: string): Promise<Buffer> {
  const inline = value.trimStart();
  if (inline.startsWith('-----BEGIN')) return Buffer.from(inline.replace(/\\n/g, '\n'));
  if (inline.startsWith('{')) return Buffer.from(inline);
  try {
    return await readFile(value);
  } catch (error) {
    throw new Error(`${variable}: cannot read ${JSON.stringify(value)} (${(error as NodeJS.ErrnoException).code ?? String(error)}); give PEM text or a readable file path`);
  }
}

export async function readText(value: string, variable: string): Promise<string> {
  return (await readSecret(value, variable)).toString('utf8');
}

/** A certificate as PEM, also from DER (Apple hands out the WWDR certificate as a DER `.cer`). */
export async function readCertificatePem(value: string, variable: string): Promise<string> {
  const bytes = await readSecret(value, variable);
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN CERTIFICATE-----')) return text;
  try {
    return new X509Certificate(bytes).toString();
  } catch {
    throw new Error(`${variable}: not a certificate (expected PEM, or DER as Apple's .cer files)`);
  }
}
