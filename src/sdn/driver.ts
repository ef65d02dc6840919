import type { Model, TableName } from "./model.ts";
import type { TraceRequest, TraceResult } from "./trace/types.ts";

/** One row to write to (or remove from) the data plane; `row` is absent for deletes. */
export interface Change {
  op: "create" | "update" | "delete";
  table: TableName;
  name: string;
  row?: Model[TableName][string];
}

/** What became of one change: drivers report each, so one bad row does not block the rest. */
export interface ChangeOutcome {
  change: Change;
  ok: boolean;
  /** Why it failed (absent when ok). */
  error?: string;
}

export interface ApplyResult {
  outcomes: ChangeOutcome[];
  applied: number;
  failed: number;
}

/**
 * A southbound data plane behind one small interface (Kysely's dialect pattern). A driver holds
 * no source of truth: the controller rebuilds it from the database, so it may start empty.
 */
export interface Driver {
  readonly name: string;
  /** What it realises beyond the basics, e.g. "trace". */
  readonly capabilities: readonly string[];
  /** Connects (or prepares); called once before anything else. */
  start(): Promise<void>;
  /** What the data plane holds now (problems always empty). */
  observe(): Promise<Model>;
  /** Applies the changes in order; a change failing does not stop those after it. */
  apply(changes: readonly Change[]): Promise<ApplyResult>;
  close(): Promise<void>;
  /** Walks a packet through what the data plane holds (drivers that can). */
  trace?(request: TraceRequest): TraceResult;
}

/** Settings a driver may need (connection URLs, ...); none for the virtual driver. */
export type DriverOptions = Readonly<Record<string, string | undefined>>;

export type DriverFactory = (options: DriverOptions) => Driver;

/** Sums outcomes into an ApplyResult. */
export function applyResult(outcomes: ChangeOutcome[]): ApplyResult {
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  return { outcomes, applied: outcomes.length - failed, failed };
}
