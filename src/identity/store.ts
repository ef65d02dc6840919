import type { Kysely, Selectable } from "kysely";
import type { IdentityTables } from "./tables.ts";

/** Queries for domains, projects, users and groups. Assignments and catalog live in their own files. */
type Db = Kysely<IdentityTables>;
export type DomainRow = Selectable<IdentityTables["domains"]>;
export type ProjectRow = Selectable<IdentityTables["projects"]>;
export type UserRow = Selectable<IdentityTables["users"]>;
export type GroupRow = Selectable<IdentityTables["groups"]>;

export interface NameFilters {
  /** Only these ids (an empty list matches nothing). */
  ids?: readonly string[] | undefined;
  name?: string | undefined;
  enabled?: boolean | undefined;
  domain_id?: string | undefined;
}

export function selectDomain(db: Db, id: string): Promise<DomainRow | undefined> {
  return db.selectFrom("domains").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectDomainByName(db: Db, name: string): Promise<DomainRow | undefined> {
  return db.selectFrom("domains").selectAll().where("name", "=", name).executeTakeFirst();
}

export function selectDomains(db: Db, filters: NameFilters): Promise<DomainRow[]> {
  let query = db.selectFrom("domains").selectAll().orderBy("name");
  if (filters.name !== undefined) query = query.where("name", "=", filters.name);
  if (filters.enabled !== undefined) query = query.where("enabled", "=", filters.enabled ? 1 : 0);
  return query.execute();
}

export async function insertDomain(db: Db, row: DomainRow): Promise<void> {
  await db.insertInto("domains").values(row).execute();
}

export async function updateDomainRow(db: Db, id: string, changes: Partial<DomainRow>): Promise<void> {
  await db.updateTable("domains").set(changes).where("id", "=", id).execute();
}

export async function deleteDomainRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("domains").where("id", "=", id).execute();
}

export interface ProjectFilters extends NameFilters {
  parent_id?: string | undefined;
  /** Every tag must be present. */
  tags?: readonly string[] | undefined;
  /** At least one tag must be present. */
  tags_any?: readonly string[] | undefined;
  not_tags?: readonly string[] | undefined;
  not_tags_any?: readonly string[] | undefined;
}

export function selectProject(db: Db, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom("projects").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectProjectByName(db: Db, domainId: string, name: string): Promise<ProjectRow | undefined> {
  return db
    .selectFrom("projects")
    .selectAll()
    .where("domain_id", "=", domainId)
    .where("name", "=", name)
    .executeTakeFirst();
}

export function selectProjects(db: Db, f: ProjectFilters): Promise<ProjectRow[]> {
  let query = db.selectFrom("projects").selectAll().orderBy("name");
  if (f.name !== undefined) query = query.where("name", "=", f.name);
  if (f.enabled !== undefined) query = query.where("enabled", "=", f.enabled ? 1 : 0);
  if (f.domain_id !== undefined) query = query.where("domain_id", "=", f.domain_id);
  if (f.parent_id !== undefined) query = query.where("parent_id", "=", f.parent_id);
  if (f.ids !== undefined) query = query.where("id", "in", f.ids.length > 0 ? [...f.ids] : [""]);
  const tagged = (tags: readonly string[]) =>
    db
      .selectFrom("project_tags")
      .select("project_id")
      .where("tag", "in", [...tags]);
  for (const tag of f.tags ?? []) query = query.where("id", "in", tagged([tag]));
  if (f.tags_any?.length) query = query.where("id", "in", tagged(f.tags_any));
  if (f.not_tags?.length) {
    const all = f.not_tags;
    query = query.where((eb) => eb.not(eb.and(all.map((tag) => eb("id", "in", tagged([tag]))))));
  }
  if (f.not_tags_any?.length) query = query.where("id", "not in", tagged(f.not_tags_any));
  return query.execute();
}

export async function insertProject(db: Db, row: ProjectRow): Promise<void> {
  await db.insertInto("projects").values(row).execute();
}

export async function updateProjectRow(db: Db, id: string, changes: Partial<ProjectRow>): Promise<void> {
  await db.updateTable("projects").set(changes).where("id", "=", id).execute();
}

export async function deleteProjectRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("projects").where("id", "=", id).execute();
}

