import ipaddr from 'ipaddr.js';

/**
 * Where webhooks may go. A target is a URL the shop gives us and we then call from inside our
 * network, so unless `WEBHOOK_ALLOW_PRIVATE_URLS` lifts the rule it must be https and must reach the
 * public internet only: never loopback, private, link-local (cloud metadata at 169.254.169.254),
 * carrier-grade NAT, multicast or reserved addresses, in IPv4 or IPv6, mapped or translated.
 */

export const BLOCKED_ADDRESS_MESSAGE = 'must not point to a loopback, private, link-local or metadata address';

/** Why an IP address may not be called (its range, e.g. `loopback`), or null for a public unicast address. */
export function blockedAddressRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'invalid';
  // `process` turns ::ffff:10.0.0.1 into 10.0.0.1, so a mapped address is judged as what it reaches.
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : range;
}

/** A URL's host as an address when it is an IP literal (`[::1]` unbracketed), else null. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : null;
}

/** What is wrong with a target URL on its face (before resolving its host), or null. */
export function urlProblem(raw: string, allowPrivateUrls: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol !== 'https:' && !(allowPrivateUrls && url.protocol === 'http:')) {
    return allowPrivateUrls ? 'must be an http or https URL' : 'must be an https URL';
  }
  if (url.username || url.password) return 'must not contain a user name or password';
  if (!url.hostname) return 'must name a host';
  if (allowPrivateUrls) return null;
  const literal = ipLiteral(url.hostname);
  // A host name is judged by what it resolves to (target-resolution.ts), at create and at connect.
  if (literal && blockedAddressRange(literal)) return BLOCKED_ADDRESS_MESSAGE;
  return null;
}
