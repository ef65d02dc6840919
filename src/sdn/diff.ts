import type { Change } from "./driver.ts";
import { TABLES, type Model, type TableName } from "./model.ts";
import { same } from "./same.ts";
import type { Touched } from "./compile/touched.ts";

/**
 * What turns `applied` into `desired`: creates and updates table by table in dependency order
 * (parents first), then deletes in reverse order (children first). A row deep-equal to its
 * applied self, owner revision included, is no change. Names are sorted so the order is stable.
 * With `only`, just those rows are compared (an incremental pass knows what it touched).
 */
export function diff(applied: Model, desired: Model, only?: Touched): Change[] {
  const names = (table: TableName, side: Model) =>
    only === undefined ? Object.keys(side[table]) : [...(only.get(table) ?? [])];
  const changes: Change[] = [];
  for (const table of TABLES) changes.push(...upserts(table, applied, desired, names(table, desired)));
  for (const table of [...TABLES].reverse())
    changes.push(...deletes(table, applied, desired, names(table, applied)));
  return changes;
}

function upserts(table: TableName, applied: Model, desired: Model, names: string[]): Change[] {
  const before: Record<string, unknown> = applied[table];
  const changes: Change[] = [];
  for (const name of names.sort()) {
    const row = desired[table][name];
    if (row === undefined) continue;
    const current = before[name];
    if (current === undefined) changes.push({ op: "create", table, name, row });
    else if (!same(current, row)) changes.push({ op: "update", table, name, row });
  }
  return changes;
}

function deletes(table: TableName, applied: Model, desired: Model, names: string[]): Change[] {
  const before: Record<string, unknown> = applied[table];
  const after: Record<string, unknown> = desired[table];
  return names
    .filter((name) => before[name] !== undefined && after[name] === undefined)
    .sort()
    .map((name) => ({ op: "delete", table, name }));
}
