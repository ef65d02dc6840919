import { type Kysely } from "kysely";

/**
 * VPC peerings. The requester's project owns the row; the accepter's project is kept beside it
 * (both see the peering). `pair_key` (the two VPC ids, sorted) makes a second peering of the same
 * two VPCs impossible even under races; `transit_cidr` is the link-local /30 the two VPC routers
 * meet on, unique so no two peerings ever share an address.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("vpc_peerings")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("request_vpc_id", "text", (c) => c.notNull().references("vpcs.id"))
    .addColumn("accept_vpc_id", "text", (c) => c.notNull().references("vpcs.id"))
    .addColumn("accept_project_id", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("pair_key", "text", (c) => c.notNull().unique())
    .addColumn("transit_cidr", "text", (c) => c.notNull().unique())
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("vpc_peerings_project").on("vpc_peerings").column("project_id").execute();
  await db.schema
    .createIndex("vpc_peerings_accept_project")
    .on("vpc_peerings")
    .column("accept_project_id")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("vpc_peerings").execute();
}
