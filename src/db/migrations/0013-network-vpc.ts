import { sql, type Kysely } from "kysely";

/**
 * VPCs and their route tables. A VPC owns a router, a security group and its main route table;
 * its subnets are the ones attached to its router, so they need no table of their own. Lists are
 * JSON text, as elsewhere. A subnet leaves its route table with the subnet (cascade) or, in code,
 * with its router interface.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("vpcs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("cidrs", "text", (c) => c.notNull())
    .addColumn("availability_zones", "text", (c) => c.notNull().defaultTo("[]"))
    // One VPC per router: deleting the router through Neutron is refused while the VPC lives.
    .addColumn("router_id", "text", (c) => c.notNull().unique().references("routers.id"))
    .addColumn("security_group_id", "text", (c) => c.notNull())
    .addColumn("main_route_table_id", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("vpcs_project").on("vpcs").column("project_id").execute();

  await db.schema
    .createTable("route_tables")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("vpc_id", "text", (c) => c.notNull().references("vpcs.id"))
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("main", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("route_tables_project").on("route_tables").column("project_id").execute();
  await db.schema.createIndex("route_tables_vpc").on("route_tables").column("vpc_id").execute();

  // One row per route, so add_routes/remove_routes from concurrent clients compose.
  await db.schema
    .createTable("route_table_routes")
    .addColumn("route_table_id", "text", (c) => c.notNull().references("route_tables.id").onDelete("cascade"))
    .addColumn("destination", "text", (c) => c.notNull())
    .addColumn("nexthop_type", "text", (c) => c.notNull())
    .addColumn("nexthop", "text")
    .addUniqueConstraint("route_table_routes_destination", ["route_table_id", "destination"])
    .execute();

  // The key makes "a subnet is in at most one table" hold under concurrency.
  await db.schema
    .createTable("route_table_subnets")
    .addColumn("subnet_id", "text", (c) => c.primaryKey().references("subnets.id").onDelete("cascade"))
    .addColumn("route_table_id", "text", (c) => c.notNull().references("route_tables.id"))
    .execute();
  await db.schema
    .createIndex("route_table_subnets_table")
    .on("route_table_subnets")
    .column("route_table_id")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["route_table_subnets", "route_table_routes", "route_tables", "vpcs"])
    await db.schema.dropTable(table).execute();
}
