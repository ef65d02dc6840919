import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { openDb } from "../../src/db/index.ts";
import { migrate } from "../../src/db/migrate.ts";
import { testDbUrl } from "../helpers/db.ts";

const onPostgres = process.env.STRATUS_TEST_DB === "postgres";

/** Creates and drops a schema with tables in it, over and over, until told to stop. */
async function churnSchemas(url: string, stop: () => boolean): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let rounds = 0;
  for (; !stop(); rounds++) {
    const schema = `stratus_churn_${process.pid}_${rounds}`;
    await client.query(`CREATE SCHEMA ${schema}`);
    for (let i = 0; i < 5; i++) await client.query(`CREATE TABLE ${schema}.t${i} (id serial primary key)`);
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
  }
  await client.end();
  return rounds;
}

test(
  "PostgreSQL: migrating a schema is not upset by other schemas being dropped meanwhile",
  { skip: !onPostgres && "PostgreSQL only" },
  async () => {
    let done = false;
    const { url } = await testDbUrl();
    const churn = churnSchemas(url, () => done);
    try {
      for (let i = 0; i < 20; i++) {
        const { options, drop } = await testDbUrl();
        const db = await openDb(url, options);
        try {
          await migrate(db);
          await migrate(db); // the second run finds every migration applied
        } finally {
          await db.close();
          await drop();
        }
      }
    } finally {
      done = true;
    }
    assert.ok((await churn) > 0, "the churn ran alongside");
  },
);
