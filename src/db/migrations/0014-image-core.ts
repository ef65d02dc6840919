import { sql, type Kysely } from "kysely";

/**
 * Glance v2 images: the image row (core attributes), free-form properties, tags, members (the
 * projects a shared image is offered to) and locations (where a store keeps the bytes). Sizes are
 * bigint: images pass 2 GiB. Deleted images are removed, not kept with a flag.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("images")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text")
    .addColumn("owner", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("visibility", "text", (c) => c.notNull())
    .addColumn("protected", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("os_hidden", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("checksum", "text")
    .addColumn("os_hash_algo", "text")
    .addColumn("os_hash_value", "text")
    .addColumn("size", "bigint")
    .addColumn("virtual_size", "bigint")
    .addColumn("min_ram", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("min_disk", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("disk_format", "text")
    .addColumn("container_format", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("images_owner").on("images").column("owner").execute();
  await db.schema.createIndex("images_status").on("images").column("status").execute();

  await db.schema
    .createTable("image_properties")
    .addColumn("image_id", "text", (c) => c.notNull().references("images.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("image_properties_pk", ["image_id", "name"])
    .execute();

  await db.schema
    .createTable("image_tags")
    .addColumn("image_id", "text", (c) => c.notNull().references("images.id").onDelete("cascade"))
    .addColumn("tag", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("image_tags_pk", ["image_id", "tag"])
    .execute();

  await db.schema
    .createTable("image_members")
    .addColumn("image_id", "text", (c) => c.notNull().references("images.id").onDelete("cascade"))
    .addColumn("member_id", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("image_members_pk", ["image_id", "member_id"])
    .execute();
  await db.schema.createIndex("image_members_member").on("image_members").column("member_id").execute();

  // No cascade: the bytes must be deleted from the store first, so a location row always names
  // bytes that exist or are about to be removed.
  await db.schema
    .createTable("image_locations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("image_id", "text", (c) => c.notNull().references("images.id"))
    .addColumn("store", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("image_locations_image").on("image_locations").column("image_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["image_locations", "image_members", "image_tags", "image_properties", "images"])
    await db.schema.dropTable(table).execute();
}
