import type { Kysely } from "kysely";
import type { ChassisInput, TopologyInput } from "../../sdn/compile/input.ts";
import type { NetworkTables } from "../tables.ts";
import { effectiveStatuses } from "./effective.ts";
import { selectTopology, type DeviceRow, type HostRow } from "./store.ts";

/**
 * The physical side for the SDN loader: hosts and gateways with their effective state. Four
 * queries (the topology tables), whatever the size of the fabric.
 */
export async function loadTopologyState(db: Kysely<NetworkTables>): Promise<TopologyInput> {
  const { zones, hosts, devices, links } = await selectTopology(db);
  const statuses = effectiveStatuses(hosts, devices, links);
  const zoneNames = new Map(zones.map((zone) => [zone.id, zone.name]));
  const chassis = (row: HostRow | DeviceRow): ChassisInput => {
    const effective = statuses.get(row.id);
    return {
      name: row.name,
      zone: row.zone_id === null ? "" : (zoneNames.get(row.zone_id) ?? ""),
      up: effective?.status !== "down",
      reason: effective?.reason ?? null,
    };
  };
  return {
    hosts: hosts.map(chassis),
    gateways: devices.filter((device) => device.kind === "gateway").map(chassis),
  };
}
