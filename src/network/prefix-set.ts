/**
 * Sets of addresses as sorted, disjoint ranges, read back as CIDR blocks: what netaddr's IPSet
 * does for Neutron's subnet pools (compacting prefixes, subtracting allocations).
 */
import { cidrRange, type Cidr, type IpRange, type IpVersion } from "../lib/ip.ts";

/** Sorted, merged ranges (adjacent ones joined). */
export function mergeRanges(ranges: readonly IpRange[]): IpRange[] {
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const merged: IpRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && range.first <= last.last + 1n) {
      if (range.last > last.last) last.last = range.last;
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

/** `from` without the addresses of `remove`; both sorted and merged. */
export function subtractRanges(from: readonly IpRange[], remove: readonly IpRange[]): IpRange[] {
  const out: IpRange[] = [];
  for (const range of from) {
    let pieces: IpRange[] = [range];
    for (const cut of remove) {
      pieces = pieces.flatMap((piece) => {
        if (cut.last < piece.first || cut.first > piece.last) return [piece];
        const left = cut.first > piece.first ? [{ ...piece, last: cut.first - 1n }] : [];
        const right = cut.last < piece.last ? [{ ...piece, first: cut.last + 1n }] : [];
        return [...left, ...right];
      });
    }
    out.push(...pieces);
  }
  return out;
}

/** The fewest CIDR blocks covering exactly the range, in address order (netaddr's iter_cidrs). */
export function rangeToCidrs(range: IpRange): Cidr[] {
  const width = range.version === 4 ? 32 : 128;
  const cidrs: Cidr[] = [];
  let first = range.first;
  while (first <= range.last) {
    // The largest block aligned on `first` that does not run past the end.
    let bits = 0;
    while (
      bits < width &&
      (first & ((1n << BigInt(bits + 1)) - 1n)) === 0n &&
      first + (1n << BigInt(bits + 1)) - 1n <= range.last
    ) {
      bits++;
    }
    cidrs.push({ version: range.version, network: first, prefix: width - bits });
    first += 1n << BigInt(bits);
  }
  return cidrs;
}

/** Compacted CIDRs of the union of `cidrs`, in address order. */
export function compactCidrs(cidrs: readonly Cidr[]): Cidr[] {
  return mergeRanges(cidrs.map(cidrRange)).flatMap(rangeToCidrs);
}

/** Whether every address of `inner` is in `outer`. */
export function coversAll(outer: readonly Cidr[], inner: readonly Cidr[]): boolean {
  return subtractRanges(mergeRanges(inner.map(cidrRange)), mergeRanges(outer.map(cidrRange))).length === 0;
}

/** The free blocks of a pool, smallest first (then by address), as Neutron tries them. */
export function freeBlocks(prefixes: readonly Cidr[], allocated: readonly Cidr[]): Cidr[] {
  const free = subtractRanges(mergeRanges(prefixes.map(cidrRange)), mergeRanges(allocated.map(cidrRange)));
  const blocks = free.flatMap(rangeToCidrs);
  // Array.prototype.sort is stable, so blocks of one size stay in address order.
  return blocks.sort((a, b) => b.prefix - a.prefix);
}

export function versionWidth(version: IpVersion): number {
  return version === 4 ? 32 : 128;
}
