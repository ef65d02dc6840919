import type { Kysely, Selectable } from "kysely";
import type { IdentityTables } from "./tables.ts";

/** Queries for regions, services and endpoints. */
type Db = Kysely<IdentityTables>;
export type RegionRow = Selectable<IdentityTables["regions"]>;
export type ServiceRow = Selectable<IdentityTables["services"]>;
export type EndpointRow = Selectable<IdentityTables["endpoints"]>;

export function selectRegion(db: Db, id: string): Promise<RegionRow | undefined> {
  return db.selectFrom("regions").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectRegions(db: Db, f: { parent_region_id?: string | undefined }): Promise<RegionRow[]> {
  let query = db.selectFrom("regions").selectAll().orderBy("id");
  if (f.parent_region_id !== undefined) query = query.where("parent_region_id", "=", f.parent_region_id);
  return query.execute();
}

export async function insertRegion(db: Db, row: RegionRow): Promise<void> {
  await db.insertInto("regions").values(row).execute();
}

export async function updateRegionRow(db: Db, id: string, changes: Partial<RegionRow>): Promise<void> {
  await db.updateTable("regions").set(changes).where("id", "=", id).execute();
}

export async function deleteRegionRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("regions").where("id", "=", id).execute();
}

export async function regionInUse(db: Db, id: string): Promise<boolean> {
  const child = await db
    .selectFrom("regions")
    .select("id")
    .where("parent_region_id", "=", id)
    .executeTakeFirst();
  const endpoint = await db
    .selectFrom("endpoints")
    .select("id")
    .where("region_id", "=", id)
    .executeTakeFirst();
  return child !== undefined || endpoint !== undefined;
}

export function selectService(db: Db, id: string): Promise<ServiceRow | undefined> {
  return db.selectFrom("services").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectServices(
  db: Db,
  f: { type?: string | undefined; name?: string | undefined },
): Promise<ServiceRow[]> {
  let query = db.selectFrom("services").selectAll().orderBy("type").orderBy("name");
  if (f.type !== undefined) query = query.where("type", "=", f.type);
  if (f.name !== undefined) query = query.where("name", "=", f.name);
  return query.execute();
}

export async function insertService(db: Db, row: ServiceRow): Promise<void> {
  await db.insertInto("services").values(row).execute();
}

export async function updateServiceRow(db: Db, id: string, changes: Partial<ServiceRow>): Promise<void> {
  await db.updateTable("services").set(changes).where("id", "=", id).execute();
}

export async function deleteServiceRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("services").where("id", "=", id).execute();
}

export function selectEndpoint(db: Db, id: string): Promise<EndpointRow | undefined> {
  return db.selectFrom("endpoints").selectAll().where("id", "=", id).executeTakeFirst();
}

export interface EndpointFilters {
  interface?: string | undefined;
  service_id?: string | undefined;
  region_id?: string | undefined;
}

export function selectEndpoints(db: Db, f: EndpointFilters): Promise<EndpointRow[]> {
  let query = db.selectFrom("endpoints").selectAll().orderBy("service_id").orderBy("interface");
  if (f.interface !== undefined)
    query = query.where("interface", "=", f.interface as EndpointRow["interface"]);
  if (f.service_id !== undefined) query = query.where("service_id", "=", f.service_id);
  if (f.region_id !== undefined) query = query.where("region_id", "=", f.region_id);
  return query.execute();
}

export async function insertEndpoint(db: Db, row: EndpointRow): Promise<void> {
  await db.insertInto("endpoints").values(row).execute();
}

export async function updateEndpointRow(db: Db, id: string, changes: Partial<EndpointRow>): Promise<void> {
  await db.updateTable("endpoints").set(changes).where("id", "=", id).execute();
}

export async function deleteEndpointRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("endpoints").where("id", "=", id).execute();
}
