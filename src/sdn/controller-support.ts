import type { ChangeOutcome } from "./driver.ts";
import type { Model, TableName } from "./model.ts";

type AnyRow = Model[TableName][string];

/** The applied model after the outcomes: what succeeded is recorded, what failed is not. */
export function recordOutcomes(applied: Model, outcomes: readonly ChangeOutcome[]): Model {
  if (outcomes.length === 0) return applied;
  const next: Model = { ...applied };
  const copied = new Set<TableName>();
  for (const { change, ok } of outcomes) {
    if (!ok) continue;
    if (!copied.has(change.table)) {
      (next as unknown as Record<TableName, Record<string, AnyRow>>)[change.table] = {
        ...applied[change.table],
      };
      copied.add(change.table);
    }
    const rows = next[change.table] as Record<string, AnyRow>;
    if (change.op === "delete") delete rows[change.name];
    else if (change.row !== undefined) rows[change.name] = change.row;
  }
  return next;
}

/** Runs jobs one at a time, in call order: passes, checks and syncs never interleave. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once everything queued so far has finished. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
