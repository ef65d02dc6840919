import type { Kysely } from "kysely";

/**
 * The SDN's physical side: zones, hosts (chassis), devices (switches and appliances) and the links
 * between them. Lists are JSON text, as elsewhere. No foreign keys on link endpoints: an endpoint
 * is a host or a device, and deleting either removes its links in the same transaction.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("sdn_zones")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("vlan_ranges", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("vni_ranges", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("public_ip_pools", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("sdn_hosts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("zone_id", "text")
    .addColumn("chassis_id", "text", (c) => c.notNull())
    .addColumn("tunnel_ip", "text")
    .addColumn("state", "text", (c) => c.notNull().defaultTo("up"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sdn_hosts_zone").on("sdn_hosts").column("zone_id").execute();
  await db.schema
    .createTable("sdn_devices")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("vendor", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("model", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("driver", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("zone_id", "text")
    .addColumn("management_ip", "text")
    .addColumn("state", "text", (c) => c.notNull().defaultTo("up"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sdn_devices_zone").on("sdn_devices").column("zone_id").execute();
  await db.schema
    .createTable("sdn_links")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("a_kind", "text", (c) => c.notNull())
    .addColumn("a_id", "text", (c) => c.notNull())
    .addColumn("b_kind", "text", (c) => c.notNull())
    .addColumn("b_id", "text", (c) => c.notNull())
    .addColumn("a_interface", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("b_interface", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("speed_mbps", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("sdn_links_ends", ["a_kind", "a_id", "b_kind", "b_id"])
    .execute();
  await db.schema.createIndex("sdn_links_b").on("sdn_links").columns(["b_kind", "b_id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["sdn_links", "sdn_devices", "sdn_hosts", "sdn_zones"])
    await db.schema.dropTable(table).execute();
}
