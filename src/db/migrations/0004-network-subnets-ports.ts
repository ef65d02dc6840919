import { sql, type Kysely } from "kysely";

const TRUE = sql`1`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("subnets")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("network_id", "text", (c) => c.notNull().references("networks.id"))
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("ip_version", "integer", (c) => c.notNull())
    .addColumn("cidr", "text", (c) => c.notNull())
    .addColumn("gateway_ip", "text")
    .addColumn("enable_dhcp", "integer", (c) => c.notNull().defaultTo(TRUE))
    .addColumn("ipv6_ra_mode", "text")
    .addColumn("ipv6_address_mode", "text")
    .addColumn("allocation_pools", "text", (c) => c.notNull())
    .addColumn("dns_nameservers", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("host_routes", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("service_types", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("subnets_network").on("subnets").column("network_id").execute();

  await db.schema
    .createTable("ports")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("network_id", "text", (c) => c.notNull().references("networks.id"))
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("admin_state_up", "integer", (c) => c.notNull().defaultTo(TRUE))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("mac_address", "text", (c) => c.notNull())
    .addColumn("device_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("device_owner", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("port_security_enabled", "integer", (c) => c.notNull().defaultTo(TRUE))
    .addColumn("security_groups", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("allowed_address_pairs", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("extra_dhcp_opts", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("binding_host_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("binding_vnic_type", "text", (c) => c.notNull().defaultTo("normal"))
    .addColumn("binding_profile", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    // A MAC is unique per network: the database, not the code, guarantees it.
    .addUniqueConstraint("ports_network_mac", ["network_id", "mac_address"])
    .execute();
  await db.schema.createIndex("ports_project").on("ports").column("project_id").execute();
  await db.schema.createIndex("ports_device").on("ports").column("device_id").execute();

  // An address is handed out once per subnet: the primary key makes double allocation impossible.
  await db.schema
    .createTable("ip_allocations")
    .addColumn("subnet_id", "text", (c) => c.notNull().references("subnets.id"))
    .addColumn("ip_address", "text", (c) => c.notNull())
    .addColumn("port_id", "text", (c) => c.notNull().references("ports.id").onDelete("cascade"))
    .addColumn("network_id", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("ip_allocations_pk", ["subnet_id", "ip_address"])
    .execute();
  await db.schema.createIndex("ip_allocations_port").on("ip_allocations").column("port_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("ip_allocations").execute();
  await db.schema.dropTable("ports").execute();
  await db.schema.dropTable("subnets").execute();
}
