import { randomBytes } from "node:crypto";
import pg from "pg";
import type { OpenDbOptions } from "../../src/db/index.ts";

/**
 * The database a test file runs on: STRATUS_TEST_DB=postgres gives each call its own schema in
 * the PostgreSQL at STRATUS_TEST_PG_URL, dropped afterwards; otherwise in-memory SQLite.
 */
export async function testDbUrl(): Promise<{
  url: string;
  options: OpenDbOptions;
  drop: () => Promise<void>;
}> {
  if (process.env.STRATUS_TEST_DB !== "postgres")
    return { url: "sqlite::memory:", options: {}, drop: async () => {} };
  const url = process.env.STRATUS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const schema = `stratus_test_${randomBytes(6).toString("hex")}`;
  return {
    url,
    options: { schema },
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}
