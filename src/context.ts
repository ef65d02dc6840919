import { join } from "node:path";
import { openDb, type Database, type OpenDbOptions } from "./db/index.ts";
import { migrate } from "./db/migrate.ts";
import { EventLog } from "./events/log.ts";
import { KeyRepository } from "./identity/keys.ts";
import { TokenService } from "./identity/tokens.ts";
import { systemClock, type Clock } from "./lib/clock.ts";
import type { Config } from "./config.ts";

/** Everything the services share; built once per process (or per test). */
export interface AppContext {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly events: EventLog;
  readonly tokens: TokenService;
  close(): Promise<void>;
}

export async function createContext(
  config: Config,
  options: { clock?: Clock; db?: OpenDbOptions } = {},
): Promise<AppContext> {
  const clock = options.clock ?? systemClock;
  const db = await openDb(config.dbUrl, options.db);
  await migrate(db);
  const events = new EventLog(db, clock);
  await events.listen();
  const tokens = new TokenService(
    { db, events, clock },
    new KeyRepository(join(config.dataDir, "fernet-keys")),
    config.tokenTtlSeconds,
  );
  return {
    config,
    db,
    clock,
    events,
    tokens,
    close: async () => {
      await events.close();
      await db.close();
    },
  };
}
