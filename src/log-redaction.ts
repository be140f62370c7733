import { format } from 'node:util';

/**
 * Masks secrets and customer contact details in a log line: API tokens, Authorization header values,
 * webhook signing secrets, device push tokens, email addresses and phone numbers. Logs travel further than the database
 * (terminals, log services, bug reports), so nothing in them may let a reader act as a store or reach
 * its customers. Patterns rather than careful call sites: a library's error message (a Prisma error
 * quoting its arguments, a Redis error) is caught as well.
 */
export function redact(text: string): string {
  return text
    .replace(/\b(Bearer|ApplePass)(\s+)[^\s"',}]+/gi, '$1$2[redacted]')
    .replace(/\bsl_[A-Za-z0-9_-]{8,}/g, 'sl_[redacted]')
    .replace(/\bwhsec_[A-Za-z0-9+/=_-]{8,}/g, 'whsec_[redacted]')
    .replace(/\b[0-9a-f]{32,}\b/gi, '[redacted]')
    .replace(EMAIL, (email) => (OPERATOR_EMAIL.test(email) ? email : '[email]'))
    .replace(/\+\d[\d ().-]{5,18}\d/g, '[phone]')
    .replace(/(?<![\w:.-])\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?![\w:.-])/g, '[phone]')
    .replace(/(?<![\w:.-])\d{9,15}(?![\w:.-])/g, '[phone]');
}

const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
// Google service accounts are the operator's own configuration, logged on purpose at start.
const OPERATOR_EMAIL = /@[\w.-]+\.iam\.gserviceaccount\.com$/;

let installed = false;

/** Routes console.log/info/warn/error/debug through `redact` for the rest of the process. */
export function installLogRedaction(): void {
  if (installed) return;
  installed = true;
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => original(redact(format(...args)));
  }
}
