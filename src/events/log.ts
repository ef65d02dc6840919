import { EventEmitter } from "node:events";
import { sql, type Kysely } from "kysely";
import type pg from "pg";
import { loadPg, transaction, type Database, type TxScope } from "../db/index.ts";
import { precompiled } from "../db/precompiled.ts";
import type { Clock } from "../lib/clock.ts";
import type { EventTables } from "./tables.ts";

export interface NewEvent {
  /** `<service>.<resource>.<created|updated|deleted>` or OpenStack's notification name. */
  type: string;
  project_id?: string | null;
  resource_id?: string | null;
  payload: Record<string, unknown>;
}

export interface StoredEvent {
  seq: number;
  type: string;
  project_id: string | null;
  resource_id: string | null;
  payload: Record<string, unknown>;
  created_at: string;
}

export type EventHandler = (event: StoredEvent, tx: TxScope<unknown>) => Promise<void>;

const CHANNEL = "stratus_events";

/** Every write appends one: compiled once (see precompiled). */
const insertEvent = precompiled(
  5,
  (
    db: Kysely<EventTables>,
    type: string,
    projectId: string | null,
    resourceId: string | null,
    payload: string,
    createdAt: string,
  ) =>
    db
      .insertInto("events")
      .values({ type, project_id: projectId, resource_id: resourceId, payload, created_at: createdAt })
      .returning("seq"),
);
// Appends take this transaction-scoped advisory lock on PostgreSQL, so sequence numbers are
// committed in order and a consumer can never read seq N+1 before N becomes visible.
const APPEND_LOCK = 7_427_001;

/**
 * The transactional outbox. `append` writes inside the caller's transaction; consumers read from
 * durable cursors and are woken after commit (in-process) or by LISTEN/NOTIFY (across nodes).
 */
export class EventLog {
  private readonly wakeups = new EventEmitter();
  private listener: pg.Client | undefined;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {
    this.wakeups.setMaxListeners(0);
  }

  async append<DB>(tx: TxScope<DB>, event: NewEvent): Promise<number> {
    const db = tx.db as unknown as Kysely<EventTables>;
    if (tx.dialect === "postgres") await sql`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`.execute(db);
    const [row] = await insertEvent(
      db,
      event.type,
      event.project_id ?? null,
      event.resource_id ?? null,
      JSON.stringify(event.payload),
      this.clock.now().toISOString(),
    );
    if (row === undefined) throw new Error("the event insert returned no sequence number");
    if (tx.dialect === "postgres") await sql`SELECT pg_notify(${CHANNEL}, ${event.type})`.execute(db);
    tx.onCommit(() => this.wake(event.type));
    return row.seq;
  }

  /** Called after a commit in this process, or when another node's NOTIFY arrives. */
  wake(type = ""): void {
    this.wakeups.emit("event", type);
  }

  onWake(fn: (type: string) => void): () => void {
    this.wakeups.on("event", fn);
    return () => this.wakeups.off("event", fn);
  }

  /** On PostgreSQL, listen for other nodes' commits. A no-op on SQLite (one process). */
  async listen(): Promise<void> {
    if (this.database.dialect !== "postgres" || this.listener !== undefined) return;
    const pg = await loadPg();
    const client = new pg.Client({ connectionString: this.database.url });
    await client.connect();
    client.on("notification", (message) => this.wake(message.payload ?? ""));
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  async close(): Promise<void> {
    this.wakeups.removeAllListeners();
    await this.listener?.end();
    this.listener = undefined;
  }

  consumer(name: string, handler: EventHandler, options: ConsumerOptions = {}): Consumer {
    return new Consumer(this.database, this, this.clock, name, handler, options);
  }

  async latestSeq(): Promise<number> {
    const row = await this.database
      .as<EventTables>()
      .selectFrom("events")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }
}

export interface ConsumerOptions {
  batchSize?: number;
  /** Safety net for missed wake-ups (e.g. a dropped LISTEN connection). */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * A named reader of the log. Each batch runs in one transaction with the cursor update, so a
 * handler's own writes and the cursor commit together: nothing is lost and nothing handled twice.
 */
export class Consumer {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeLoop: (() => void) | undefined;

  constructor(
    private readonly database: Database,
    private readonly log: EventLog,
    private readonly clock: Clock,
    readonly name: string,
    private readonly handler: EventHandler,
    private readonly options: ConsumerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const unsubscribe = this.log.onWake(() => this.wakeLoop?.());
    this.loop = this.run().finally(unsubscribe);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeLoop?.();
    await this.loop;
  }

  /** Handles everything committed so far; returns how many events it handled. */
  async drain(): Promise<number> {
    let total = 0;
    for (let handled = await this.processBatch(); handled > 0; handled = await this.processBatch()) {
      total += handled;
    }
    return total;
  }

  async position(): Promise<number> {
    const row = await this.database
      .as<EventTables>()
      .selectFrom("event_cursors")
      .select("position")
      .where("consumer", "=", this.name)
      .executeTakeFirst();
    return Number(row?.position ?? 0);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.processBatch();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (handled === 0 && this.running) await this.sleep(this.options.pollMs ?? 5_000);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeLoop = done;
    });
  }

  private processBatch(): Promise<number> {
    return transaction<EventTables, number>(this.database, async (tx) => {
      const position = await this.lockCursor(tx);
      const rows = await tx.db
        .selectFrom("events")
        .selectAll()
        .where("seq", ">", position)
        .orderBy("seq")
        .limit(this.options.batchSize ?? 100)
        .execute();
      for (const row of rows) {
        await this.handler(
          { ...row, seq: Number(row.seq), payload: JSON.parse(row.payload) as Record<string, unknown> },
          tx as TxScope<unknown>,
        );
      }
      const last = rows.at(-1);
      if (last !== undefined) {
        await tx.db
          .updateTable("event_cursors")
          .set({ position: Number(last.seq), updated_at: this.clock.now().toISOString() })
          .where("consumer", "=", this.name)
          .execute();
      }
      return rows.length;
    });
  }

  /** Reads the cursor, creating it at 0; on PostgreSQL the row lock makes one node the reader. */
  private async lockCursor(tx: TxScope<EventTables>): Promise<number> {
    await tx.db
      .insertInto("event_cursors")
      .values({ consumer: this.name, position: 0, updated_at: this.clock.now().toISOString() })
      .onConflict((oc) => oc.column("consumer").doNothing())
      .execute();
    let query = tx.db.selectFrom("event_cursors").select("position").where("consumer", "=", this.name);
    if (tx.dialect === "postgres") query = query.forUpdate();
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.position);
  }
}
