import { Migrator, PostgresAdapter, type Kysely, type Migration } from "kysely";
import type { Database } from "./index.ts";
import { migrations } from "./migrations/index.ts";

/** Applies every pending migration from the explicit index, in order. */
export async function migrate(database: Database): Promise<void> {
  const migrator = new Migrator({
    db: database.as<unknown>(),
    provider: { getMigrations: () => Promise.resolve<Record<string, Migration>>(migrations) },
    // Kysely looks for its bookkeeping tables across all schemas unless told which one is ours.
    ...(database.schema !== undefined ? { migrationTableSchema: database.schema } : {}),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined)
    throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
}

export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
