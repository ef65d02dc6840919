import type { Consumer, EventLog, StoredEvent } from "../events/log.ts";
import { compile as compileModel } from "./compile/index.ts";
import { CompiledNetwork } from "./compile/incremental.ts";
import type { NetworkState, PortInput } from "./compile/input.ts";
import { diff } from "./diff.ts";
import type { ApplyResult, Change, Counters, Driver } from "./driver.ts";
import { emptyModel, type Model } from "./model.ts";
import { erroredOwners, statusChanges, type StatusIndex, type StatusUpdate } from "./status.ts";
import { trace } from "./trace/index.ts";
import type { TraceRequest, TraceResult } from "./trace/types.ts";
import { recordOutcomes, Serial } from "./controller-support.ts";

/** Where desired state comes from and statuses go to (the network service's sdn-state). */
export interface SdnSource {
  load(): Promise<{ state: NetworkState; statuses: StatusIndex }>;
  /** Some ports and their statuses (absent ids are deleted ports): what lets a pass be incremental. */
  loadPorts?(ids: readonly string[]): Promise<{ ports: PortInput[]; statuses: StatusIndex }>;
  writeStatuses(updates: readonly StatusUpdate[]): Promise<number>;
}

export interface ControllerOptions {
  events: EventLog;
  source: SdnSource;
  driver: Driver;
  /** The full consistency check (observe() against desired); default 60 s. */
  checkIntervalMs?: number;
  /** Safety net for missed wake-ups; default 5 s. */
  pollMs?: number;
  onError?: (error: unknown) => void;
  /** Injectable for tests; the real compiler by default. */
  compile?: (state: NetworkState) => Model;
}

/** What one reconcileNow() (or fullCheck) did. */
export interface ReconcileReport {
  /** Log events handled. */
  events: number;
  /** Reconcile passes run (each: load, compile, diff, apply, statuses). */
  passes: number;
  /** Of those, the passes that re-read and compiled only the changed ports. */
  incremental: number;
  /** Changes the driver applied / refused. */
  applied: number;
  failed: number;
  /** Statuses written back. */
  statuses: number;
  /** The driver's reasons for refused changes (the first few). */
  errors: string[];
}

/** The resources whose events can change the compiled model. */
const WATCHED = new Set([
  "network",
  "subnet",
  "port",
  "router",
  "floatingip",
  "port_forwarding",
  "security_group",
  "security_group_rule",
  "rbac_policy",
  "qos_policy",
  "sdn_zone",
  "sdn_host",
  "sdn_device",
  "sdn_link",
  "vpc",
  "route_table",
  "vpc_peering",
  "bandwidth",
  "nat_gateway",
  "snat_rule",
  "dnat_rule",
  "firewall_group",
  "firewall_policy",
  "firewall_rule",
]);
/** More changed ports than this in one pass: re-reading everything is cheaper. */
const MAX_INCREMENTAL_PORTS = 200;
/** A pass that writes statuses causes one more (to apply the new revisions); more means a loop. */
const MAX_PASSES = 10;
const MAX_ERRORS = 20;
const PASS_REST_FACTOR = 19;
const MIN_REST_MS = 20;
const MAX_REST_MS = 5_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
export const CONSUMER_NAME = "sdn-controller";

/**
 * The level-based reconcile loop (controller-runtime style). The event log only says that
 * something changed; a pass re-reads the desired state, compiles it, diffs it against what the
 * driver holds, applies the difference and writes statuses back. Events for many keys collapse
 * into one pass. When only ordinary ports changed, the pass re-reads and compiles just those
 * ports against the last full compile (an incremental pass); anything else re-reads it all.
 * Driver I/O never happens inside a database transaction.
 */
