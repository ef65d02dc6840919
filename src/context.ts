import { join } from "node:path";
import { openDb, type Database, type OpenDbOptions } from "./db/index.ts";
import { migrate } from "./db/migrate.ts";
import { EventLog } from "./events/log.ts";
import { KeyRepository } from "./identity/keys.ts";
import { TokenService } from "./identity/tokens.ts";
import { systemClock, type Clock } from "./lib/clock.ts";
import type { Config } from "./config.ts";
import { loadSdnPorts, loadSdnSnapshot } from "./network/sdn-state.ts";
import { writeStatuses } from "./network/sdn-status.ts";
import type { NetworkTables } from "./network/tables.ts";
import { SdnController } from "./sdn/controller.ts";
import { drivers, isDriverName } from "./sdn/drivers/index.ts";

/** Everything the services share; built once per process (or per test). */
export interface AppContext {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly events: EventLog;
  readonly tokens: TokenService;
  /** The SDN controller: built here, started by `serve` (tests call reconcileNow()). */
  readonly sdn: SdnController;
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
  const sdn = sdnController(config, db, events, clock);
  return {
    config,
    db,
    clock,
    events,
    tokens,
    sdn,
    close: async () => {
      await sdn.close();
      await events.close();
      await db.close();
    },
  };
}

/** The controller over the configured driver, reading and writing through the network service. */
function sdnController(config: Config, db: Database, events: EventLog, clock: Clock): SdnController {
  const name = config.sdnDriver;
  if (!isDriverName(name))
    throw new Error(`unknown SDN driver '${name}'; known: ${Object.keys(drivers).join(", ")}`);
  return new SdnController({
    events,
    driver: drivers[name](),
    checkIntervalMs: config.sdnCheckIntervalSeconds * 1000,
    source: {
      load: () => loadSdnSnapshot(db.as<NetworkTables>()),
      loadPorts: (ids) => loadSdnPorts(db.as<NetworkTables>(), ids),
      writeStatuses: (updates) => writeStatuses({ db, events, clock }, updates),
    },
  });
}
