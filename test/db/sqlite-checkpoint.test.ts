import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep, setImmediate as yieldToLoop } from "node:timers/promises";
import { test } from "node:test";
import { sql } from "kysely";
import { openDb } from "../../src/db/index.ts";

interface Blobs {
  blobs: { id?: number; body: string };
}

test("SQLite: under sustained writes the WAL stays bounded and every write is kept", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stratus-wal-"));
  const file = join(dir, "db.sqlite");
  const rows = 6000;
  const body = "x".repeat(8000); // ~3 pages a commit: ~75 MB of log in all
  try {
    let db = await openDb(`sqlite:${file}`);
    const blobs = db.as<Blobs>();
    await sql`create table blobs (id integer primary key, body text not null)`.execute(blobs);
    let largestWal = 0;
    for (let i = 0; i < rows; i++) {
      await blobs.insertInto("blobs").values({ body }).execute();
      await yieldToLoop(); // as a server does between requests
      if (i % 500 === 499) await sleep(120); // and, now and then, between bursts
      if (i % 100 === 0) largestWal = Math.max(largestWal, statSync(`${file}-wal`).size);
    }
    await db.close();
    assert.ok(largestWal < 40 * 1024 * 1024, `the WAL grew to ${(largestWal / 2 ** 20).toFixed(1)} MB`);

    db = await openDb(`sqlite:${file}`);
    const [count] = await db
      .as<Blobs>()
      .selectFrom("blobs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .execute();
    await db.close();
    assert.equal(Number(count?.n), rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
