/**
 * IP and CIDR arithmetic for Neutron-style IPAM. Addresses are bigints so IPv4 and IPv6 share every
 * code path; the version only decides the bit width and the text form.
 */

export type IpVersion = 4 | 6;
export interface Address {
  version: IpVersion;
  value: bigint;
}
/** `network` is the address with all host bits cleared. */
export interface Cidr {
  version: IpVersion;
  network: bigint;
  prefix: number;
}
/** Both ends inclusive, as Neutron's allocation pools are. */
export interface IpRange {
  version: IpVersion;
  first: bigint;
  last: bigint;
}

function bitWidth(version: IpVersion): number {
  return version === 4 ? 32 : 128;
}

function maxValue(version: IpVersion): bigint {
  return (1n << BigInt(bitWidth(version))) - 1n;
}

function hostBits(cidr: Cidr): bigint {
  return BigInt(bitWidth(cidr.version) - cidr.prefix);
}

// Decimal without leading zeros: "010" is ambiguous (octal in inet_aton), so it is refused.
const DECIMAL = /^(?:0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseV4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!DECIMAL.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseGroups(text: string): number[] | undefined {
  if (text === "") return [];
  const groups: number[] = [];
  for (const group of text.split(":")) {
    if (!HEX_GROUP.test(group)) return undefined;
    groups.push(parseInt(group, 16));
  }
  return groups;
}

function parseV6(text: string): bigint | undefined {
  let body = text;
  const embedded: number[] = [];
  // A dotted-quad tail ("::ffff:1.2.3.4") stands for the last two groups.
  if (text.includes(".")) {
    const colon = text.lastIndexOf(":");
    const v4 = parseV4(text.slice(colon + 1));
    if (colon < 0 || v4 === undefined) return undefined;
    embedded.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    body = text.slice(0, colon + 1);
    if (!body.endsWith("::")) body = body.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? "");
  const tail = parseGroups(halves[1] ?? "");
  if (head === undefined || tail === undefined) return undefined;
  tail.push(...embedded);
  const given = head.length + tail.length;
  // Without "::" all eight groups must be present; with it, "::" stands for at least one zero group.
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const groups = [...head, ...Array<number>(8 - given).fill(0), ...tail];
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** Strict parse: no whitespace, zone ids, leading zeros in IPv4 octets or shortened IPv4 forms. */
export function parseIp(text: string): Address | undefined {
  if (text.includes(":")) {
    const value = parseV6(text);
    return value === undefined ? undefined : { version: 6, value };
  }
  const value = parseV4(text);
  return value === undefined ? undefined : { version: 4, value };
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
}

/** IPv6 in RFC 5952 canonical form; IPv4-mapped addresses keep their dotted tail (RFC 5952 §5). */
export function formatIp(address: Address): string {
  const { value } = address;
  if (address.version === 4) return formatV4(value);
  if (value >> 32n === 0xffffn) return `::ffff:${formatV4(value & 0xffffffffn)}`;
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // Longest run of zero groups; ">" keeps the first on ties, and a lone zero group is not compressed.
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8;) {
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) [bestStart, bestLength] = [start, end - start];
    start = Math.max(end, start + 1);
  }
  const hex = (part: number[]): string => part.map((group) => group.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

function parseCidrText(text: string, loose: boolean): Cidr | undefined {
  const slash = text.indexOf("/");
  // Like netaddr.IPNetwork, the loose form reads a bare address as a host route (/32 or /128).
  if (slash < 0 && !loose) return undefined;
  const address = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  const width = bitWidth(address.version);
  let prefix = width;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!DECIMAL.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > width) return undefined;
  }
  const shift = BigInt(width - prefix);
  const network = (address.value >> shift) << shift;
  if (network !== address.value && !loose) return undefined;
  return { version: address.version, network, prefix };
}

/**
 * Strict CIDR: no host bits, a prefix always given. Neutron's host_routes destinations must be like
 * this ("10.0.0.1/24" is refused with "10.0.0.0/24 is recommended"); a subnet's own cidr is loose.
 */
export function parseCidr(text: string): Cidr | undefined {
  return parseCidrText(text, false);
}

/**
 * Lenient CIDR (netaddr.IPNetwork): host bits are cleared and a bare address is a host route. Neutron
 * reads a subnet's cidr so ("10.1.0.5/24" is stored as 10.1.0.0/24), as well as address pairs and
 * remote_ip_prefix.
 */
