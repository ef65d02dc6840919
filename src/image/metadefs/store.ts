import type { Kysely } from "kysely";
import type { ImageTables } from "../tables.ts";

/** The metadefs slice of the schema (migration 0017). JSON documents are kept as text. */
export interface MetadefTables {
  metadef_namespaces: NamespaceRow;
  metadef_objects: ObjectRow;
  metadef_properties: PropertyRow;
  metadef_tags: MetadefChild;
  metadef_resource_types: { name: string; protected: number; created_at: string; updated_at: string };
  metadef_namespace_resource_types: AssociationRow;
}

export interface NamespaceRow {
  id: string;
  namespace: string;
  display_name: string | null;
  description: string | null;
  visibility: "public" | "private";
  protected: number;
  owner: string | null;
  created_at: string;
  updated_at: string;
}

/** Objects, properties and tags: a name unique within its namespace. */
export interface MetadefChild {
  namespace_id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface ObjectRow extends MetadefChild {
  description: string | null;
  /** JSON array of property names. */
  required: string;
  /** JSON map of property name to property schema. */
  properties: string;
}

export interface PropertyRow extends MetadefChild {
  /** The property's JSON schema (title, type, enum, ...), without its name. */
  json_schema: string;
}

export interface AssociationRow {
  namespace_id: string;
  resource_type: string;
  prefix: string | null;
  properties_target: string | null;
  created_at: string;
  updated_at: string;
}

export type ChildTable = "metadef_objects" | "metadef_properties" | "metadef_tags";

type Db = Kysely<ImageTables>;

export function selectNamespace(db: Db, name: string): Promise<NamespaceRow | undefined> {
  return db.selectFrom("metadef_namespaces").selectAll().where("namespace", "=", name).executeTakeFirst();
}

export function selectNamespaces(db: Db): Promise<NamespaceRow[]> {
  return db.selectFrom("metadef_namespaces").selectAll().execute();
}

export function selectAssociations(db: Db, namespaceIds: string[]): Promise<AssociationRow[]> {
  if (namespaceIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("metadef_namespace_resource_types")
    .selectAll()
    .where("namespace_id", "in", namespaceIds)
    .orderBy("resource_type")
    .execute();
}

export function selectObjects(db: Db, namespaceId: string): Promise<ObjectRow[]> {
  return db
    .selectFrom("metadef_objects")
    .selectAll()
    .where("namespace_id", "=", namespaceId)
    .orderBy("name")
    .execute();
}

export function selectProperties(db: Db, namespaceId: string): Promise<PropertyRow[]> {
  return db
    .selectFrom("metadef_properties")
    .selectAll()
    .where("namespace_id", "=", namespaceId)
    .orderBy("name")
    .execute();
}

export function selectTags(db: Db, namespaceId: string): Promise<MetadefChild[]> {
  return db
    .selectFrom("metadef_tags")
    .selectAll()
    .where("namespace_id", "=", namespaceId)
    .orderBy("name")
    .execute();
}

export function selectObject(db: Db, namespaceId: string, name: string): Promise<ObjectRow | undefined> {
  return db
    .selectFrom("metadef_objects")
    .selectAll()
    .where("namespace_id", "=", namespaceId)
    .where("name", "=", name)
    .executeTakeFirst();
}

export function selectProperty(db: Db, namespaceId: string, name: string): Promise<PropertyRow | undefined> {
  return db
    .selectFrom("metadef_properties")
    .selectAll()
    .where("namespace_id", "=", namespaceId)
    .where("name", "=", name)
    .executeTakeFirst();
}

export function selectTag(db: Db, namespaceId: string, name: string): Promise<MetadefChild | undefined> {
  return db
    .selectFrom("metadef_tags")
    .selectAll()
    .where("namespace_id", "=", namespaceId)
    .where("name", "=", name)
    .executeTakeFirst();
}

/** Deletes one child (or all of the namespace's with name undefined); the number removed. */
export async function deleteChildren(
  db: Db,
  table: ChildTable,
  namespaceId: string,
  name?: string,
): Promise<number> {
  let query = db.deleteFrom(table).where("namespace_id", "=", namespaceId);
  if (name !== undefined) query = query.where("name", "=", name);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function selectResourceTypes(db: Db) {
  return db.selectFrom("metadef_resource_types").selectAll().orderBy("name").execute();
}
