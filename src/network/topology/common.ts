import type { Kysely } from "kysely";
import type { AuthContext } from "../../http/auth.ts";
import { parseBody, type AttributeMap } from "../../lib/attributes.ts";
import { onDuplicate } from "../../db/index.ts";
import { authorize, write, type NetworkDeps, type NetworkTx } from "../deps.ts";
import { HTTPNotFound } from "../errors.ts";
import type { NetworkTables } from "../tables.ts";
import { effectiveStatuses, type Effective } from "./effective.ts";
import { SdnNameInUse } from "./errors.ts";
import {
  deleteLinksOf,
  deleteRow,
  lockTopology,
  selectByName,
  selectTopology,
  type TopologyTable,
} from "./store.ts";

/** What every topology resource does the same way: admin-only policy, bulk create, events. */

/** Every topology call is admin-only: no policy entry, so the table's default (admin) applies. */
export function adminOnly(auth: AuthContext | null, action: string): AuthContext {
  return authorize(auth, action, {});
}

/** A write under the topology lock (see lockTopology). */
export function writeTopology<T>(deps: NetworkDeps, fn: (tx: NetworkTx) => Promise<T>): Promise<T> {
  return write(deps, async (tx) => {
    await lockTopology(tx);
    return fn(tx);
  });
}

/**
 * POST of one or many (bulk): all bodies checked first, then all created in one transaction.
 * `resource` is "sdn_zone": the policy action is create_sdn_zone.
 */
export async function createAll<T>(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
  spec: {
    resource: string;
    attributes: AttributeMap;
    insert: (tx: NetworkTx, body: Record<string, unknown>) => Promise<T>;
  },
): Promise<T[]> {
  adminOnly(auth, `create_${spec.resource}`);
  const bodies = inputs.map((input) => parseBody(spec.attributes, input, "create"));
  return writeTopology(deps, async (tx) => {
    const created: T[] = [];
    for (const body of bodies) created.push(await spec.insert(tx, body));
    return created;
  });
}

/** Appends `<resource>.<action>.end` with the new state; the SDN controller re-reconciles on it. */
export async function announce(
  deps: NetworkDeps,
  tx: NetworkTx,
  resource: string,
  action: "create" | "update" | "delete",
  item: { id: string },
): Promise<void> {
  await deps.events.append(tx, {
    type: `${resource}.${action}.end`,
    resource_id: item.id,
    project_id: null,
    payload: { [resource]: item },
  });
}

/** Names are unique per table: checked under the lock, so the answer is a clean 409. */
export async function checkNameFree(
  tx: NetworkTx,
  table: Exclude<TopologyTable, "sdn_links">,
  resource: string,
  name: string,
  selfId?: string,
): Promise<void> {
  const holder = await selectByName(tx.db, table, name);
  if (holder !== undefined && holder.id !== selfId) throw new SdnNameInUse(resource, name);
}

/** A racing writer outside the lock (none today) still gets 409, not 500. */
export async function uniquely(resource: string, name: string, fn: () => Promise<void>): Promise<void> {
  await onDuplicate(fn(), () => new SdnNameInUse(resource, name));
}

/** The effective status of every host and device (the topology tables, then the pure rule). */
export async function currentStatuses(db: Kysely<NetworkTables>): Promise<Map<string, Effective>> {
  const { hosts, devices, links } = await selectTopology(db);
  return effectiveStatuses(hosts, devices, links);
}

/** status/status_reason for a host or device row. */
export function statusFields(statuses: ReadonlyMap<string, Effective>, id: string) {
  const effective = statuses.get(id) ?? { status: "up", reason: null };
  return { status: effective.status, status_reason: effective.reason };
}

/** Topology resources have no tags: the tag routes answer 404, as for a route that does not exist. */
export function noTags(): Promise<string[]> {
  return Promise.reject(new HTTPNotFound());
}

export const parseList = (text: string): string[] => JSON.parse(text) as string[];

/** Deletes a host or device with its links, announcing each link and then the node. */
export async function removeNode(
  deps: NetworkDeps,
  tx: NetworkTx,
  kind: "host" | "device",
  view: { id: string },
): Promise<void> {
  for (const link of await deleteLinksOf(tx.db, kind, view.id))
    await announce(deps, tx, "sdn_link", "delete", link);
  await deleteRow(tx.db, kind === "host" ? "sdn_hosts" : "sdn_devices", view.id);
  await announce(deps, tx, `sdn_${kind}`, "delete", view);
}
