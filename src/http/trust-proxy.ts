import ipaddr from 'ipaddr.js';

/**
 * Which proxies in front of the gateway may say who the client is (`TRUST_PROXY`). Anyone can send
 * `X-Forwarded-For`, so it is read only when the connection came from a trusted proxy, and only as
 * far back as trusted proxies reach:
 *
 * - `none` (the default): the socket's peer is the client, the header is ignored;
 * - `hops`: that many proxies stand in front of every request (the peer is the last of them);
 * - `ranges`: the proxies are the addresses in these CIDR ranges, wherever they appear.
 */
export type TrustProxy =
  | { kind: 'none' }
  | { kind: 'hops'; hops: number }
  | { kind: 'ranges'; ranges: ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]> };

/** `TRUST_PROXY`: empty for none, a hop count (`1`), or a comma-separated list of CIDR ranges and addresses. */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const text = (raw ?? '').trim();
  if (text === '' || text === '0') return { kind: 'none' };
  if (/^\d+$/.test(text)) return { kind: 'hops', hops: Number(text) };
  const ranges = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      try {
        if (entry.includes('/')) {
          const [address, bits] = ipaddr.parseCIDR(entry);
          return normalRange(address, bits);
        }
        const address = ipaddr.process(entry);
        return normalRange(address, address.kind() === 'ipv4' ? 32 : 128);
      } catch {
        throw new Error(`TRUST_PROXY must be a hop count or a comma-separated list of addresses and CIDR ranges (10.0.0.0/8), got ${JSON.stringify(entry)}`);
      }
    });
  return { kind: 'ranges', ranges };
}

/** An IPv4-mapped IPv6 range (`::ffff:10.0.0.0/104`) as the IPv4 range it means, so either spelling matches. */
function normalRange(address: ipaddr.IPv4 | ipaddr.IPv6, bits: number): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [address, bits];
}

/** An address as written in a header or by the socket, without port or brackets, IPv4-mapped IPv6 as IPv4. */
function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  let candidate = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(candidate);
  if (bracketed) candidate = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(candidate)) candidate = candidate.slice(0, candidate.lastIndexOf(':'));
  return ipaddr.isValid(candidate) ? ipaddr.process(candidate) : undefined;
}

function trustedAddress(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]>): boolean {
  return ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
}

/**
 * The client's address: the socket's peer, or, when the peer is a trusted proxy, the right-most
 * address of `X-Forwarded-For` that is not a trusted proxy (each proxy appends the address it was
 * reached from, so everything left of the first untrusted one may be made up by the client). A hop
 * count reaches at most that many proxies back; a header shorter than that gives its left-most
 * address. An entry that is not an address stops the walk at the proxy that wrote it.
 */
export function clientAddressFrom(peer: string | undefined, forwardedFor: string | undefined, trust: TrustProxy): string | undefined {
  if (peer === undefined) return undefined;
  let client = parseAddress(peer);
  if (!client) return peer;
  if (trust.kind === 'none' || !forwardedFor) return client.toString();
  const hops = forwardedFor.split(',').filter((entry) => entry.trim() !== '').reverse();
  for (let hop = 0; hop < hops.length; hop++) {
    const trusted = trust.kind === 'hops' ? hop < trust.hops : trustedAddress(client, trust.ranges);
    if (!trusted) break;
    const next = parseAddress(hops[hop]!);
    if (!next) break;
    client = next;
  }
  return client.toString();
}
