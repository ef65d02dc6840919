import { VpcPeeringTransitExhausted } from "./errors.ts";

/**
 * The link-local /30s the two routers of a peering meet on: 169.254.128.0/17, away from the
 * metadata address (169.254.169.254 lies in 169.254.169.252/30, which is skipped).
 */
const BLOCKS = 8192;
const METADATA_BLOCK = (169 - 128) * 64 + 252 / 4;

export function transitCidr(index: number): string {
  return `169.254.${128 + Math.floor(index / 64)}.${(index % 64) * 4}/30`;
}

/** The first /30 no peering holds. */
export function freeTransitCidr(used: ReadonlySet<string>): string {
  for (let index = 0; index < BLOCKS; index++) {
    const cidr = transitCidr(index);
    if (index !== METADATA_BLOCK && !used.has(cidr)) return cidr;
  }
  throw new VpcPeeringTransitExhausted();
}

/** The requester's and the accepter's addresses in a transit /30: .1 and .2. */
export function transitAddresses(cidr: string): { request: string; accept: string } {
  const [base = ""] = cidr.split("/");
  const octets = base.split(".").map(Number);
  const last = octets[3] ?? 0;
  const at = (offset: number) => [...octets.slice(0, 3), last + offset].join(".");
  return { request: at(1), accept: at(2) };
}
