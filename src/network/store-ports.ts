import { sql, type Kysely, type Selectable, type SqlBool } from "kysely";
import { precompiled } from "../db/precompiled.ts";
import type { ListQuery } from "../lib/list-query.ts";
import { selectPage, type Visibility } from "./store.ts";
import type { NetworkTables } from "./tables.ts";

/** Queries for ports and their address allocations. */
type Db = Kysely<NetworkTables>;
export type PortRow = Selectable<NetworkTables["ports"]>;
export type AllocationRow = Selectable<NetworkTables["ip_allocations"]>;

export function selectPort(db: Db, id: string): Promise<PortRow | undefined> {
  return db.selectFrom("ports").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Ports are the project's own (admins see all). Beyond the attribute filters: `fixed_ips`
 * (ip_address=, subnet_id=, ip_address_substr=) as Neutron parses them.
 */
export function selectPorts(db: Db, query: ListQuery, visibility: Visibility): Promise<PortRow[]> {
  const scope = visibility.all
    ? undefined
    : sql<SqlBool>`${sql.ref("project_id")} = ${visibility.project_id ?? ""}`;
  const conditions = (query.extra.fixed_ips ?? []).map((entry) => {
    const [key = "", value = ""] = entry.split("=", 2);
    const column =
      key === "subnet_id"
        ? sql`subnet_id = ${value}`
        : key === "ip_address_substr"
          ? sql`ip_address like ${`%${value}%`}`
          : sql`ip_address = ${value}`;
    return sql<SqlBool>`${sql.ref("id")} in (select port_id from ip_allocations where ${column})`;
  });
  return selectPage<PortRow>(db, "ports", query, scope, conditions);
}

export async function insertPort(db: Db, row: PortRow): Promise<void> {
  await db.insertInto("ports").values(row).execute();
}

/** Every column of a port, in one order for the precompiled insert (the Record keeps it complete). */
const PORT_COLUMNS = Object.keys({
  id: true,
  project_id: true,
  network_id: true,
  name: true,
  description: true,
  admin_state_up: true,
  status: true,
  mac_address: true,
  device_id: true,
  device_owner: true,
  port_security_enabled: true,
  security_groups: true,
  allowed_address_pairs: true,
  extra_dhcp_opts: true,
  binding_host_id: true,
  binding_vnic_type: true,
  binding_profile: true,
  qos_policy_id: true,
  revision_number: true,
  created_at: true,
  updated_at: true,
} satisfies Record<keyof PortRow, true>) as Array<keyof PortRow>;

const insertUnlessMacTaken = precompiled(PORT_COLUMNS.length, (db: Db, ...values: unknown[]) =>
  db
    .insertInto("ports")
    .values(Object.fromEntries(PORT_COLUMNS.map((column, i) => [column, values[i]])) as PortRow)
    .onConflict((oc) => oc.columns(["network_id", "mac_address"]).doNothing())
    .returning("id"),
);

/**
 * Inserts the port unless its MAC is taken on the network; false then. The (network, MAC) unique
 * key decides, so there is no separate look-up and a PostgreSQL transaction survives the clash.
 */
export async function insertPortIfMacFree(db: Db, row: PortRow): Promise<boolean> {
  const inserted = await insertUnlessMacTaken(db, ...PORT_COLUMNS.map((column) => row[column]));
  return inserted.length > 0;
}

export async function deletePortRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("ip_allocations").where("port_id", "=", id).execute();
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await db.deleteFrom("ports").where("id", "=", id).execute();
}

export async function macInUse(db: Db, networkId: string, mac: string): Promise<boolean> {
  const row = await db
    .selectFrom("ports")
    .select("id")
    .where("network_id", "=", networkId)
    .where("mac_address", "=", mac)
    .executeTakeFirst();
  return row !== undefined;
}

export async function portIdsOfNetwork(db: Db, networkId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("ports")
    .select("id")
    .where("network_id", "=", networkId)
    .orderBy("id")
    .execute();
  return rows.map((row) => row.id);
}

const claim = precompiled(4, (db: Db, subnetId: string, ip: string, portId: string, networkId: string) =>
  db
    .insertInto("ip_allocations")
    .values({ subnet_id: subnetId, ip_address: ip, port_id: portId, network_id: networkId })
    .onConflict((oc) => oc.columns(["subnet_id", "ip_address"]).doNothing())
    .returning("ip_address"),
);

/** Claims an address; false when it is taken (no error, so a PostgreSQL transaction survives). */
export async function claimAddress(db: Db, allocation: AllocationRow): Promise<boolean> {
  const { subnet_id, ip_address, port_id, network_id } = allocation;
  return (await claim(db, subnet_id, ip_address, port_id, network_id)).length > 0;
}

export async function releaseAddress(db: Db, subnetId: string, ip: string): Promise<void> {
  await db
    .deleteFrom("ip_allocations")
    .where("subnet_id", "=", subnetId)
    .where("ip_address", "=", ip)
    .execute();
}

export async function allocationsOf(
  db: Db,
  portIds: readonly string[],
): Promise<Map<string, AllocationRow[]>> {
  const byPort = new Map<string, AllocationRow[]>();
  if (portIds.length === 0) return byPort;
  const rows = await db
    .selectFrom("ip_allocations")
    .selectAll()
    .where("port_id", "in", [...portIds])
    .execute();
  for (const row of rows) byPort.set(row.port_id, [...(byPort.get(row.port_id) ?? []), row]);
  return byPort;
}