export class SdnController {
  readonly driver: Driver;
  private readonly consumer: Consumer;
  private readonly serial = new Serial();
  private readonly compile: (state: NetworkState) => Model;
  /** Something beyond ordinary ports changed since the last pass: re-read it all. */
  private dirty = false;
  /** The ports changed since the last pass, when that is all that changed. */
  private readonly changedPorts = new Set<string>();
  /** The last full compile, patched by incremental passes; undefined: the next pass is full. */
  private compiled: CompiledNetwork | undefined;
  /** What the driver holds as far as this controller knows; undefined until the start-up sync. */
  private applied: Model | undefined;
  private driverStarted = false;
  private running = false;
  private looping = false;
  private wanted = false;
  private timers: NodeJS.Timeout[] = [];
  private retry: NodeJS.Timeout | undefined;
  private retryMs = 1000;
  private unsubscribe: (() => void) | undefined;
  /** Drift repaired by full checks since start. */
  repairs = 0;

  constructor(private readonly options: ControllerOptions) {
    this.driver = options.driver;
    this.compile = options.compile ?? compileModel;
    this.consumer = options.events.consumer(CONSUMER_NAME, (event) => this.note(event), {
      batchSize: 500,
    });
  }

  /** Runs the loop in the background: a full sync now, then the log, a retry on failures, checks. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.events.onWake(() => this.kick());
    const every = (ms: number, fn: () => void) => this.timers.push(setInterval(fn, ms).unref());
    every(this.options.pollMs ?? 5_000, () => this.kick());
    every(this.options.checkIntervalMs ?? 60_000, () => {
      this.fullCheck().catch((error: unknown) => this.fail(error));
    });
    this.kick();
  }

  /** Stops the loop and waits for the pass under way. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    clearTimeout(this.retry);
    await this.serial.idle();
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.driverStarted) await this.driver.close();
    this.driverStarted = false;
    this.applied = undefined;
    this.compiled = undefined;
  }

  /** Drains the log and reconciles until converged: what tests await instead of sleeping. */
  reconcileNow(): Promise<ReconcileReport> {
    return this.serial.run(async () => {
      const report = emptyReport();
      await this.sync(report);
      await this.converge(report);
      return report;
    });
  }

  /** Observes the data plane, repairs drift from the desired model, counts the repairs. */
  fullCheck(): Promise<{ repaired: number }> {
    return this.serial.run(async () => {
      const report = emptyReport();
      await this.sync(report);
      await this.converge(report);
      this.applied = await this.driver.observe();
      await this.pass(report);
      const repaired = report.applied;
      this.repairs += repaired;
      await this.converge(report);
      return { repaired };
    });
  }

  /** What the data plane holds now. */
  appliedModel(): Promise<Model> {
    return this.driver.observe();
  }

  /** The driver's traffic counters; undefined when it keeps none. */
  counters(): Counters | undefined {
    return this.driver.counters?.();
  }

  /** Through the driver's tracer, or over the model this controller applied. */
  trace(request: TraceRequest): TraceResult {
    if (this.driver.trace !== undefined) return this.driver.trace(request);
    return trace(this.applied ?? emptyModel(), request);
  }

  /** The log position handled so far. */
  cursor(): Promise<number> {
    return this.consumer.position();
  }

  /** The event handler: runs inside the consumer's batch transaction, so it only takes notes. */
  private async note(event: StoredEvent): Promise<void> {
    const kind = event.type.split(".")[0] ?? "";
    if (!WATCHED.has(kind)) return;
    if (kind === "port" && event.resource_id !== null && this.changedPorts.size < MAX_INCREMENTAL_PORTS)
      this.changedPorts.add(event.resource_id);
    else this.dirty = true;
  }

  /** Start-up: the driver may hold anything (the virtual one nothing); make it hold the desired. */
  private async sync(report: ReconcileReport): Promise<void> {
    if (this.applied !== undefined) return;
    if (!this.driverStarted) await this.driver.start();
    this.driverStarted = true;
    this.applied = await this.driver.observe();
    try {
      await this.pass(report);
    } catch (error) {
      this.applied = undefined;
      throw error;
    }
  }

  /** Passes until the log holds nothing new for us (a status write's own events included). */
  private async converge(report: ReconcileReport): Promise<void> {
    for (let i = 0; i < MAX_PASSES; i++) {
      report.events += await this.consumer.drain();
      if (!this.dirty && this.changedPorts.size === 0) return;
      const ports = [...this.changedPorts];
      const full = this.dirty;
      this.dirty = false;
      this.changedPorts.clear();
      try {
        if (full || !(await this.portPass(report, ports))) await this.pass(report);
      } catch (error) {
        // The cursor has moved past the events: keep a note so the next pass is not skipped.
        this.dirty = true;
        this.compiled = undefined;
        throw error;
      }
    }
  }