export async function countChildren(db: Db, projectId: string): Promise<number> {
  const row = await db
    .selectFrom("projects")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("parent_id", "=", projectId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function selectTags(db: Db, projectIds: readonly string[]): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>();
  if (projectIds.length === 0) return tags;
  const rows = await db
    .selectFrom("project_tags")
    .selectAll()
    .where("project_id", "in", [...projectIds])
    .orderBy("tag")
    .execute();
  for (const row of rows) tags.set(row.project_id, [...(tags.get(row.project_id) ?? []), row.tag]);
  return tags;
}

export async function replaceTags(db: Db, projectId: string, tags: readonly string[]): Promise<void> {
  await db.deleteFrom("project_tags").where("project_id", "=", projectId).execute();
  if (tags.length > 0) {
    await db
      .insertInto("project_tags")
      .values([...new Set(tags)].map((tag) => ({ project_id: projectId, tag })))
      .execute();
  }
}

export function selectUser(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectUserByName(db: Db, domainId: string, name: string): Promise<UserRow | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where("domain_id", "=", domainId)
    .where("name", "=", name)
    .executeTakeFirst();
}

export function selectUsers(db: Db, f: NameFilters & { group_id?: string }): Promise<UserRow[]> {
  let query = db.selectFrom("users").selectAll().orderBy("name");
  if (f.ids !== undefined) query = query.where("id", "in", f.ids.length > 0 ? [...f.ids] : [""]);
  if (f.name !== undefined) query = query.where("name", "=", f.name);
  if (f.enabled !== undefined) query = query.where("enabled", "=", f.enabled ? 1 : 0);
  if (f.domain_id !== undefined) query = query.where("domain_id", "=", f.domain_id);
  if (f.group_id !== undefined) {
    query = query.where(
      "id",
      "in",
      db.selectFrom("group_members").select("user_id").where("group_id", "=", f.group_id),
    );
  }
  return query.execute();
}

export async function insertUser(db: Db, row: UserRow): Promise<void> {
  await db.insertInto("users").values(row).execute();
}

export async function updateUserRow(db: Db, id: string, changes: Partial<UserRow>): Promise<void> {
  await db.updateTable("users").set(changes).where("id", "=", id).execute();
}

export async function deleteUserRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("users").where("id", "=", id).execute();
}

export function selectGroup(db: Db, id: string): Promise<GroupRow | undefined> {
  return db.selectFrom("groups").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectGroups(db: Db, f: NameFilters & { user_id?: string }): Promise<GroupRow[]> {
  let query = db.selectFrom("groups").selectAll().orderBy("name");
  if (f.ids !== undefined) query = query.where("id", "in", f.ids.length > 0 ? [...f.ids] : [""]);
  if (f.name !== undefined) query = query.where("name", "=", f.name);
  if (f.domain_id !== undefined) query = query.where("domain_id", "=", f.domain_id);
  if (f.user_id !== undefined) {
    query = query.where(
      "id",
      "in",
      db.selectFrom("group_members").select("group_id").where("user_id", "=", f.user_id),
    );
  }
  return query.execute();
}

export async function insertGroup(db: Db, row: GroupRow): Promise<void> {
  await db.insertInto("groups").values(row).execute();
}

export async function updateGroupRow(db: Db, id: string, changes: Partial<GroupRow>): Promise<void> {
  await db.updateTable("groups").set(changes).where("id", "=", id).execute();
}

export async function deleteGroupRow(db: Db, id: string): Promise<void> {
  await db
    .deleteFrom("role_assignments")
    .where("actor_type", "=", "group")
    .where("actor_id", "=", id)
    .execute();
  await db.deleteFrom("groups").where("id", "=", id).execute();
}

export async function isGroupMember(db: Db, groupId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("group_members")
    .select("user_id")
    .where("group_id", "=", groupId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertGroupMember(db: Db, groupId: string, userId: string): Promise<void> {
  await db
    .insertInto("group_members")
    .values({ group_id: groupId, user_id: userId })
    .onConflict((oc) => oc.columns(["group_id", "user_id"]).doNothing())
    .execute();
}

export async function deleteGroupMember(db: Db, groupId: string, userId: string): Promise<void> {
  await db
    .deleteFrom("group_members")
    .where("group_id", "=", groupId)
    .where("user_id", "=", userId)
    .execute();
}
