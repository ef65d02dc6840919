import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { sql, type Kysely } from "kysely";
import { openDb, transaction, type Database } from "../../src/db/index.ts";
import { migrate } from "../../src/db/migrate.ts";
import { EventLog, type StoredEvent } from "../../src/events/log.ts";
import { FakeClock } from "../../src/lib/clock.ts";
import { testDbUrl } from "../helpers/db.ts";

interface Handled {
  handled: { seq: number; consumer: string };
}

/** A durable database (a file on SQLite) so a "restart" can reopen it. */
async function durableDb(): Promise<{ open: () => Promise<Database>; cleanup: () => Promise<void> }> {
  if (process.env.STRATUS_TEST_DB === "postgres") {
    const { url, options, drop } = await testDbUrl();
    return { open: () => openDb(url, options), cleanup: drop };
  }
  const dir = mkdtempSync(join(tmpdir(), "stratus-events-"));
  return {
    open: () => openDb(`sqlite:${join(dir, "db.sqlite")}`),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function appendMany(db: Database, log: EventLog, count: number, from = 0): Promise<void> {
  for (let i = 0; i < count; i++) {
    await transaction(db, (tx) =>
      log.append(tx, { type: "test.thing.created", resource_id: `r${from + i}`, payload: { i: from + i } }),
    );
  }
}

async function handledSeqs(db: Database): Promise<number[]> {
  const rows = await db.as<Handled>().selectFrom("handled").select("seq").orderBy("seq").execute();
  return rows.map((row) => Number(row.seq));
}

test("a consumer stopped mid-stream resumes after a restart with nothing lost and nothing handled twice", async () => {
  const { open, cleanup } = await durableDb();
  const clock = new FakeClock();
  let db = await open();
  await migrate(db);
  await sql`CREATE TABLE handled (seq integer PRIMARY KEY, consumer text NOT NULL)`.execute(db.as<unknown>());
  let log = new EventLog(db, clock);
  await appendMany(db, log, 10);

  // The handler records each event in the same transaction as the cursor; it dies at event 7.
  const record = (failAt: number | null) => async (event: StoredEvent, tx: { db: Kysely<unknown> }) => {
    if (event.payload.i === failAt) throw new Error("crash");
    await (tx.db as Kysely<Handled>)
      .insertInto("handled")
      .values({ seq: event.seq, consumer: "c" })
      .execute();
  };
  const first = log.consumer("metering", record(7), { batchSize: 3 });
  await assert.rejects(first.drain(), /crash/);
  assert.deepEqual(await handledSeqs(db), [1, 2, 3, 4, 5, 6], "the failed batch rolled back as a whole");
  assert.equal(await first.position(), 6);
  await log.close();
  await db.close();

  // Restart: a new process opens the same database; more events arrive meanwhile.
  db = await open();
  log = new EventLog(db, clock);
  await appendMany(db, log, 5, 10);
  const second = log.consumer("metering", record(null), { batchSize: 3 });
  assert.equal(await second.drain(), 9);
  assert.deepEqual(
    await handledSeqs(db),
    Array.from({ length: 15 }, (_, i) => i + 1),
  );
  assert.equal(await second.position(), 15);
  assert.equal(await second.drain(), 0, "nothing is handled twice");
  await log.close();
  await db.close();
  await cleanup();
});

test("consumers are woken after commit, never for a rolled-back transaction, and keep separate cursors", async () => {
  const { open, cleanup } = await durableDb();
  const db = await open();
  await migrate(db);
  const log = new EventLog(db, new FakeClock());
  const seen: string[] = [];
  const other: number[] = [];
  const woken = new Promise<void>((resolve) => {
    const consumer = log.consumer(
      "live",
      async (event) => {
        seen.push(event.type);
        if (seen.length === 2) {
          void consumer.stop();
          resolve();
        }
      },
      { pollMs: 60_000 },
    );
    consumer.start();
  });
  await assert.rejects(
    transaction(db, async (tx) => {
      await log.append(tx, { type: "rolled.back", payload: {} });
      throw new Error("abort");
    }),
  );
  await appendMany(db, log, 2);
  await woken;
  assert.deepEqual(seen, ["test.thing.created", "test.thing.created"], "the rolled-back event never appears");
  const audit = log.consumer("audit", async (event) => void other.push(event.seq));
  assert.equal(await audit.drain(), 2);
  assert.equal(other.length, 2);
  await log.close();
  await db.close();
  await cleanup();
});

test(
  "on PostgreSQL, a commit on one node wakes a consumer on another (LISTEN/NOTIFY)",
  { skip: process.env.STRATUS_TEST_DB !== "postgres" },
  async () => {
    const { open, cleanup } = await durableDb();
    const nodeA = await open();
    await migrate(nodeA);
    const nodeB = await open();
    const logA = new EventLog(nodeA, new FakeClock());
    const logB = new EventLog(nodeB, new FakeClock());
    await logB.listen();
    const types: string[] = [];
    const woken = new Promise<void>((resolve) => {
      const stop = logB.onWake((type) => {
        types.push(type);
        stop();
        resolve();
      });
    });
    await transaction(nodeA, (tx) => logA.append(tx, { type: "identity.project.created", payload: {} }));
    await woken;
    assert.deepEqual(types, ["identity.project.created"]);
    await logA.close();
    await logB.close();
    await nodeA.close();
    await nodeB.close();
    await cleanup();
  },
);