  /** One level-based pass over the whole desired state. */
  private async pass(report: ReconcileReport): Promise<void> {
    const { state, statuses } = await this.options.source.load();
    const desired = this.compile(state);
    this.compiled = this.options.compile === undefined ? new CompiledNetwork(state, desired) : undefined;
    await this.realise(report, diff(this.applied ?? emptyModel(), desired), desired, state, statuses);
  }

  /** Re-reads and compiles only the changed ports; false when they need a full pass instead. */
  private async portPass(report: ReconcileReport, ids: string[]): Promise<boolean> {
    const { compiled, applied } = this;
    const { source } = this.options;
    if (compiled === undefined || applied === undefined || source.loadPorts === undefined) return false;
    const { ports, statuses } = await source.loadPorts(ids);
    const found = new Set(ports.map((port) => port.id));
    const touched = compiled.patchPorts(
      ports,
      ids.filter((id) => !found.has(id)),
    );
    if (touched === undefined) return false;
    const state: NetworkState = { ...NOTHING, ports };
    await this.realise(report, diff(applied, compiled.model, touched), compiled.model, state, statuses);
    report.incremental += 1;
    return true;
  }

  /** Applies the changes, records what took, writes the statuses of `state`'s resources. */
  private async realise(
    report: ReconcileReport,
    changes: Change[],
    desired: Model,
    state: NetworkState,
    statuses: StatusIndex,
  ): Promise<void> {
    const applied = (this.applied ??= emptyModel());
    const result: ApplyResult =
      changes.length > 0 ? await this.driver.apply(changes) : { outcomes: [], applied: 0, failed: 0 };
    recordOutcomes(applied, result.outcomes);
    report.passes += 1;
    report.applied += result.applied;
    report.failed += result.failed;
    for (const outcome of result.outcomes) {
      if (outcome.error !== undefined && report.errors.length < MAX_ERRORS) report.errors.push(outcome.error);
    }
    const updates = statusChanges(state, statuses, this.applied, erroredOwners(desired, result.outcomes));
    report.statuses += await this.options.source.writeStatuses(updates);
    this.scheduleRetry(result.failed > 0);
  }

  /** Refused changes are retried with backoff (up to the check interval) until they apply. */
  private scheduleRetry(failed: boolean): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    if (!failed) {
      this.retryMs = 1000;
      return;
    }
    if (!this.running) return;
    this.retry = setTimeout(() => {
      this.dirty = true;
      this.kick();
    }, this.retryMs).unref();
    this.retryMs = Math.min(this.retryMs * 2, this.options.checkIntervalMs ?? 60_000);
  }

  /**
   * Wake-ups while a pass runs, or while the loop rests after one, collapse into one more pass.
   * The rest is PASS_REST_FACTOR times the pass, so at scale (a pass re-reads and recompiles
   * everything) the controller takes at most a twentieth of the event loop from the API.
   */
  private kick(): void {
    this.wanted = true;
    if (this.looping || !this.running) return;
    this.looping = true;
    void (async () => {
      while (this.wanted && this.running) {
        this.wanted = false;
        const started = performance.now();
        await this.reconcileNow().catch((error: unknown) => this.fail(error));
        const rest = (performance.now() - started) * PASS_REST_FACTOR;
        await sleep(Math.min(MAX_REST_MS, Math.max(MIN_REST_MS, rest)));
      }
      this.looping = false;
    })();
  }

  private fail(error: unknown): void {
    if (this.options.onError) this.options.onError(error);
    else process.stderr.write(`sdn-controller: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

function emptyReport(): ReconcileReport {
  return { events: 0, passes: 0, incremental: 0, applied: 0, failed: 0, statuses: 0, errors: [] };
}

const NOTHING: NetworkState = {
  networks: [],
  subnets: [],
  ports: [],
  routers: [],
  floating_ips: [],
  port_forwardings: [],
  security_groups: [],
  security_group_rules: [],
};
