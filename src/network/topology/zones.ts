import type { AuthContext } from "../../http/auth.ts";
import { InvalidInput, parseBody } from "../../lib/attributes.ts";
import { uuid } from "../../lib/ids.ts";
import type { ListQuery } from "../../lib/list-query.ts";
import { isoSeconds } from "../../lib/time.ts";
import { AVAILABILITY_ZONES } from "../availability-zones.ts";
import { reader, type NetworkDeps, type NetworkTx } from "../deps.ts";
import {
  adminOnly,
  announce,
  checkNameFree,
  createAll,
  parseList,
  uniquely,
  writeTopology,
} from "./common.ts";
import { SdnZoneInUse, SdnZoneNotFound, SdnZoneRangeOverlap } from "./errors.ts";
import { canonicalPools, overlapping, type ZoneRanges } from "./ranges.ts";
import { zoneAttributes } from "./schemas.ts";
import * as store from "./store.ts";

/**
 * Availability zones of the physical cloud. A zone owns VLAN ranges (per physnet), VNI ranges and
 * public IP pools; no two zones may share any of them, since the segments and addresses handed out
 * in one zone must be unique across the fabric.
 */

export interface SdnZone extends ZoneRanges {
  id: string;
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
}

export function zoneView(row: store.ZoneRow): SdnZone {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    vlan_ranges: parseList(row.vlan_ranges),
    vni_ranges: parseList(row.vni_ranges),
    public_ip_pools: parseList(row.public_ip_pools),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function createZones(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<SdnZone[]> {
  return createAll(deps, auth, inputs, {
    resource: "sdn_zone",
    attributes: zoneAttributes,
    insert: async (tx, body) => {
      const now = isoSeconds(deps.clock.now());
      const row = zoneRow({ id: uuid(), created_at: now, updated_at: now }, body);
      await checkZone(tx, row);
      await uniquely("zone", row.name, () => store.insertZone(tx.db, row));
      const view = zoneView(row);
      await announce(deps, tx, "sdn_zone", "create", view);
      return view;
    },
  });
}

export async function getZone(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<SdnZone> {
  adminOnly(auth, "get_sdn_zone");
  return zoneView(await zoneOrThrow(reader(deps), id));
}

export async function listZones(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<SdnZone[]> {
  adminOnly(auth, "get_sdn_zone");
  return (await store.selectRows(reader(deps), "sdn_zones", query)).map(zoneView);
}

export function updateZone(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
): Promise<SdnZone> {
  adminOnly(auth, "update_sdn_zone");
  const body = parseBody(zoneAttributes, input, "update");
  return writeTopology(deps, async (tx) => {
    const current = await zoneOrThrow(tx.db, id);
    const row = zoneRow(
      { ...current, updated_at: isoSeconds(deps.clock.now()) },
      { ...zoneView(current), ...body },
    );
    await checkZone(tx, row);
    await uniquely("zone", row.name, () => store.updateZone(tx.db, row));
    const view = zoneView(row);
    await announce(deps, tx, "sdn_zone", "update", view);
    return view;
  });
}

/** Refused while hosts or devices are placed in the zone: move or delete them first. */
export async function deleteZone(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  adminOnly(auth, "delete_sdn_zone");
  await writeTopology(deps, async (tx) => {
    const row = await zoneOrThrow(tx.db, id);
    const usage = await store.zoneUsage(tx.db, id);
    if (usage.hosts + usage.devices > 0) throw new SdnZoneInUse(id, usage.hosts, usage.devices);
    await store.deleteRow(tx.db, "sdn_zones", id);
    await announce(deps, tx, "sdn_zone", "delete", zoneView(row));
  });
}

export async function zoneOrThrow(db: NetworkTx["db"], id: string): Promise<store.ZoneRow> {
  const row = await store.selectRow(db, "sdn_zones", id);
  if (row === undefined) throw new SdnZoneNotFound(id);
  return row;
}

function zoneRow(
  base: Pick<store.ZoneRow, "id" | "created_at" | "updated_at">,
  body: Record<string, unknown>,
): store.ZoneRow {
  return {
    id: base.id,
    name: body.name as string,
    description: body.description as string,
    vlan_ranges: JSON.stringify(body.vlan_ranges),
    vni_ranges: JSON.stringify(body.vni_ranges),
    public_ip_pools: JSON.stringify(canonicalPools(body.public_ip_pools as string[])),
    created_at: base.created_at,
    updated_at: base.updated_at,
  };
}

const RANGE_LABELS: Record<keyof ZoneRanges, string> = {
  vlan_ranges: "VLAN range",
  vni_ranges: "VNI range",
  public_ip_pools: "public IP pool",
};

/** The name is free and not "nova" (always listed), and no range or pool overlaps another zone's. */
async function checkZone(tx: NetworkTx, row: store.ZoneRow): Promise<void> {
  if ((AVAILABILITY_ZONES as readonly string[]).includes(row.name))
    throw new InvalidInput(`'${row.name}' is the name of the default availability zone`);
  await checkNameFree(tx, "sdn_zones", "zone", row.name, row.id);
  const mine = zoneView(row);
  for (const other of (await store.otherZones(tx.db, row.id)).map(zoneView)) {
    for (const kind of Object.keys(RANGE_LABELS) as Array<keyof ZoneRanges>) {
      const clash = overlapping(kind, mine[kind], other[kind]);
      if (clash !== undefined)
        throw new SdnZoneRangeOverlap(RANGE_LABELS[kind], clash[0], clash[1], other.name);
    }
  }
}
