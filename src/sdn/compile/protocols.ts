/** Neutron's protocol names and their IANA numbers (neutron_lib.constants.IP_PROTOCOL_MAP). */
const PROTOCOL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ["ah", 51],
  ["dccp", 33],
  ["egp", 8],
  ["esp", 50],
  ["gre", 47],
  ["icmp", 1],
  ["icmpv6", 58],
  ["igmp", 2],
  ["ipip", 4],
  ["ipv6-encap", 41],
  ["ipv6-frag", 44],
  ["ipv6-icmp", 58],
  ["ipv6-nonxt", 59],
  ["ipv6-opts", 60],
  ["ipv6-route", 43],
  ["ospf", 89],
  ["pgm", 113],
  ["rsvp", 46],
  ["sctp", 132],
  ["tcp", 6],
  ["udp", 17],
  ["udplite", 136],
  ["vrrp", 112],
]);

export const ICMP = 1;
export const ICMPV6 = 58;

/** Protocols whose port_range_min/max are ports: tcp, udp, dccp, sctp, udplite. */
const PORTED = new Set([6, 17, 33, 132, 136]);

/**
 * The IANA number of a rule's protocol: null for any, undefined when it is neither a known name
 * nor a number 0-255. "icmp" on an IPv6 rule means ICMPv6, as in Neutron.
 */
export function protocolNumber(
  protocol: string | null,
  ethertype: "IPv4" | "IPv6",
): number | null | undefined {
  if (protocol === null || protocol === "" || protocol.toLowerCase() === "any") return null;
  const name = protocol.toLowerCase();
  const known = PROTOCOL_NUMBERS.get(name);
  if (known !== undefined) return known === ICMP && ethertype === "IPv6" ? ICMPV6 : known;
  if (!/^\d{1,3}$/.test(protocol)) return undefined;
  const number = Number(protocol);
  return number <= 255 ? number : undefined;
}

export function hasPorts(protocol: number | null): boolean {
  return protocol !== null && PORTED.has(protocol);
}

export function isIcmp(protocol: number | null): boolean {
  return protocol === ICMP || protocol === ICMPV6;
}