export function parseCidrLoose(text: string): Cidr | undefined {
  return parseCidrText(text, true);
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp({ version: cidr.version, value: cidr.network })}/${cidr.prefix}`;
}

export function cidrSize(cidr: Cidr): bigint {
  return 1n << hostBits(cidr);
}

export function cidrContains(cidr: Cidr, address: Address): boolean {
  const shift = hostBits(cidr);
  return cidr.version === address.version && address.value >> shift === cidr.network >> shift;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.version !== b.version) return false;
  // Two prefixes overlap exactly when the shorter one contains the other.
  const shift = BigInt(bitWidth(a.version) - Math.min(a.prefix, b.prefix));
  return a.network >> shift === b.network >> shift;
}

export function cidrRange(cidr: Cidr): IpRange {
  return { version: cidr.version, first: cidr.network, last: cidr.network + cidrSize(cidr) - 1n };
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  return a.version === b.version && a.first <= b.last && b.first <= a.last;
}

export function parseRange(start: string, end: string): IpRange | undefined {
  const first = parseIp(start);
  const last = parseIp(end);
  if (first === undefined || last === undefined) return undefined;
  if (first.version !== last.version || first.value > last.value) return undefined;
  return { version: first.version, first: first.value, last: last.value };
}

export function formatRange(range: IpRange): { start: string; end: string } {
  return {
    start: formatIp({ version: range.version, value: range.first }),
    end: formatIp({ version: range.version, value: range.last }),
  };
}

/**
 * Neutron's default allocation pools (neutron.ipam.utils.generate_pools), with the gateway cut out:
 * - IPv4 up to /30: network+1 .. broadcast-1;
 * - IPv4 /31 (RFC 3021 point-to-point): both addresses;
 * - IPv6: network+1 .. last, since only the subnet-router anycast address (the network) is excluded;
 * - a single-address subnet (/32, /128): that address, and Neutron does not remove the gateway there.
 * Returns [] when the gateway was the only candidate.
 */
export function defaultAllocationPools(cidr: Cidr, gateway: Address | null): IpRange[] {
  const { version, first, last } = cidrRange(cidr);
  if (first === last) return [{ version, first, last }];
  const wide = version === 6 || cidr.prefix <= 30;
  const low = wide ? first + 1n : first;
  const high = version === 4 && wide ? last - 1n : last;
  const g = gateway?.version === version ? gateway.value : undefined;
  if (g === undefined || g < low || g > high) return [{ version, first: low, last: high }];
  const pools: IpRange[] = [];
  if (g > low) pools.push({ version, first: low, last: g - 1n });
  if (g < high) pools.push({ version, first: g + 1n, last: high });
  return pools;
}

/**
 * Neutron's gateway when the request leaves gateway_ip unspecified
 * (IpamBackendMixin._gateway_ip_str): network+1 for IPv4, but the network address itself (the
 * subnet-router anycast address) for IPv6.
 */
export function defaultGateway(cidr: Cidr): Address {
  const network: Address = { version: cidr.version, value: cidr.network };
  return cidr.version === 6 ? network : addOffset(network, 1n);
}

/**
 * Whether Neutron refuses `address` as a fixed IP on an IPv4 subnet (ipam.utils.check_subnet_ip): the
 * network and broadcast addresses, for every prefix length, even /31 and /32 whose generated pools
 * nevertheless include them. Always false for IPv6 subnets.
 */
export function isReservedV4(cidr: Cidr, address: Address): boolean {
  if (cidr.version !== 4 || address.version !== 4) return false;
  const { first, last } = cidrRange(cidr);
  return address.value === first || address.value === last;
}

const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

/** SLAAC address (RFC 4291 modified EUI-64): flip the universal/local bit, insert ff:fe mid-MAC. */
export function eui64Address(cidr: Cidr, mac: string): Address {
  if (cidr.version !== 6 || cidr.prefix !== 64) {
    throw new Error(`EUI-64 addresses need an IPv6 /64 prefix, got ${formatCidr(cidr)}`);
  }
  if (!MAC.test(mac)) throw new Error(`Invalid MAC address: ${mac}`);
  const bytes = mac.split(":").map((part) => parseInt(part, 16));
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0] = bytes;
  const interfaceId = [b0 ^ 0x02, b1, b2, 0xff, 0xfe, b3, b4, b5].reduce(
    (value, byte) => (value << 8n) | BigInt(byte),
    0n,
  );
  return { version: 6, value: cidr.network | interfaceId };
}

/** The address `offset` steps away (e.g. 1n for the next one); throws RangeError past the address space. */
export function addOffset(address: Address, offset: bigint): Address {
  const value = address.value + offset;
  if (value < 0n || value > maxValue(address.version)) {
    throw new RangeError(`${formatIp(address)} + ${offset} is outside the IPv${address.version} space`);
  }
  return { version: address.version, value };
}
