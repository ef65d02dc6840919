import { cidrsOverlap, formatCidr, parseCidr, parseCidrLoose, type Cidr } from "../../lib/ip.ts";
import { InvalidVpcCidr } from "./errors.ts";
import type { VpcRow } from "./store.ts";

export const NEXTHOP_TYPES = ["local", "port", "blackhole", "peering", "nat_gateway"] as const;

/** A CIDR as stored: strict (no host bits), in canonical text; undefined when it is not one. */
export function canonicalCidr(text: string): string | undefined {
  const cidr = parseCidr(text);
  return cidr === undefined ? undefined : formatCidr(cidr);
}

const parsed = (text: string): Cidr => {
  const cidr = parseCidrLoose(text);
  if (cidr === undefined) throw new InvalidVpcCidr(`'${text}' is not a valid CIDR`);
  return cidr;
};

/** `inner` lies wholly inside `outer`. */
export function cidrWithin(outer: string, inner: string): boolean {
  const [a, b] = [parsed(outer), parsed(inner)];
  return a.prefix <= b.prefix && cidrsOverlap(a, b);
}

/** A VPC's CIDRs in canonical form; none may overlap another (each is a separate block). */
export function checkVpcCidrs(cidrs: readonly string[]): string[] {
  const canonical = cidrs.map((cidr) => {
    const text = canonicalCidr(cidr);
    if (text === undefined)
      throw new InvalidVpcCidr(`Invalid input for cidr. Reason: '${cidr}' is not a valid CIDR.`);
    return text;
  });
  canonical.forEach((cidr, i) => {
    const clash = canonical.slice(0, i).find((other) => cidrsOverlap(parsed(other), parsed(cidr)));
    if (clash !== undefined) throw new InvalidVpcCidr(`CIDR ${cidr} overlaps with CIDR ${clash} of the VPC`);
  });
  return canonical;
}

export const cidrsOf = (row: VpcRow) => JSON.parse(row.cidrs) as string[];
