import type { LogicalSwitchPort, Model } from "../model.ts";
import { compareText } from "./context.ts";
import { setRow, type Touched } from "./touched.ts";

type Family = 4 | 6;

/**
 * How many member ports give each address to a security group's address sets, so one port can
 * leave or join a group without re-reading every member (a default group may hold thousands).
 * A group's counts are built from the model the first time one of its members changes.
 */
export class AddressCounts {
  private readonly counts = new Map<string, Record<Family, Map<string, number>>>();

  constructor(private readonly model: Model) {}

  /** Takes the port (as `row` was compiled) out of its groups. Call before replacing its row. */
  leave(row: LogicalSwitchPort | undefined, touched: Touched): void {
    for (const group of row?.port_groups ?? []) this.change(group, row!, -1, touched);
  }

  /** Puts the port (as `row` is compiled now) into its groups. Call after replacing its row. */
  join(row: LogicalSwitchPort | undefined, touched: Touched): void {
    for (const group of row?.port_groups ?? []) this.change(group, row!, 1, touched);
  }

  private change(groupName: string, row: LogicalSwitchPort, delta: 1 | -1, touched: Touched): void {
    const group = this.model.port_groups[groupName];
    if (group === undefined) return;
    const id = group.security_group_id;
    const counts = this.countsOf(id, group.ports);
    const ports = delta > 0 ? insertSorted(group.ports, row.name) : removeSorted(group.ports, row.name);
    setRow(this.model, "port_groups", groupName, { ...group, ports }, touched);
    for (const address of new Set(contributed(row))) {
      const family = familyOf(address);
      const count = (counts[family].get(address) ?? 0) + delta;
      if (count > 0) counts[family].set(address, count);
      else counts[family].delete(address);
      // Only the first member to bring an address, or the last to take it away, changes the set.
      if (count === 0) this.editSet(`as-${id}-ip${family}`, (list) => removeSorted(list, address), touched);
      if (count === 1 && delta > 0)
        this.editSet(`as-${id}-ip${family}`, (list) => insertSorted(list, address), touched);
    }
  }

  private editSet(name: string, edit: (addresses: readonly string[]) => string[], touched: Touched): void {
    const set = this.model.address_sets[name];
    if (set !== undefined)
      setRow(this.model, "address_sets", name, { ...set, addresses: edit(set.addresses) }, touched);
  }

  private countsOf(group: string, members: readonly string[]): Record<Family, Map<string, number>> {
    let counts = this.counts.get(group);
    if (counts !== undefined) return counts;
    counts = { 4: new Map(), 6: new Map() };
    for (const member of members) {
      const row = this.model.logical_switch_ports[member];
      for (const address of new Set(row === undefined ? [] : contributed(row))) {
        const family = counts[familyOf(address)];
        family.set(address, (family.get(address) ?? 0) + 1);
      }
    }
    this.counts.set(group, counts);
    return counts;
  }
}

/** A member's addresses in its groups' sets: its fixed IPs and allowed address pairs, as compiled. */
function contributed(row: LogicalSwitchPort): string[] {
  return row.port_security.flatMap((entry) => entry.ips);
}

function familyOf(address: string): Family {
  return address.includes(":") ? 6 : 4;
}

function insertSorted(items: readonly string[], item: string): string[] {
  const at = lowerBound(items, item);
  if (items[at] === item) return [...items];
  return [...items.slice(0, at), item, ...items.slice(at)];
}

function removeSorted(items: readonly string[], item: string): string[] {
  const at = lowerBound(items, item);
  if (items[at] !== item) return [...items];
  return [...items.slice(0, at), ...items.slice(at + 1)];
}

function lowerBound(items: readonly string[], item: string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareText(items[mid]!, item) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
