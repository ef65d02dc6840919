import { type Kysely } from "kysely";

/**
 * NAT gateways and their SNAT and DNAT rules [nat-gateway]. One gateway per router (unique
 * router_id). `source_key` (gateway, source, target) makes the same subnet or CIDR twice on one
 * gateway impossible even under races; `external_key` does the same for a floating IP's
 * (protocol, external port) of DNAT rules.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("nat_gateways")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("router_id", "text", (c) => c.notNull().unique())
    .addColumn("spec", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("admin_state_up", "integer", (c) => c.notNull())
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("nat_gateways_project").on("nat_gateways").column("project_id").execute();
  await db.schema
    .createTable("snat_rules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("nat_gateway_id", "text", (c) => c.notNull().references("nat_gateways.id"))
    .addColumn("floating_ip_id", "text")
    .addColumn("service_network_id", "text")
    .addColumn("network_id", "text")
    .addColumn("cidr", "text", (c) => c.notNull())
    .addColumn("source_key", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("admin_state_up", "integer", (c) => c.notNull())
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("snat_rules_gateway").on("snat_rules").column("nat_gateway_id").execute();
  await db.schema.createIndex("snat_rules_fip").on("snat_rules").column("floating_ip_id").execute();
  await db.schema
    .createTable("dnat_rules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("nat_gateway_id", "text", (c) => c.notNull().references("nat_gateways.id"))
    .addColumn("floating_ip_id", "text", (c) => c.notNull())
    .addColumn("port_id", "text")
    .addColumn("private_ip", "text", (c) => c.notNull())
    .addColumn("protocol", "text", (c) => c.notNull())
    .addColumn("internal_service_port", "integer", (c) => c.notNull())
    .addColumn("external_service_port", "integer", (c) => c.notNull())
    .addColumn("external_key", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("admin_state_up", "integer", (c) => c.notNull())
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("dnat_rules_gateway").on("dnat_rules").column("nat_gateway_id").execute();
  await db.schema.createIndex("dnat_rules_fip").on("dnat_rules").column("floating_ip_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("dnat_rules").execute();
  await db.schema.dropTable("snat_rules").execute();
  await db.schema.dropTable("nat_gateways").execute();
}
