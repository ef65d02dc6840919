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
  /** Packet and byte counters per port and floating IP, since the driver started (drivers that keep them). */
  counters?(): Counters;
}

export interface PortCounters {
  rx_packets: number;
  rx_bytes: number;
  tx_packets: number;
  tx_bytes: number;
  /** Packets the port sent that were dropped on the way. */
  dropped_packets: number;
}

export interface FloatingIpCounters {
  ingress_packets: number;
  ingress_bytes: number;
  egress_packets: number;
  egress_bytes: number;
}

export interface Counters {
  /** By Neutron port id. */
  ports: ReadonlyMap<string, PortCounters>;
  /** By floating IP id. */
  floating_ips: ReadonlyMap<string, FloatingIpCounters>;
}

/** Settings a driver may need (connection URLs, ...); none for the virtual driver. */
export type DriverOptions = Readonly<Record<string, string | undefined>>;

export type DriverFactory = (options: DriverOptions) => Driver;

/** Sums outcomes into an ApplyResult. */
export function applyResult(outcomes: ChangeOutcome[]): ApplyResult {
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  return { outcomes, applied: outcomes.length - failed, failed };
}
