import { createPrivateKey, createPublicKey, generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import type forge from 'node-forge';
import type { Db } from '../db/client.ts';
import type { AppleSettings } from './config.ts';
import { settingOnce } from '../domain/settings.ts';
import { readCertificatePem, readText } from './secrets.ts';

/** What signs Apple passes (and, with certificate auth, talks to APNs). */
export interface PassSigner {
  certificates: { wwdr: string; signerCert: string; signerKey: string; signerKeyPassphrase?: string };
  passTypeIdentifier: string;
  teamIdentifier: string;
  /** True for the self-made signer: passes build and verify locally, but no iPhone accepts them. */
  development: boolean;
  expiresAt: Date;
}

export const DEV_PASS_TYPE_ID = 'pass.dev.stampline.local';
export const DEV_TEAM_ID = 'STAMPLNDEV';
export const DEV_SIGNER_SETTING = 'wallet.apple.development-signer';

const UID_OID = '0.9.2342.19200300.100.1.1';

/**
 * The configured Apple signer, or the development signer when none is configured. Configuration
 * mistakes (a missing piece, an unreadable file, a key that does not fit the certificate) throw with
 * a message naming the variable, because passkit-generator only fails later and cryptically.
 */
export async function loadPassSigner(settings: AppleSettings, db: Db): Promise<PassSigner> {
  const given = [settings.passCert, settings.passKey, settings.wwdrCert].filter(Boolean).length;
  if (given === 0) return loadDevelopmentSigner(settings, db);
  if (given < 3) {
    throw new Error('APPLE_PASS_CERT, APPLE_PASS_KEY and APPLE_WWDR_CERT must be set together (or none, for the development signer)');
  }
  const signerCert = await readCertificatePem(settings.passCert!, 'APPLE_PASS_CERT');
  const signerKey = await readText(settings.passKey!, 'APPLE_PASS_KEY');
  const wwdr = await readCertificatePem(settings.wwdrCert!, 'APPLE_WWDR_CERT');
  const cert = new X509Certificate(signerCert);
  checkKeyFitsCertificate(cert, signerKey, settings.passKeyPassphrase);
  const subject = parseDistinguishedName(cert.subject);
  const passTypeIdentifier = settings.passTypeId ?? subject.UID;
  const teamIdentifier = settings.teamId ?? subject.OU;
  if (!passTypeIdentifier) throw new Error('APPLE_PASS_TYPE_ID is not set and the certificate names no pass type (UID)');
  if (!teamIdentifier) throw new Error('APPLE_TEAM_ID is not set and the certificate names no team (OU)');
  return {
    certificates: { wwdr, signerCert, signerKey, ...(settings.passKeyPassphrase ? { signerKeyPassphrase: settings.passKeyPassphrase } : {}) },
    passTypeIdentifier,
    teamIdentifier,
    development: false,
    expiresAt: new Date(cert.validTo),
  };
}

/** Warnings worth a log line that do not stop passes from being built. */
export function signerWarnings(signer: PassSigner, now = new Date()): string[] {
  if (signer.development) return [];
  const warnings: string[] = [];
  const cert = new X509Certificate(signer.certificates.signerCert);
  const uid = parseDistinguishedName(cert.subject).UID;
  if (uid && uid !== signer.passTypeIdentifier) {
    warnings.push(`APPLE_PASS_TYPE_ID ${signer.passTypeIdentifier} differs from the certificate's ${uid}; Wallet will reject the passes`);
  }
  const daysLeft = Math.floor((signer.expiresAt.getTime() - now.getTime()) / 86_400_000);
  if (daysLeft < 0) warnings.push(`the pass certificate expired on ${signer.expiresAt.toISOString()}; Wallet rejects new passes and pushes fail`);
  else if (daysLeft < 30) warnings.push(`the pass certificate expires in ${daysLeft} days (${signer.expiresAt.toISOString()})`);
  return warnings;
}

async function loadDevelopmentSigner(settings: AppleSettings, db: Db): Promise<PassSigner> {
  const stored = await db.setting.findUnique({ where: { key: DEV_SIGNER_SETTING } });
  let signer = stored ? parseStoredSigner(stored.value) : undefined;
  if (!signer) {
    const created = await createDevelopmentSigner(settings.passTypeId ?? DEV_PASS_TYPE_ID, settings.teamId ?? DEV_TEAM_ID);
    const value = JSON.stringify(created);
    // Two gateways starting at once on one database must end up with the same signer: both write only
    // over what they read (nothing, or the same unreadable value), and both keep what is there after.
    if (stored) {
      await db.setting.updateMany({ where: { key: DEV_SIGNER_SETTING, value: stored.value }, data: { value } });
    }
    signer = parseStoredSigner(await settingOnce(db, DEV_SIGNER_SETTING, () => value));
    if (!signer) throw new Error(`the stored ${DEV_SIGNER_SETTING} setting is unreadable`);
  }
  return signer;
}

interface StoredSigner {
  wwdr: string;
  signerCert: string;
  signerKey: string;
  passTypeIdentifier: string;
  teamIdentifier: string;
}

function parseStoredSigner(value: string): PassSigner | undefined {
  try {
    const stored = JSON.parse(value) as StoredSigner;
    // Signers made by older versions may hold a certificate strict DER readers refuse; those are re-made.
    const cert = new X509Certificate(stored.signerCert);
    new X509Certificate(stored.wwdr);
    createPrivateKey(stored.signerKey);
    return {
      certificates: { wwdr: stored.wwdr, signerCert: stored.signerCert, signerKey: stored.signerKey },
      passTypeIdentifier: stored.passTypeIdentifier,
      teamIdentifier: stored.teamIdentifier,
      development: true,
      expiresAt: new Date(cert.validTo),
    };
  } catch {
    return undefined;
  }
}

/**
 * A stand-in for Apple's chain: a self-signed "WWDR" CA and a Pass Type ID certificate it issued, laid
 * out like Apple's (UID = pass type, OU = team) so the whole flow runs without an Apple account.
 */
export async function createDevelopmentSigner(passTypeIdentifier: string, teamIdentifier: string, now = new Date()): Promise<StoredSigner> {
  const [caKeys, signerKeys] = await Promise.all([rsaKeyPair(), rsaKeyPair()]);
  const { pki, md } = await loadForge();
  const ca = pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serialNumber();
  ca.validity.notBefore = new Date(now.getTime() - 60_000);
  ca.validity.notAfter = new Date(now.getTime() + 10 * 365 * 86_400_000);
  const caName = [
    { name: 'commonName', value: 'Stampline Development WWDR Stand-in (not Apple)' },
    { name: 'organizationName', value: 'Stampline development' },
  ];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  ca.sign(caKeys.privateKey, md.sha256.create());

  const leaf = pki.createCertificate();
  leaf.publicKey = signerKeys.publicKey;
  leaf.serialNumber = serialNumber();
  leaf.validity.notBefore = new Date(now.getTime() - 60_000);
  leaf.validity.notAfter = new Date(now.getTime() + 5 * 365 * 86_400_000);
  leaf.setSubject([
    { type: UID_OID, value: passTypeIdentifier },
    { name: 'commonName', value: `Pass Type ID: ${passTypeIdentifier}` },
    { name: 'organizationalUnitName', value: teamIdentifier },
    { name: 'organizationName', value: 'Stampline development' },
  ]);
  leaf.setIssuer(caName);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, critical: true },
    // clientAuth lets the same certificate open TLS to an APNs stand-in, as Apple's does to APNs.
    { name: 'extKeyUsage', clientAuth: true, emailProtection: true },
  ]);
  leaf.sign(caKeys.privateKey, md.sha256.create());

  return {
    wwdr: pki.certificateToPem(ca),
    signerCert: pki.certificateToPem(leaf),
    signerKey: signerKeys.privatePem,
    passTypeIdentifier,
    teamIdentifier,
  };
}

