import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import type pg from "pg";
import { Kysely, SqliteDialect, type SqliteDatabase as SqliteDatabaseLike, type Transaction } from "kysely";
import { ScopedPostgresDialect } from "./postgres-dialect.ts";
import { startCheckpointer } from "./sqlite-checkpointer.ts";

export type DialectName = "sqlite" | "postgres";

/**
 * One handle over SQLite or PostgreSQL. The schema is typed per service: each service asks for
 * its own slice (`as<IdentityTables>()`), so no module needs to know every table.
 */
export interface Database {
  readonly dialect: DialectName;
  readonly url: string;
  /** PostgreSQL only: the schema in use when not the default one. */
  readonly schema: string | undefined;
  as<DB>(): Kysely<DB>;
  close(): Promise<void>;
}

/** What a domain function gets inside a transaction. */
export interface TxScope<DB> {
  readonly db: Kysely<DB>;
  readonly dialect: DialectName;
  /** Runs after the transaction commits; never runs if it rolls back. */
  onCommit(fn: () => void): void;
}

export interface OpenDbOptions {
  /** PostgreSQL only: the schema to create and use (tests give each run its own). */
  schema?: string;
  poolSize?: number;
}

export async function openDb(url: string, options: OpenDbOptions = {}): Promise<Database> {
  const dialect: DialectName = /^postgres(ql)?:/.test(url) ? "postgres" : "sqlite";
  const kysely = dialect === "postgres" ? await openPostgres(url, options) : openSqlite(url);
  return {
    dialect,
    url,
    schema: dialect === "postgres" ? options.schema : undefined,
    as: <DB>() => kysely as unknown as Kysely<DB>,
    close: () => kysely.destroy(),
  };
}

function openSqlite(url: string): Kysely<unknown> {
  const file = url.replace(/^sqlite:(\/\/)?/, "");
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  let stopCheckpoints = () => {};
  if (file !== ":memory:") {
    sqlite.pragma("wal_autocheckpoint = 0");
    // Busy (inside a transaction) is fine: the worker asks again at its next pass.
    stopCheckpoints = startCheckpointer(file, () => {
      if (sqlite.open && !sqlite.inTransaction) sqlite.pragma("wal_checkpoint(PASSIVE)");
    });
  }
  const database = withStatementCache(sqlite, stopCheckpoints);
  return new Kysely<unknown>({ dialect: new SqliteDialect({ database }) });
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every statement anew, which costs more than running it; our SQL texts repeat,
 * so the prepared statements are kept (bounded: long IN lists make one-off texts).
 */
function withStatementCache(sqlite: SqliteDatabase.Database, beforeClose: () => void): SqliteDatabaseLike {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      beforeClose();
      sqlite.close();
    },
    prepare: (text) => {
      let statement = statements.get(text);
      if (statement === undefined) {
        statement = sqlite.prepare(text);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

/** Loaded only when a PostgreSQL URL is given, so the embedded default starts without it. */
export async function loadPg(): Promise<typeof pg> {
  const pg = (await import("pg")).default;
  // int8 (count(*), bigserial) as numbers: our counters stay far below 2^53.
  pg.types.setTypeParser(20, Number);
  return pg;
}

async function openPostgres(url: string, options: OpenDbOptions): Promise<Kysely<unknown>> {
  const pg = await loadPg();
  const { schema } = options;
  if (schema !== undefined) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await admin.end();
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // Fail now, with the server's message, rather than on the first request.
  const client = await pool.connect();
  client.release();
  return new Kysely<unknown>({ dialect: new ScopedPostgresDialect({ pool }) });
}

/**
 * Runs `fn` in one transaction. Hooks registered with `onCommit` run after a successful commit,
 * so consumers are woken only for state that is really there.
 */
export async function transaction<DB, T>(
  database: Database,
  fn: (tx: TxScope<DB>) => Promise<T>,
): Promise<T> {
  const hooks: Array<() => void> = [];
  const result = await database
    .as<DB>()
    .transaction()
    .execute((trx: Transaction<DB>) =>
      fn({ db: trx, dialect: database.dialect, onCommit: (hook) => hooks.push(hook) }),
    );
  for (const hook of hooks) hook();
  return result;
}

/** SQLite reports unique violations as SQLITE_CONSTRAINT_*, PostgreSQL as SQLSTATE 23505. */
/** Runs a write; a unique-key violation becomes `conflict()` (the key settles races, not a check). */
export async function onDuplicate<T>(write: Promise<T>, conflict: () => Error): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict();
    throw error;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error) || !("code" in error)) return false;
  return (
    error.code === "23505" ||
    error.code === "SQLITE_CONSTRAINT_UNIQUE" ||
    error.code === "SQLITE_CONSTRAINT_PRIMARYKEY"
  );
}
