import type { ChangeOutcome } from "./driver.ts";
import type { Model, TableName } from "./model.ts";
import { forgetIndex } from "./trace/index.ts";

type AnyRow = Model[TableName][string];

/**
 * Records in `applied` (in place: the controller owns it, and copying a 10,000-row table per
 * pass would cost more than the pass) what succeeded; what failed is not recorded.
 */
export function recordOutcomes(applied: Model, outcomes: readonly ChangeOutcome[]): void {
  for (const { change, ok } of outcomes) {
    if (!ok) continue;
    const rows = applied[change.table] as Record<string, AnyRow>;
    if (change.op === "delete") delete rows[change.name];
    else if (change.row !== undefined) rows[change.name] = change.row;
  }
  // The tracer caches its lookups per model object; the rows just changed under it.
  if (outcomes.length > 0) forgetIndex(applied);
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
