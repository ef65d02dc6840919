import type { ExpressionBuilder, Kysely, Selectable } from "kysely";
import type { ActorType, IdentityTables, TargetType } from "./tables.ts";

/** Queries for roles, role inference and role assignments. */
type Db = Kysely<IdentityTables>;
export type RoleRow = Selectable<IdentityTables["roles"]>;
export type AssignmentRow = Selectable<IdentityTables["role_assignments"]>;

export function selectRole(db: Db, id: string): Promise<RoleRow | undefined> {
  return db.selectFrom("roles").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectRoles(
  db: Db,
  filters: { name?: string | undefined; ids?: readonly string[] },
): Promise<RoleRow[]> {
  let query = db.selectFrom("roles").selectAll().orderBy("name");
  if (filters.name !== undefined) query = query.where("name", "=", filters.name);
  if (filters.ids !== undefined)
    query = query.where("id", "in", filters.ids.length ? [...filters.ids] : [""]);
  return query.execute();
}

export async function insertRole(db: Db, row: RoleRow): Promise<void> {
  await db.insertInto("roles").values(row).execute();
}

export async function updateRoleRow(db: Db, id: string, changes: Partial<RoleRow>): Promise<void> {
  await db.updateTable("roles").set(changes).where("id", "=", id).execute();
}

export async function deleteRoleRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("roles").where("id", "=", id).execute();
}

export function selectImpliedRoles(db: Db): Promise<Array<Selectable<IdentityTables["implied_roles"]>>> {
  return db.selectFrom("implied_roles").selectAll().execute();
}

export async function insertImpliedRole(db: Db, priorId: string, impliedId: string): Promise<void> {
  await db
    .insertInto("implied_roles")
    .values({ prior_role_id: priorId, implied_role_id: impliedId })
    .onConflict((oc) => oc.columns(["prior_role_id", "implied_role_id"]).doNothing())
    .execute();
}

export async function deleteImpliedRole(db: Db, priorId: string, impliedId: string): Promise<number> {
  const result = await db
    .deleteFrom("implied_roles")
    .where("prior_role_id", "=", priorId)
    .where("implied_role_id", "=", impliedId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface AssignmentKey {
  actor_type: ActorType;
  actor_id: string;
  target_type: TargetType;
  target_id: string;
  role_id: string;
}

export async function insertAssignment(db: Db, key: AssignmentKey): Promise<void> {
  await db
    .insertInto("role_assignments")
    .values({ ...key, inherited: 0 })
    .onConflict((oc) =>
      oc.columns(["actor_type", "actor_id", "target_type", "target_id", "role_id", "inherited"]).doNothing(),
    )
    .execute();
}

export async function deleteAssignment(db: Db, key: AssignmentKey): Promise<number> {
  const result = await db
    .deleteFrom("role_assignments")
    .where("actor_type", "=", key.actor_type)
    .where("actor_id", "=", key.actor_id)
    .where("target_type", "=", key.target_type)
    .where("target_id", "=", key.target_id)
    .where("role_id", "=", key.role_id)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface AssignmentFilters {
  actor_type?: ActorType | undefined;
  actor_ids?: readonly string[] | undefined;
  target_type?: TargetType | undefined;
  target_id?: string | undefined;
  role_id?: string | undefined;
}

export function selectAssignments(db: Db, f: AssignmentFilters): Promise<AssignmentRow[]> {
  let query = db
    .selectFrom("role_assignments")
    .selectAll()
    .orderBy("target_type")
    .orderBy("target_id")
    .orderBy("actor_id")
    .orderBy("role_id");
  if (f.actor_type !== undefined) query = query.where("actor_type", "=", f.actor_type);
  if (f.actor_ids !== undefined)
    query = query.where("actor_id", "in", f.actor_ids.length ? [...f.actor_ids] : [""]);
  if (f.target_type !== undefined) query = query.where("target_type", "=", f.target_type);
  if (f.target_id !== undefined) query = query.where("target_id", "=", f.target_id);
  if (f.role_id !== undefined) query = query.where("role_id", "=", f.role_id);
  return query.execute();
}

/** Role ids granted to the user on the target, directly or through a group (before inference). */
export async function selectGrantedRoleIds(
  db: Db,
  userId: string,
  target: { type: TargetType; id: string },
): Promise<string[]> {
  const rows = await db
    .selectFrom("role_assignments")
    .select("role_id")
    .where("target_type", "=", target.type)
    .where("target_id", "=", target.id)
    .where(heldBy(userId))
    .execute();
  return rows.map((row) => row.role_id);
}

/** Distinct target ids of a type on which the user holds any role, directly or via a group. */
export async function selectTargetsOfUser(db: Db, userId: string, type: TargetType): Promise<string[]> {
  const rows = await db
    .selectFrom("role_assignments")
    .select("target_id")
    .distinct()
    .where("target_type", "=", type)
    .where(heldBy(userId))
    .execute();
  return rows.map((row) => row.target_id);
}

export async function deleteAssignmentsOf(db: Db, side: "actor" | "target", id: string): Promise<void> {
  await db
    .deleteFrom("role_assignments")
    .where(side === "actor" ? "actor_id" : "target_id", "=", id)
    .execute();
}

/** Assignments to the user, or to a group the user belongs to. */
function heldBy(userId: string) {
  return (eb: ExpressionBuilder<IdentityTables, "role_assignments">) =>
    eb.or([
      eb.and([eb("actor_type", "=", "user"), eb("actor_id", "=", userId)]),
      eb.and([
        eb("actor_type", "=", "group"),
        eb("actor_id", "in", eb.selectFrom("group_members").select("group_id").where("user_id", "=", userId)),
      ]),
    ]);
}
