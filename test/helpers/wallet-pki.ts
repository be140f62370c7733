import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

/**
 * Throw-away credentials made at test time, shaped like the real ones: a CA standing in for Apple's
 * WWDR, a Pass Type ID certificate it issued (with an encrypted key), a TLS certificate for the local
 * APNs stand-in, an APNs `.p8` key and a Google service account key. Nothing here is ever committed.
 */
export interface TestPki {
  passTypeId: string;
  teamId: string;
  wwdrCert: string;
  passCert: string;
  /** Encrypted with `passKeyPassphrase`. */
  passKey: string;
  passKeyPassphrase: string;
  apnsServerCert: string;
  apnsServerKey: string;
  apnsKeyId: string;
  apnsKey: string;
  apnsPublicKey: string;
  googleEmail: string;
  googleKey: string;
  googlePublicKey: string;
}

const generate = promisify(generateKeyPair);
const UID_OID = '0.9.2342.19200300.100.1.1';

let shared: Promise<TestPki> | undefined;

/** One PKI per test process: key generation is the slow part. */
export function testPki(): Promise<TestPki> {
  shared ??= createTestPki();
  return shared;
}

async function createTestPki(): Promise<TestPki> {
  const passTypeId = 'pass.test.stampline.card';
  const teamId = 'TESTTEAM01';
  const [ca, signer, apnsServer, google, apns] = await Promise.all([
    rsa(),
    rsa(),
    rsa(),
    rsa(),
    generate('ec', { namedCurve: 'P-256' }),
  ]);
  const caName = [
    { name: 'commonName', value: 'Test WWDR Stand-in CA' },
    { name: 'organizationName', value: 'Stampline tests' },
  ];
  const caCert = certificate(ca, caName, caName, ca.privateKey, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  const passCert = certificate(
    signer,
    [
      { type: UID_OID, value: passTypeId },
      { name: 'commonName', value: `Pass Type ID: ${passTypeId}` },
      { name: 'organizationalUnitName', value: teamId },
      { name: 'organizationName', value: 'Stampline tests' },
    ],
    caName,
    ca.privateKey,
    [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true, emailProtection: true },
    ],
  );
  const serverName = [{ name: 'commonName', value: 'localhost' }];
  const apnsServerCert = certificate(apnsServer, serverName, serverName, apnsServer.privateKey, [
    { name: 'basicConstraints', cA: false },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
  ]);
  const passKeyPassphrase = 'test-passphrase';
  return {
    passTypeId,
    teamId,
    wwdrCert: caCert,
    passCert,
    passKey: forge.pki.encryptRsaPrivateKey(signer.privateKey, passKeyPassphrase, { algorithm: 'aes256' }),
    passKeyPassphrase,
    apnsServerCert,
    apnsServerKey: forge.pki.privateKeyToPem(apnsServer.privateKey),
    apnsKeyId: 'TESTKEY123',
    apnsKey: apns.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    apnsPublicKey: apns.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    googleEmail: 'stampline-test@test-project.iam.gserviceaccount.com',
    googleKey: google.pkcs8,
    googlePublicKey: forge.pki.publicKeyToPem(google.publicKey),
  };
}

interface ForgeKeys {
  publicKey: forge.pki.rsa.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
  pkcs8: string;
}

async function rsa(): Promise<ForgeKeys> {
  const pair = await generate('rsa', { modulusLength: 2048 });
  const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    publicKey: forge.pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    privateKey: forge.pki.privateKeyFromPem(pkcs8) as forge.pki.rsa.PrivateKey,
    pkcs8,
  };
}

let serial = 1;

function certificate(
  keys: ForgeKeys,
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
  signingKey: forge.pki.rsa.PrivateKey,
  extensions: object[],
): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = (serial++).toString(16).padStart(2, '0');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  cert.sign(signingKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** The environment that makes the gateway sign with the test certificates. */
export function applePassEnv(pki: TestPki): Record<string, string> {
  return {
    APPLE_PASS_CERT: pki.passCert,
    APPLE_PASS_KEY: pki.passKey,
    APPLE_PASS_KEY_PASSPHRASE: pki.passKeyPassphrase,
    APPLE_WWDR_CERT: pki.wwdrCert,
  };
}
