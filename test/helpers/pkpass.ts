import { createHash, verify, X509Certificate } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import forge from 'node-forge';

/** Reading and checking `.pkpass` files the way Wallet does, without Apple's tools. */

export interface PkpassFiles {
  files: Record<string, Buffer>;
  pass: PassJson;
  manifest: Record<string, string>;
}

export interface PassJson {
  serialNumber: string;
  authenticationToken?: string;
  webServiceURL?: string;
  passTypeIdentifier: string;
  teamIdentifier: string;
  organizationName: string;
  backgroundColor: string;
  barcodes: Array<{ message: string; format: string }>;
  storeCard: Record<'headerFields' | 'primaryFields' | 'secondaryFields' | 'auxiliaryFields' | 'backFields', PassFieldJson[]>;
  locations?: Array<{ latitude: number; longitude: number }>;
  expirationDate?: string;
  voided?: boolean;
}

export interface PassFieldJson {
  key: string;
  label?: string;
  value: string;
  changeMessage?: string;
}

export function readPkpass(zip: Uint8Array): PkpassFiles {
  const files: Record<string, Buffer> = {};
  for (const [name, bytes] of Object.entries(unzipSync(zip))) files[name] = Buffer.from(bytes);
  return {
    files,
    pass: JSON.parse(files['pass.json']!.toString('utf8')) as PassJson,
    manifest: JSON.parse(files['manifest.json']!.toString('utf8')) as Record<string, string>,
  };
}

/** A field of the store card by key, wherever it sits. */
export function passField(pass: PassJson, key: string): PassFieldJson | undefined {
  return Object.values(pass.storeCard)
    .flat()
    .find((field) => field.key === key);
}

/** Every file but the manifest and signature is listed with its SHA-1, and nothing else is. */
export function manifestProblems({ files, manifest }: PkpassFiles): string[] {
  const problems: string[] = [];
  const listed = new Set(Object.keys(manifest));
  for (const [name, bytes] of Object.entries(files)) {
    if (name === 'manifest.json' || name === 'signature') continue;
    const sha1 = createHash('sha1').update(bytes).digest('hex');
    if (manifest[name] !== sha1) problems.push(`${name}: manifest says ${manifest[name]}, file hashes to ${sha1}`);
    listed.delete(name);
  }
  for (const name of listed) problems.push(`${name}: listed but missing`);
  return problems;
}

export interface SignatureCheck {
  detached: boolean;
  signingTime: boolean;
  digestMatches: boolean;
  signatureValid: boolean;
  /** The signer certificate is issued by `ca`. */
  chainValid: boolean;
  signerSubject: string;
}

/**
 * Checks the detached PKCS#7 signature over manifest.json in pure Node: the signed attributes carry
 * the manifest's SHA-1 and a signing time, and their DER (re-tagged as a SET) verifies with the
 * embedded signer certificate, which the given CA issued.
 */
export function checkSignature({ files }: PkpassFiles, caPem: string): SignatureCheck {
  const der = files.signature!;
  const message = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')))) as unknown as {
    rawCapture: { content?: unknown; signerInfos: forge.asn1.Asn1[] };
    certificates: forge.pki.Certificate[];
  };
  const signerInfo = message.rawCapture.signerInfos[0]!.value as forge.asn1.Asn1[];
  const attributes = signerInfo.find((node) => node.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && node.type === 0)!;
  const encryptedDigest = signerInfo[signerInfo.length - 1]!;
  const attributeValue = (oid: string): forge.asn1.Asn1 | undefined => {
    for (const attribute of attributes.value as forge.asn1.Asn1[]) {
      const [type, values] = attribute.value as forge.asn1.Asn1[];
      if (forge.asn1.derToOid(type!.value as string) === oid) return (values!.value as forge.asn1.Asn1[])[0];
    }
    return undefined;
  };
  const messageDigest = attributeValue(forge.pki.oids.messageDigest!);
  const manifestSha1 = createHash('sha1').update(files['manifest.json']!).digest('binary');
  const signedSet = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attributes.value as forge.asn1.Asn1[]);
  const signedBytes = Buffer.from(forge.asn1.toDer(signedSet).getBytes(), 'binary');

  const certs = message.certificates.map((cert) => new X509Certificate(forge.pki.certificateToPem(cert)));
  const signer = certs.find((cert) => !cert.ca) ?? certs[0]!;
  const ca = new X509Certificate(caPem);
  return {
    detached: message.rawCapture.content === undefined,
    signingTime: attributeValue(forge.pki.oids.signingTime!) !== undefined,
    digestMatches: messageDigest?.value === manifestSha1,
    signatureValid: verify('sha1', signedBytes, signer.publicKey, Buffer.from(encryptedDigest.value as string, 'binary')),
    chainValid: signer.checkIssued(ca) && signer.verify(ca.publicKey),
    signerSubject: signer.subject,
  };
}

/** Width, height and decoded size of a PNG, checking every chunk's CRC on the way. */
export function inspectPng(png: Buffer): { width: number; height: number; pixelBytes: number } {
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    if (crc32(png.subarray(offset + 4, offset + 8 + length)) !== crc) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  return { width, height, pixelBytes: inflateSync(Buffer.concat(idat)).length };
}

// An independent CRC-32 (not zlib's), so the encoder is not checked against itself.
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
