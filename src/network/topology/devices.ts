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
import { SdnDeviceNotFound } from "./errors.ts";
import { deviceAttributes } from "./schemas.ts";
import * as store from "./store.ts";
import { zoneOrThrow } from "./zones.ts";

/**
 * Switches and appliances: spines, TORs, gateways (they carry routers), firewalls and load
 * balancers, each managed by a named driver. `state` is set by the administrator (fault
 * injection), `status` is what is really so (effective.ts).
 */

export interface SdnDevice {
  id: string;
  name: string;
  kind: string;
  vendor: string;
  model: string;
  driver: string;
  zone_id: string | null;
  management_ip: string | null;
  state: string;
  status: Effective["status"];
  status_reason: string | null;
  created_at: string;
  updated_at: string;
}

export function deviceView(row: store.DeviceRow, statuses: ReadonlyMap<string, Effective>): SdnDevice {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    vendor: row.vendor,
    model: row.model,
    driver: row.driver,
    zone_id: row.zone_id,
    management_ip: row.management_ip,
    state: row.state,
    ...statusFields(statuses, row.id),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function createDevices(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<SdnDevice[]> {
  const rows = await createAll(deps, auth, inputs, {
    resource: "sdn_device",
    attributes: deviceAttributes,
    insert: async (tx, body) => {
      const now = isoSeconds(deps.clock.now());
      const row = deviceRow(
        { id: uuid(), kind: body.kind as string, created_at: now, updated_at: now },
        body,
      );
      await checkDevice(tx, row);
      await uniquely("device", row.name, () => store.insertDevice(tx.db, row));
      await announce(deps, tx, "sdn_device", "create", deviceView(row, await currentStatuses(tx.db)));
      return row;
    },
  });
  const statuses = await currentStatuses(reader(deps));
  return rows.map((row) => deviceView(row, statuses));
}

export async function getDevice(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<SdnDevice> {
  adminOnly(auth, "get_sdn_device");
  const db = reader(deps);
  return deviceView(await deviceOrThrow(db, id), await currentStatuses(db));
}

export async function listDevices(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<SdnDevice[]> {
  adminOnly(auth, "get_sdn_device");
  const db = reader(deps);
  const [rows, statuses] = await Promise.all([
    store.selectRows(db, "sdn_devices", query),
    currentStatuses(db),
  ]);
  return rows.map((row) => deviceView(row, statuses));
}

/** PUT; `state: down` is the fault injection: what depends on the device goes down with it. */
export async function updateDevice(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
): Promise<SdnDevice> {
  adminOnly(auth, "update_sdn_device");
  const body = parseBody(deviceAttributes, input, "update");
  return writeTopology(deps, async (tx) => {
    const current = await deviceOrThrow(tx.db, id);
    const row = deviceRow({ ...current, updated_at: isoSeconds(deps.clock.now()) }, { ...current, ...body });
    await checkDevice(tx, row);
    await uniquely("device", row.name, () => store.updateDevice(tx.db, row));
    const view = deviceView(row, await currentStatuses(tx.db));
    await announce(deps, tx, "sdn_device", "update", view);
    return view;
  });
}

/** Removes the device and its links (what hung below it no longer depends on it). */
export async function deleteDevice(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  adminOnly(auth, "delete_sdn_device");
  await writeTopology(deps, async (tx) => {
    const row = await deviceOrThrow(tx.db, id);
    await removeNode(deps, tx, "device", deviceView(row, await currentStatuses(tx.db)));
  });
}

export async function deviceOrThrow(db: NetworkTx["db"], id: string): Promise<store.DeviceRow> {
  const row = await store.selectRow(db, "sdn_devices", id);
  if (row === undefined) throw new SdnDeviceNotFound(id);
  return row;
}

function deviceRow(
  base: Pick<store.DeviceRow, "id" | "kind" | "created_at" | "updated_at">,
  body: Record<string, unknown>,
): store.DeviceRow {
  return {
    ...base,
    name: body.name as string,
    vendor: body.vendor as string,
    model: body.model as string,
    driver: body.driver as string,
    zone_id: body.zone_id as string | null,
    management_ip: body.management_ip as string | null,
    state: body.state as string,
  };
}

async function checkDevice(tx: NetworkTx, row: store.DeviceRow): Promise<void> {
  await checkNameFree(tx, "sdn_devices", "device", row.name, row.id);
  if (row.zone_id !== null) await zoneOrThrow(tx.db, row.zone_id);
}
