import { sql, type Kysely } from "kysely";
import { isPostgres } from "../migrate.ts";

// Booleans are stored as 0/1 integers so both dialects read them back the same way.
const FALSE = sql`0`;
const TRUE = sql`1`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("domains")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(TRUE))
    .execute();

  await db.schema
    .createTable("projects")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("domain_id", "text", (c) => c.notNull().references("domains.id"))
    .addColumn("parent_id", "text", (c) => c.references("projects.id"))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(TRUE))
    .addUniqueConstraint("projects_domain_name", ["domain_id", "name"])
    .execute();
  await db.schema
    .createTable("project_tags")
    .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
    .addColumn("tag", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("project_tags_pk", ["project_id", "tag"])
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("domain_id", "text", (c) => c.notNull().references("domains.id"))
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(TRUE))
    .addColumn("password_hash", "text")
    .addColumn("default_project_id", "text")
    .addColumn("extra", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("users_domain_name", ["domain_id", "name"])
    .execute();

  await db.schema
    .createTable("groups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("domain_id", "text", (c) => c.notNull().references("domains.id"))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addUniqueConstraint("groups_domain_name", ["domain_id", "name"])
    .execute();
  await db.schema
    .createTable("group_members")
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("group_members_pk", ["group_id", "user_id"])
    .execute();

  // Global roles have domain_id '' (not NULL) so the unique constraint covers them too.
  await db.schema
    .createTable("roles")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("domain_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addUniqueConstraint("roles_domain_name", ["domain_id", "name"])
    .execute();
  await db.schema
    .createTable("implied_roles")
    .addColumn("prior_role_id", "text", (c) => c.notNull().references("roles.id").onDelete("cascade"))
    .addColumn("implied_role_id", "text", (c) => c.notNull().references("roles.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("implied_roles_pk", ["prior_role_id", "implied_role_id"])
    .execute();

  // actor_type user|group; target_type project|domain|system (target_id 'all' for system).
  await db.schema
    .createTable("role_assignments")
    .addColumn("actor_type", "text", (c) => c.notNull())
    .addColumn("actor_id", "text", (c) => c.notNull())
    .addColumn("target_type", "text", (c) => c.notNull())
    .addColumn("target_id", "text", (c) => c.notNull())
    .addColumn("role_id", "text", (c) => c.notNull().references("roles.id").onDelete("cascade"))
    .addColumn("inherited", "integer", (c) => c.notNull().defaultTo(FALSE))
    .addPrimaryKeyConstraint("role_assignments_pk", [
      "actor_type",
      "actor_id",
      "target_type",
      "target_id",
      "role_id",
      "inherited",
    ])
    .execute();
  await db.schema
    .createIndex("role_assignments_target")
    .on("role_assignments")
    .columns(["target_type", "target_id"])
    .execute();

  await db.schema
    .createTable("regions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("parent_region_id", "text", (c) => c.references("regions.id"))
    .execute();
  await db.schema
    .createTable("services")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(TRUE))
    .execute();
  await db.schema
    .createTable("endpoints")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("service_id", "text", (c) => c.notNull().references("services.id").onDelete("cascade"))
    .addColumn("interface", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("region_id", "text", (c) => c.references("regions.id"))
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(TRUE))
    .execute();

  await db.schema
    .createTable("application_credentials")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("secret_hash", "text", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("expires_at", "text")
    .addColumn("unrestricted", "integer", (c) => c.notNull().defaultTo(FALSE))
    .addColumn("role_ids", "text", (c) => c.notNull())
    .addUniqueConstraint("application_credentials_user_name", ["user_id", "name"])
    .execute();

  await db.schema
    .createTable("revocations")
    .addColumn("id", isPostgres(db) ? "bigserial" : "integer", (c) =>
      isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn("audit_id", "text")
    .addColumn("user_id", "text")
    .addColumn("project_id", "text")
    .addColumn("application_credential_id", "text")
    .addColumn("issued_before", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "revocations",
    "application_credentials",
    "endpoints",
    "services",
    "regions",
    "role_assignments",
    "implied_roles",
    "roles",
    "group_members",
    "groups",
    "users",
    "project_tags",
    "projects",
    "domains",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
