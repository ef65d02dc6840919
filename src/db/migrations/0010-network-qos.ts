import { sql, type Kysely } from "kysely";

/**
 * Neutron QoS [qos, qos-bw-limit-direction, qos-fip, qos-gateway-ip]: policies with standard
 * attributes, their rules, and the policy a port, network, floating IP or router gateway uses. The
 * unique keys make "one bandwidth limit per direction" and "one DSCP mark per policy" hold even
 * when two requests race.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("qos_policies")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("shared", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("qos_policies_project").on("qos_policies").column("project_id").execute();

  await db.schema
    .createTable("qos_bandwidth_limit_rules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("qos_policy_id", "text", (c) => c.notNull().references("qos_policies.id").onDelete("cascade"))
    .addColumn("max_kbps", "integer", (c) => c.notNull())
    .addColumn("max_burst_kbps", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("direction", "text", (c) => c.notNull())
    .addUniqueConstraint("qos_bandwidth_limit_rules_direction", ["qos_policy_id", "direction"])
    .execute();

  await db.schema
    .createTable("qos_dscp_marking_rules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("qos_policy_id", "text", (c) =>
      c.notNull().unique().references("qos_policies.id").onDelete("cascade"),
    )
    .addColumn("dscp_mark", "integer", (c) => c.notNull())
    .execute();

  // Plain nullable references: "in use" is checked by the API (QosPolicyInUse), as in Neutron.
  for (const table of ["ports", "networks", "floating_ips"])
    await db.schema.alterTable(table).addColumn("qos_policy_id", "text").execute();
  await db.schema.alterTable("routers").addColumn("gw_qos_policy_id", "text").execute();
  for (const [table, column] of [
    ["ports", "qos_policy_id"],
    ["networks", "qos_policy_id"],
    ["floating_ips", "qos_policy_id"],
    ["routers", "gw_qos_policy_id"],
  ] as const)
    await db.schema.createIndex(`${table}_${column}`).on(table).column(column).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("routers").dropColumn("gw_qos_policy_id").execute();
  for (const table of ["ports", "networks", "floating_ips"])
    await db.schema.alterTable(table).dropColumn("qos_policy_id").execute();
  await db.schema.dropTable("qos_dscp_marking_rules").execute();
  await db.schema.dropTable("qos_bandwidth_limit_rules").execute();
  await db.schema.dropTable("qos_policies").execute();
}
