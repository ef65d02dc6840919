import {
  applyResult,
  type ApplyResult,
  type Change,
  type ChangeOutcome,
  type Counters,
  type Driver,
} from "../../driver.ts";
import { emptyModel, type Model, type TableName } from "../../model.ts";
import { forgetIndex, trace } from "../../trace/index.ts";
import type { TraceRequest, TraceResult } from "../../trace/types.ts";
import { TrafficCounters } from "./counters.ts";
import { refusal } from "./parents.ts";

type AnyRow = Model[TableName][string];

/**
 * The in-process data plane: the applied model held in memory and traced by sdn/trace. It starts
 * empty on every start-up; the controller's full sync rebuilds it from the database.
 */
export class VirtualDriver implements Driver {
  readonly name = "virtual";
  readonly capabilities = ["l2", "l3", "nat", "acl", "dhcp", "trace", "counters"] as const;
  private model: Model = emptyModel();
  // Like a real data plane's, they start from zero when the driver starts.
  private traffic = new TrafficCounters();

  async start(): Promise<void> {
    this.model = emptyModel();
    this.traffic = new TrafficCounters();
  }

  /** A copy: callers never hold (or change) the driver's own rows. */
  async observe(): Promise<Model> {
    return structuredClone(this.model);
  }

  /** Creates and updates are upserts and deleting a missing row succeeds: re-applying is harmless. */
  async apply(changes: readonly Change[]): Promise<ApplyResult> {
    const outcomes: ChangeOutcome[] = [];
    for (const change of changes) {
      const error = refusal(this.model, change);
      if (error !== undefined) {
        outcomes.push({ change, ok: false, error });
        continue;
      }
      const rows = this.model[change.table] as Record<string, AnyRow>;
      if (change.op === "delete") delete rows[change.name];
      else if (change.row !== undefined) rows[change.name] = structuredClone(change.row);
      outcomes.push({ change, ok: true });
    }
    // The tracer caches its lookups per model object; the rows just changed under it.
    if (changes.length > 0) forgetIndex(this.model);
    return applyResult(outcomes);
  }

  async close(): Promise<void> {
    this.model = emptyModel();
  }

  trace(request: TraceRequest): TraceResult {
    const result = trace(this.model, request);
    if (request.traffic !== undefined) this.traffic.count(this.model, result, request.traffic);
    return result;
  }

  counters(): Counters {
    return this.traffic.snapshot();
  }
}
