import type { Model, TableName } from "../model.ts";

/** The rows a patch may have changed, per table: what the controller diffs. */
export type Touched = Map<TableName, Set<string>>;

/** Sets or deletes one row and notes it as touched. */
export function setRow<T extends TableName>(
  model: Model,
  table: T,
  name: string,
  row: Model[T][string] | undefined,
  touched: Touched,
): void {
  const rows = model[table] as Record<string, Model[T][string]>;
  if (row === undefined && rows[name] === undefined) return;
  if (row === undefined) delete rows[name];
  else rows[name] = row;
  const names = touched.get(table);
  if (names === undefined) touched.set(table, new Set([name]));
  else names.add(name);
}
