import { sql, type Kysely } from "kysely";

const TRUE = sql`1`;

export async function up(db: Kysely<unknown>): Promise<void> {
  // The gateway and interface ports are ordinary ports (device_id = router id); the router row
  // only records which one is the gateway and how it is used.
  await db.schema
    .createTable("routers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("admin_state_up", "integer", (c) => c.notNull().defaultTo(TRUE))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("gw_port_id", "text")
    .addColumn("enable_snat", "integer", (c) => c.notNull().defaultTo(TRUE))
    .addColumn("availability_zone_hints", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("routers_project").on("routers").column("project_id").execute();

  // One row per route, so add_extraroutes/remove_extraroutes from concurrent clients compose.
  await db.schema
    .createTable("router_routes")
    .addColumn("router_id", "text", (c) => c.notNull().references("routers.id").onDelete("cascade"))
    .addColumn("destination", "text", (c) => c.notNull())
    .addColumn("nexthop", "text", (c) => c.notNull())
    // Routes are shown in the order they were added, as Neutron does.
    .addColumn("position", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("router_routes_pk", ["router_id", "destination", "nexthop"])
    .execute();

  await db.schema
    .createTable("floating_ips")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("floating_network_id", "text", (c) => c.notNull().references("networks.id"))
    .addColumn("floating_ip_address", "text", (c) => c.notNull())
    .addColumn("floating_port_id", "text", (c) => c.notNull())
    .addColumn("port_id", "text")
    .addColumn("fixed_ip_address", "text")
    .addColumn("router_id", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    // A fixed address has at most one floating IP: the database settles two racing associations.
    .addUniqueConstraint("floating_ips_fixed", ["port_id", "fixed_ip_address"])
    .execute();
  await db.schema.createIndex("floating_ips_project").on("floating_ips").column("project_id").execute();
  await db.schema.createIndex("floating_ips_router").on("floating_ips").column("router_id").execute();

  await db.schema
    .createTable("port_forwardings")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("floatingip_id", "text", (c) => c.notNull().references("floating_ips.id").onDelete("cascade"))
    .addColumn("protocol", "text", (c) => c.notNull())
    .addColumn("external_port", "integer", (c) => c.notNull())
    .addColumn("internal_port", "integer", (c) => c.notNull())
    .addColumn("internal_ip_address", "text", (c) => c.notNull())
    .addColumn("internal_port_id", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    // One forwarding per external port and protocol on a floating IP (Neutron's 409 otherwise).
    .addUniqueConstraint("port_forwardings_external", ["floatingip_id", "protocol", "external_port"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("port_forwardings").execute();
  await db.schema.dropTable("floating_ips").execute();
  await db.schema.dropTable("router_routes").execute();
  await db.schema.dropTable("routers").execute();
}
