import { lookup } from 'node:dns/promises';
import { BLOCKED_ADDRESS_MESSAGE, blockedAddressRange, ipLiteral } from './target.rules.ts';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** A target whose host resolves, at least in part, to an address webhooks may not reach. */
export class BlockedAddressError extends Error {
  constructor(hostname: string, address: string, range: string) {
    super(`${hostname} resolves to ${address} (${range}); webhook targets ${BLOCKED_ADDRESS_MESSAGE}`);
    this.name = 'BlockedAddressError';
  }
}

/**
 * Resolves a target's host and checks every address it resolves to. One private address among public
 * ones is enough to refuse: a resolver may hand either out, so the name cannot be trusted.
 */
export async function resolvePublicAddresses(hostname: string): Promise<ResolvedAddress[]> {
  const literal = ipLiteral(hostname);
  const addresses = literal
    ? [{ address: literal, family: literal.includes(':') ? 6 : 4 }]
    : await lookup(hostname, { all: true, verbatim: true });
  for (const { address } of addresses) {
    const range = blockedAddressRange(address);
    if (range) throw new BlockedAddressError(hostname, address, range);
  }
  if (addresses.length === 0) throw new Error(`${hostname} does not resolve`);
  return addresses;
}