/** Parses Node's multi-line `X509Certificate.subject` ("UID=pass.x\nCN=...\nOU=TEAM"). */
export function parseDistinguishedName(subject: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const line of subject.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) parts[line.slice(0, at).trim()] ??= line.slice(at + 1).trim();
  }
  return parts;
}

function checkKeyFitsCertificate(cert: X509Certificate, keyPem: string, passphrase: string | undefined): void {
  let key;
  try {
    key = createPrivateKey(passphrase ? { key: keyPem, passphrase } : { key: keyPem });
  } catch (error) {
    const hint = /passphrase|decrypt|bad decrypt/i.test(String(error))
      ? 'wrong or missing APPLE_PASS_KEY_PASSPHRASE?'
      : 'expected a PEM private key';
    throw new Error(`APPLE_PASS_KEY cannot be read (${hint})`);
  }
  // node-forge, which signs the passes, reads RSA keys only.
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`APPLE_PASS_KEY must be an RSA key, got ${key.asymmetricKeyType}`);
  const fromKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const fromCert = cert.publicKey.export({ type: 'spki', format: 'der' });
  if (!fromKey.equals(fromCert)) throw new Error('APPLE_PASS_KEY is not the private key of APPLE_PASS_CERT');
}

const generateRsa = promisify(generateKeyPair);

// node-forge is loaded only when a development signer is made (once per database).
const loadForge = () => import('node-forge').then((module) => module.default);

async function rsaKeyPair(): Promise<{ publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; privatePem: string }> {
  // Node generates keys natively off the event loop; forge's JavaScript generator would block it for seconds.
  const pair = await generateRsa('rsa', { modulusLength: 2048 });
  const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const { pki } = await loadForge();
  return {
    publicKey: pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    privateKey: pki.privateKeyFromPem(privatePem) as forge.pki.rsa.PrivateKey,
    privatePem,
  };
}

export function serialNumber(): string {
  // DER wants the shortest positive integer: a first byte of 0x01–0x7f needs neither a sign byte nor
  // allows a redundant leading zero, either of which strict readers (OpenSSL, Node) refuse.
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return bytes.toString('hex');
}
