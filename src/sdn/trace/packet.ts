import { formatIp, type Address } from "../../lib/ip.ts";
import { TraceInputError } from "./errors.ts";
import type { PacketHeader, TraceRequest } from "./types.ts";

/** The packet being walked: addresses parsed once, ICMP type/code kept (the header has no room for them). */
export interface Packet {
  src: Address;
  dst: Address;
  /** IANA number; null = any protocol. */
  protocol: number | null;
  srcPort: number | null;
  dstPort: number | null;
  icmpType: number | null;
  icmpCode: number | null;
}

export const TCP = 6;
export const UDP = 17;
export const SCTP = 132;
export const ICMP4 = 1;
export const ICMP6 = 58;
// As Neutron reads port_range_min/max: ports for tcp, udp, dccp, sctp and udplite.
const L4 = new Set([TCP, UDP, 33, SCTP, 136]);
const NAMES: Record<string, number> = { tcp: TCP, udp: UDP, sctp: SCTP, "ipv6-icmp": ICMP6, icmpv6: ICMP6 };
// Echo, timestamp, information and address-mask requests and their replies; others reply in kind.
const ICMP_REPLY: Record<number, number> = { 8: 0, 13: 14, 15: 16, 17: 18, 128: 129 };

export const hasPorts = (protocol: number | null): boolean => protocol !== null && L4.has(protocol);
export const isIcmp = (protocol: number | null): boolean => protocol === ICMP4 || protocol === ICMP6;

/** "icmp" means ICMPv6 towards an IPv6 address, as Neutron reads it for an IPv6 rule. */
export function protocolNumber(text: string, version: 4 | 6): number | null {
  const name = text.toLowerCase();
  if (name === "any") return null;
  if (name === "icmp") return version === 6 ? ICMP6 : ICMP4;
  const named = NAMES[name];
  if (named !== undefined) return named;
  const number = /^\d{1,3}$/.test(name) ? Number(name) : NaN;
  if (number >= 0 && number <= 255) return number;
  throw new TraceInputError(
    "bad_request",
    `protocol ${text} is not supported; use tcp, udp, icmp, any or 0-255`,
  );
}

export function requestPacket(request: TraceRequest, src: Address, dst: Address): Packet {
  const text: unknown = request.protocol;
  const protocol = protocolNumber(typeof text === "string" ? text : "icmp", dst.version);
  const ports = hasPorts(protocol);
  const icmp = isIcmp(protocol);
  const echo = protocol === ICMP6 ? 128 : 8;
  return {
    src,
    dst,
    protocol,
    srcPort: ports ? (request.source_port ?? 32768) : null,
    dstPort: ports ? (request.destination_port ?? null) : null,
    icmpType: icmp ? (request.icmp_type ?? echo) : null,
    icmpCode: icmp ? (request.icmp_code ?? 0) : null,
  };
}

/** The reply: addresses and ports swapped, an ICMP request answered by its reply type. */
export function replyPacket(packet: Packet): Packet {
  const type = packet.icmpType;
  return {
    ...packet,
    src: packet.dst,
    dst: packet.src,
    srcPort: packet.dstPort,
    dstPort: packet.srcPort,
    icmpType: type === null ? null : (ICMP_REPLY[type] ?? type),
  };
}

export function header(packet: Packet): PacketHeader {
  return {
    src_ip: formatIp(packet.src),
    dst_ip: formatIp(packet.dst),
    protocol: packet.protocol,
    src_port: packet.srcPort,
    dst_port: packet.dstPort,
  };
}

/** A map key for an address: equal addresses, however written, give the same key. */
export const ipKey = (address: Address): string => `${address.version}/${address.value}`;

/** "tcp 10.0.0.5:32768 -> 10.0.0.6:22", "icmp type 8 code 0 ...": how details name the packet. */
export function describe(packet: Packet): string {
  const name = protocolName(packet.protocol);
  const src = formatIp(packet.src);
  const dst = formatIp(packet.dst);
  if (hasPorts(packet.protocol))
    return `${name} ${src}:${packet.srcPort ?? "any"} -> ${dst}:${packet.dstPort ?? "any"}`;
  if (isIcmp(packet.protocol))
    return `${name} type ${packet.icmpType} code ${packet.icmpCode} ${src} -> ${dst}`;
  return `${name} ${src} -> ${dst}`;
}

export function protocolName(protocol: number | null): string {
  if (protocol === null) return "any protocol";
  const names: Record<number, string> = { 6: "tcp", 17: "udp", 132: "sctp", 1: "icmp", 58: "ipv6-icmp" };
  return names[protocol] ?? `protocol ${protocol}`;
}
