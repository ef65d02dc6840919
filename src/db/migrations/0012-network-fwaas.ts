import { sql, type Kysely } from "kysely";

/**
 * Neutron FWaaS v2 [fwaas_v2]: rules, policies (an ordered list of rules), firewall groups (an
 * ingress and an egress policy bound to ports). A rule may sit in several policies; a port in at
 * most one group, which the primary key on firewall_group_ports.port_id settles even under races.
 * A port's removal drops its binding (cascade), as Neutron's foreign key does.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("firewall_rules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("protocol", "text")
    .addColumn("ip_version", "integer", (c) => c.notNull())
    .addColumn("source_ip_address", "text")
    .addColumn("destination_ip_address", "text")
    .addColumn("source_port", "text")
    .addColumn("destination_port", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("shared", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("firewall_rules_project").on("firewall_rules").column("project_id").execute();

  await db.schema
    .createTable("firewall_policies")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("audited", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("shared", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("firewall_policies_project")
    .on("firewall_policies")
    .column("project_id")
    .execute();

  // A rule in use cannot be deleted (FirewallRuleInUse), so its reference does not cascade.
  await db.schema
    .createTable("firewall_policy_rules")
    .addColumn("policy_id", "text", (c) => c.notNull().references("firewall_policies.id").onDelete("cascade"))
    .addColumn("rule_id", "text", (c) => c.notNull().references("firewall_rules.id"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("firewall_policy_rules_pk", ["policy_id", "rule_id"])
    .execute();
  await db.schema
    .createIndex("firewall_policy_rules_rule")
    .on("firewall_policy_rules")
    .column("rule_id")
    .execute();

  await db.schema
    .createTable("firewall_groups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("ingress_firewall_policy_id", "text", (c) => c.references("firewall_policies.id"))
    .addColumn("egress_firewall_policy_id", "text", (c) => c.references("firewall_policies.id"))
    .addColumn("admin_state_up", "integer", (c) => c.notNull())
    .addColumn("shared", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("firewall_groups_project").on("firewall_groups").column("project_id").execute();
  for (const column of ["ingress_firewall_policy_id", "egress_firewall_policy_id"])
    await db.schema.createIndex(`firewall_groups_${column}`).on("firewall_groups").column(column).execute();

  await db.schema
    .createTable("firewall_group_ports")
    .addColumn("port_id", "text", (c) => c.primaryKey().references("ports.id").onDelete("cascade"))
    .addColumn("group_id", "text", (c) => c.notNull().references("firewall_groups.id").onDelete("cascade"))
    .execute();
  await db.schema
    .createIndex("firewall_group_ports_group")
    .on("firewall_group_ports")
    .column("group_id")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "firewall_group_ports",
    "firewall_groups",
    "firewall_policy_rules",
    "firewall_policies",
    "firewall_rules",
  ])
    await db.schema.dropTable(table).execute();
}
