import { sql, type Kysely } from "kysely";
import { transaction, type Database } from "../db/index.ts";
import type { EventLog } from "../events/log.ts";
import type { Clock } from "../lib/clock.ts";
import { isoSeconds } from "../lib/time.ts";
import type { StatusKind, StatusUpdate } from "../sdn/status.ts";
import { floatingIpView } from "./floating-ips.ts";
import { networkView } from "./networks.ts";
import { portView } from "./port-view.ts";
import { gatewayInfos } from "./router-gateway.ts";
import { routerView } from "./routers.ts";
import * as store from "./store.ts";
import * as rbac from "./store-rbac.ts";
import { allocationsOf } from "./store-ports.ts";
import { routesOf } from "./store-routers.ts";
import { subnetIdsByNetwork } from "./store-subnets.ts";
import type { NetworkTables } from "./tables.ts";

/** The SDN controller's status write-back: statuses as ordinary updates, with their events. */
type Db = Kysely<NetworkTables>;

/** What the status write-back needs from the application. */
export interface StatusDeps {
  readonly db: Database;
  readonly events: EventLog;
  readonly clock: Clock;
}

const TABLE_OF = {
  network: "networks",
  port: "ports",
  router: "routers",
  floatingip: "floating_ips",
} as const satisfies Record<StatusKind, store.RevisionedTable>;

/** Enough ids per IN list to stay far below both databases' parameter limits. */
const CHUNK = 500;

/**
 * Writes the statuses in one transaction. Like any update, each bumps revision_number and
 * updated_at and appends `<type>.update.end` with the resource's new view. A row whose revision
 * moved since it was read is skipped: its own event brings a newer reconcile. Returns the count.
 */
export function writeStatuses(deps: StatusDeps, updates: readonly StatusUpdate[]): Promise<number> {
  if (updates.length === 0) return Promise.resolve(0);
  return transaction<NetworkTables, number>(deps.db, async (tx) => {
    const now = isoSeconds(deps.clock.now());
    let written = 0;
    for (const kind of Object.keys(TABLE_OF) as StatusKind[]) {
      const mine = updates.filter((update) => update.kind === kind);
      for (let i = 0; i < mine.length; i += CHUNK) {
        const ids = await saveStatuses(tx.db, kind, mine.slice(i, i + CHUNK), now);
        for (const view of await viewsOf(tx.db, kind, ids)) {
          await deps.events.append(tx, {
            type: `${kind}.update.end`,
            resource_id: view.id,
            project_id: view.project_id,
            payload: { [kind]: view },
          });
        }
        written += ids.length;
      }
    }
    return written;
  });
}

/** Compare-and-set on revision_number; returns the ids actually updated. */
async function saveStatuses(
  db: Db,
  kind: StatusKind,
  updates: readonly StatusUpdate[],
  now: string,
): Promise<string[]> {
  const ids: string[] = [];
  for (const { id, status, revision_number: revision } of updates) {
    const result = await sql<{ id: string }>`update ${sql.table(TABLE_OF[kind])}
      set status = ${status}, revision_number = ${revision + 1}, updated_at = ${now}
      where id = ${id} and revision_number = ${revision} returning id`.execute(db);
    if (result.rows.length > 0) ids.push(id);
  }
  return ids;
}

/** The resources' views as their own service announces them (a handful of queries per chunk). */
async function viewsOf(
  db: Db,
  kind: StatusKind,
  ids: readonly string[],
): Promise<Array<{ id: string; project_id: string }>> {
  if (ids.length === 0) return [];
  const tags = await store.selectTags(db, ids);
  const tagsOf = (id: string) => tags.get(id) ?? [];
  if (kind === "port") {
    const rows = await db
      .selectFrom("ports")
      .selectAll()
      .where("id", "in", [...ids])
      .execute();
    const ips = await allocationsOf(db, ids);
    return rows.map((row) => portView(row, ips.get(row.id) ?? [], tagsOf(row.id)));
  }
  if (kind === "network") {
    const rows = await db
      .selectFrom("networks")
      .selectAll()
      .where("id", "in", [...ids])
      .execute();
    const subnets = await subnetIdsByNetwork(db, ids);
    const access = await rbac.accessOf(db, ids, null);
    return rows.map((row) => networkView(row, tagsOf(row.id), true, subnets.get(row.id), access.get(row.id)));
  }
  if (kind === "router") {
    const rows = await db
      .selectFrom("routers")
      .selectAll()
      .where("id", "in", [...ids])
      .execute();
    const [gateways, routes] = [await gatewayInfos(db, rows), await routesOf(db, ids)];
    return rows.map((row) =>
      routerView(row, gateways.get(row.id) ?? null, routes.get(row.id) ?? [], tagsOf(row.id)),
    );
  }
  const rows = await db
    .selectFrom("floating_ips")
    .selectAll()
    .where("id", "in", [...ids])
    .execute();
  return rows.map((row) => floatingIpView(row, tagsOf(row.id)));
}
