import { sql, type Kysely, type RawBuilder, type Selectable, type SqlBool } from "kysely";
import { isUniqueViolation } from "../db/index.ts";
import type { ListQuery } from "../lib/list-query.ts";
import { selectPage, type Visibility } from "./store.ts";
import type { NetworkTables } from "./tables.ts";

/** Queries for network RBAC entries. No rules here, only SQL. */
type Db = Kysely<NetworkTables>;
export type RbacRow = Selectable<NetworkTables["rbac_policies"]>;

export const ACCESS_SHARED = "access_as_shared";
export const ACCESS_EXTERNAL = "access_as_external";
export const WILDCARD = "*";

export function selectPolicy(db: Db, id: string): Promise<RbacRow | undefined> {
  return db.selectFrom("rbac_policies").selectAll().where("id", "=", id).executeTakeFirst();
}

/** A project sees the entries it created; admins see all (Neutron scopes RBAC rows by project). */
export function selectPolicies(db: Db, query: ListQuery, visibility: Visibility): Promise<RbacRow[]> {
  const scope = visibility.all
    ? undefined
    : sql<SqlBool>`${sql.ref("project_id")} = ${visibility.project_id ?? ""}`;
  return selectPage<RbacRow>(db, "rbac_policies", query, scope);
}

export function selectPoliciesOf(db: Db, networkId: string, action?: string): Promise<RbacRow[]> {
  let query = db.selectFrom("rbac_policies").selectAll().where("object_id", "=", networkId);
  if (action !== undefined) query = query.where("action", "=", action);
  return query.execute();
}

/** Inserts the entry; false when an identical one exists (never raises, so a PG transaction survives). */
export async function insertPolicy(db: Db, row: RbacRow): Promise<boolean> {
  const inserted = await db
    .insertInto("rbac_policies")
    .values(row)
    .onConflict((oc) => oc.columns(["object_id", "action", "target_tenant", "object_type"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Retargets the entry; false when that would duplicate another (the unique key decides). */
export async function updatePolicyTarget(db: Db, id: string, target: string): Promise<boolean> {
  try {
    await db.updateTable("rbac_policies").set({ target_tenant: target }).where("id", "=", id).execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function deletePolicyRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("rbac_policies").where("id", "=", id).execute();
}

/** Removes a network's entries: all, one action's, or one action's for one target. */
export async function deletePoliciesOf(
  db: Db,
  networkId: string,
  action?: string,
  target?: string,
): Promise<void> {
  let query = db.deleteFrom("rbac_policies").where("object_id", "=", networkId);
  if (action !== undefined) query = query.where("action", "=", action);
  if (target !== undefined) query = query.where("target_tenant", "=", target);
  await query.execute();
}

/** What the RBAC entries grant one project on a network. */
export interface NetworkAccess {
  /** An access_as_shared entry targets the project or everyone (Neutron's `shared` for it). */
  sharedWithProject: boolean;
  /** An access_as_external entry targets the project or everyone (it may see the network). */
  externalForProject: boolean;
  /** Any access_as_external entry exists: the network is `router:external` for all who see it. */
  externalAny: boolean;
}

export const NO_ACCESS: NetworkAccess = {
  sharedWithProject: false,
  externalForProject: false,
  externalAny: false,
};

/** The access `projectId` has on each network, from one query over the page's ids. */
export async function accessOf(
  db: Db,
  networkIds: readonly string[],
  projectId: string | null,
): Promise<Map<string, NetworkAccess>> {
  const access = new Map<string, NetworkAccess>();
  if (networkIds.length === 0) return access;
  const targets = [WILDCARD, projectId ?? WILDCARD];
  const rows = await db
    .selectFrom("rbac_policies")
    .select(["object_id", "action", "target_tenant"])
    .where("object_id", "in", [...networkIds])
    .where((eb) => eb.or([eb("action", "=", ACCESS_EXTERNAL), eb("target_tenant", "in", targets)]))
    .execute();
  for (const row of rows) {
    const next = { ...(access.get(row.object_id) ?? NO_ACCESS) };
    const forProject = targets.includes(row.target_tenant);
    if (row.action === ACCESS_SHARED && forProject) next.sharedWithProject = true;
    if (row.action === ACCESS_EXTERNAL) {
      next.externalAny = true;
      if (forProject) next.externalForProject = true;
    }
    access.set(row.object_id, next);
  }
  return access;
}

/**
 * Networks `projectId` may see through an entry naming it. Wildcard entries are mirrored in the
 * networks' shared/external columns, so the listing checks those first and this EXISTS (served by
 * the (target_tenant, object_id) index) only for entries that name the project.
 */
export function targetedAccess(projectId: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from rbac_policies r where r.object_id = ${sql.ref("networks.id")} and r.target_tenant = ${projectId} and r.action in (${ACCESS_SHARED}, ${ACCESS_EXTERNAL}))`;
}

/** Neutron's `shared` filter: an access_as_shared entry for the caller or everyone. */
export function sharedWith(projectId: string | null): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from rbac_policies r where r.object_id = ${sql.ref("networks.id")} and r.action = ${ACCESS_SHARED} and r.target_tenant in (${WILDCARD}, ${projectId ?? WILDCARD}))`;
}

/** Neutron's `router:external` filter: any access_as_external entry. */
export function externalAnywhere(): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from rbac_policies r where r.object_id = ${sql.ref("networks.id")} and r.action = ${ACCESS_EXTERNAL})`;
}

/** Projects with ports on the network, except the network's own ports (dhcp, router interfaces). */
export async function portProjectsOn(
  db: Db,
  networkId: string,
  excludeNetworkOwned = false,
): Promise<string[]> {
  let query = db.selectFrom("ports").select("project_id").distinct().where("network_id", "=", networkId);
  if (excludeNetworkOwned) query = query.where("device_owner", "not like", "network:%");
  return (await query.execute()).map((row) => row.project_id);
}

/** Projects whose routers have their gateway, or whose floating IPs their address, on the network. */
export async function externalUsersOn(db: Db, networkId: string): Promise<string[]> {
  const routers = await db
    .selectFrom("routers")
    .innerJoin("ports", "ports.id", "routers.gw_port_id")
    .select("routers.project_id as project_id")
    .where("ports.network_id", "=", networkId)
    .execute();
  const floatingIps = await db
    .selectFrom("floating_ips")
    .select("project_id")
    .where("floating_network_id", "=", networkId)
    .execute();
  return [...new Set([...routers, ...floatingIps].map((row) => row.project_id))];
}

/** Projects owning subnets on the network. */
export async function subnetProjectsOn(db: Db, networkId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("subnets")
    .select("project_id")
    .distinct()
    .where("network_id", "=", networkId)
    .execute();
  return rows.map((row) => row.project_id);
}

/** The networks row's shared/external columns: whether the wildcard entries exist. */
export async function wildcardFlags(
  db: Db,
  networkId: string,
): Promise<{ shared: number; external: number }> {
  const rows = await db
    .selectFrom("rbac_policies")
    .select("action")
    .where("object_id", "=", networkId)
    .where("target_tenant", "=", WILDCARD)
    .execute();
  const has = (action: string) => (rows.some((row) => row.action === action) ? 1 : 0);
  return { shared: has(ACCESS_SHARED), external: has(ACCESS_EXTERNAL) };
}
