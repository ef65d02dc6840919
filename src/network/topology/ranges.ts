import { cidrsOverlap, formatCidr, parseCidr, type Cidr } from "../../lib/ip.ts";

/**
 * A zone's segment and address resources: VLAN ranges per physnet ("physnet:min:max"), VNI ranges
 * ("min:max") and public IP pools (CIDRs). Parsers return a reason string when the text is wrong.
 */

export const VLAN_MIN = 1;
export const VLAN_MAX = 4094;
export const VNI_MIN = 1;
export const VNI_MAX = 16_777_215;

export interface IdRange {
  physnet: string;
  min: number;
  max: number;
}

/** The three lists as stored (canonical text). */
export interface ZoneRanges {
  vlan_ranges: string[];
  vni_ranges: string[];
  public_ip_pools: string[];
}

const NUMBER = /^\d+$/;

function parseBounds(text: string, min: number, max: number, label: string): IdRange | string {
  const [low = "", high = ""] = text.split(":");
  const lo = Number(low);
  const hi = Number(high);
  if (!NUMBER.test(low) || !NUMBER.test(high)) return `'${text}' is not a valid ${label}`;
  if (lo < min || hi > max) return `'${text}' is not in range ${min} through ${max}`;
  if (lo > hi) return `'${text}' has its minimum above its maximum`;
  return { physnet: "", min: lo, max: hi };
}

export function parseVlanRange(value: unknown): IdRange | string {
  const text = String(value);
  const parts = text.split(":");
  if (typeof value !== "string" || parts.length !== 3 || parts[0] === "")
    return `'${text}' is not a valid VLAN range (physnet:min:max)`;
  const bounds = parseBounds(`${parts[1]}:${parts[2]}`, VLAN_MIN, VLAN_MAX, "VLAN range");
  return typeof bounds === "string" ? bounds : { ...bounds, physnet: parts[0] ?? "" };
}

export function parseVniRange(value: unknown): IdRange | string {
  const text = String(value);
  if (typeof value !== "string" || text.split(":").length !== 2)
    return `'${text}' is not a valid VNI range (min:max)`;
  return parseBounds(text, VNI_MIN, VNI_MAX, "VNI range");
}

export function parsePool(value: unknown): Cidr | string {
  const cidr = typeof value === "string" ? parseCidr(value) : undefined;
  return cidr ?? `'${String(value)}' is not a valid CIDR`;
}

/** A list validator for the attribute map: every entry parses, and no two entries overlap. */
export const validRanges =
  (kind: keyof ZoneRanges) =>
  (value: unknown): string | undefined => {
    if (!Array.isArray(value)) return `'${String(value)}' is not a list`;
    for (const entry of value) {
      const parsed = PARSERS[kind](entry);
      if (typeof parsed === "string") return parsed;
    }
    const clash = overlapping(kind, value as string[], value as string[]);
    return clash === undefined ? undefined : `'${clash[0]}' overlaps '${clash[1]}'`;
  };

const PARSERS = { vlan_ranges: parseVlanRange, vni_ranges: parseVniRange, public_ip_pools: parsePool };

/** Pools are stored canonically ("10.0.0.0/24"), so equal pools compare equal as text. */
export function canonicalPools(pools: readonly string[]): string[] {
  return pools.map((pool) => {
    const cidr = parsePool(pool);
    return typeof cidr === "string" ? pool : formatCidr(cidr);
  });
}

/** The first pair (mine, theirs) that overlaps; within one list, an entry never clashes with itself. */
export function overlapping(
  kind: keyof ZoneRanges,
  mine: readonly string[],
  theirs: readonly string[],
): [string, string] | undefined {
  const same = mine === theirs;
  for (const [i, a] of mine.entries())
    for (const [j, b] of theirs.entries()) {
      if (same && j <= i) continue;
      if (entriesOverlap(kind, a, b)) return [a, b];
    }
  return undefined;
}

function entriesOverlap(kind: keyof ZoneRanges, a: string, b: string): boolean {
  if (kind === "public_ip_pools") {
    const [x, y] = [parsePool(a), parsePool(b)];
    return typeof x !== "string" && typeof y !== "string" && cidrsOverlap(x, y);
  }
  const [x, y] = [PARSERS[kind](a), PARSERS[kind](b)];
  if (typeof x === "string" || typeof y === "string") return false;
  return x.physnet === y.physnet && x.min <= y.max && y.min <= x.max;
}
