import type { Change } from "./driver.ts";
import { TABLES, type Model, type TableName } from "./model.ts";
import { same } from "./same.ts";

/**
 * What turns `applied` into `desired`: creates and updates table by table in dependency order
 * (parents first), then deletes in reverse order (children first). A row deep-equal to its
 * applied self, owner revision included, is no change. Names are sorted so the order is stable.
 */
export function diff(applied: Model, desired: Model): Change[] {
  const changes: Change[] = [];
  for (const table of TABLES) changes.push(...upserts(table, applied, desired));
  for (const table of [...TABLES].reverse()) changes.push(...deletes(table, applied, desired));
  return changes;
}

function upserts(table: TableName, applied: Model, desired: Model): Change[] {
  const before: Record<string, unknown> = applied[table];
  const after: Record<string, unknown> = desired[table];
  const changes: Change[] = [];
  for (const name of Object.keys(after).sort()) {
    const row = desired[table][name];
    if (row === undefined) continue;
    const current = before[name];
    if (current === undefined) changes.push({ op: "create", table, name, row });
    else if (!same(current, row)) changes.push({ op: "update", table, name, row });
  }
  return changes;
}

function deletes(table: TableName, applied: Model, desired: Model): Change[] {
  const after: Record<string, unknown> = desired[table];
  return Object.keys(applied[table])
    .filter((name) => after[name] === undefined)
    .sort()
    .map((name) => ({ op: "delete", table, name }));
}
