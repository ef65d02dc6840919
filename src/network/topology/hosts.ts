import type { AuthContext } from "../../http/auth.ts";
import { parseBody } from "../../lib/attributes.ts";
import { uuid } from "../../lib/ids.ts";
import type { ListQuery } from "../../lib/list-query.ts";
import { isoSeconds } from "../../lib/time.ts";
import { reader, type NetworkDeps, type NetworkTx } from "../deps.ts";
import {
  adminOnly,
  announce,
  removeNode,
  checkNameFree,
  createAll,
  currentStatuses,
  statusFields,
  uniquely,
  writeTopology,
} from "./common.ts";
import type { Effective } from "./effective.ts";
import { SdnHostNotFound } from "./errors.ts";
import { hostAttributes } from "./schemas.ts";
import * as store from "./store.ts";
import { zoneOrThrow } from "./zones.ts";

/**
 * Hypervisors (OVN chassis). A host's name is what ports carry in binding:host_id; its `state`
 * is what the administrator sets (fault injection), its `status` what is really so (effective.ts).
 */

export interface SdnHost {
  id: string;
  name: string;
  zone_id: string | null;
  chassis_id: string;
  tunnel_ip: string | null;
  state: string;
  status: Effective["status"];
  status_reason: string | null;
  created_at: string;
  updated_at: string;
}

export function hostView(row: store.HostRow, statuses: ReadonlyMap<string, Effective>): SdnHost {
  return {
    id: row.id,
    name: row.name,
    zone_id: row.zone_id,
    chassis_id: row.chassis_id,
    tunnel_ip: row.tunnel_ip,
    state: row.state,
    ...statusFields(statuses, row.id),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function createHosts(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<SdnHost[]> {
  const rows = await createAll(deps, auth, inputs, {
    resource: "sdn_host",
    attributes: hostAttributes,
    insert: async (tx, body) => {
      const now = isoSeconds(deps.clock.now());
      const row = hostRow({ id: uuid(), chassis_id: uuid(), created_at: now, updated_at: now }, body);
      await checkHost(tx, row);
      await uniquely("host", row.name, () => store.insertHost(tx.db, row));
      await announce(deps, tx, "sdn_host", "create", hostView(row, await currentStatuses(tx.db)));
      return row;
    },
  });
  const statuses = await currentStatuses(reader(deps));
  return rows.map((row) => hostView(row, statuses));
}

export async function getHost(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<SdnHost> {
  adminOnly(auth, "get_sdn_host");
  const db = reader(deps);
  return hostView(await hostOrThrow(db, id), await currentStatuses(db));
}

export async function listHosts(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<SdnHost[]> {
  adminOnly(auth, "get_sdn_host");
  const db = reader(deps);
  const [rows, statuses] = await Promise.all([store.selectRows(db, "sdn_hosts", query), currentStatuses(db)]);
  return rows.map((row) => hostView(row, statuses));
}

/** PUT; `state: down` is the fault injection: hosts and their ports go down on the next pass. */
export async function updateHost(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
): Promise<SdnHost> {
  adminOnly(auth, "update_sdn_host");
  const body = parseBody(hostAttributes, input, "update");
  return writeTopology(deps, async (tx) => {
    const current = await hostOrThrow(tx.db, id);
    const row = hostRow({ ...current, updated_at: isoSeconds(deps.clock.now()) }, { ...current, ...body });
    await checkHost(tx, row);
    await uniquely("host", row.name, () => store.updateHost(tx.db, row));
    const view = hostView(row, await currentStatuses(tx.db));
    await announce(deps, tx, "sdn_host", "update", view);
    return view;
  });
}

/** Removes the host and its links; ports bound to its name simply have no chassis any more. */
export async function deleteHost(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  adminOnly(auth, "delete_sdn_host");
  await writeTopology(deps, async (tx) => {
    const row = await hostOrThrow(tx.db, id);
    await removeNode(deps, tx, "host", hostView(row, await currentStatuses(tx.db)));
  });
}

export async function hostOrThrow(db: NetworkTx["db"], id: string): Promise<store.HostRow> {
  const row = await store.selectRow(db, "sdn_hosts", id);
  if (row === undefined) throw new SdnHostNotFound(id);
  return row;
}

function hostRow(
  base: Pick<store.HostRow, "id" | "chassis_id" | "created_at" | "updated_at">,
  body: Record<string, unknown>,
): store.HostRow {
  return {
    ...base,
    name: body.name as string,
    zone_id: body.zone_id as string | null,
    tunnel_ip: body.tunnel_ip as string | null,
    state: body.state as string,
  };
}

async function checkHost(tx: NetworkTx, row: store.HostRow): Promise<void> {
  await checkNameFree(tx, "sdn_hosts", "host", row.name, row.id);
  if (row.zone_id !== null) await zoneOrThrow(tx.db, row.zone_id);
}
