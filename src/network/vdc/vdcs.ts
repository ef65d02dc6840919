import { sql } from "kysely";
import type { AuthContext } from "../../http/auth.ts";
import { InvalidInput, parseBody } from "../../lib/attributes.ts";
import { Conflict, NotFound } from "../../lib/errors.ts";
import type { ListQuery } from "../../lib/list-query.ts";
import { isoSeconds } from "../../lib/time.ts";
import {
  authorize,
  emit,
  isAdmin,
  reader,
  requireAuth,
  write,
  type NetworkDeps,
  type NetworkTx,
} from "../deps.ts";
import { checkedLimits, quotaDetailsOf, saveLimits } from "../quotas.ts";
import { selectPage } from "../store.ts";
import { deleteLimits } from "../store-quotas.ts";
import type { NetworkTables } from "../tables.ts";
import { vdcAttributes } from "./schemas.ts";

/**
 * Virtual data centres [vdc]: a tenant's top level, one per Keystone project. A project, not a
 * domain, because every resource below (networks, VPCs, images, servers) is owned and counted
 * per project in OpenStack; a domain would need a second ownership level no client knows.
 * The VDC's quotas ARE the project's Neutron quota limits, so every create below is held to
 * them atomically by the existing quota lock; its usage is the roll-up of what the project owns.
 */

type VdcRow = NetworkTables["vdcs"];
type Db = NetworkTx["db"];

export interface Vdc {
  id: string;
  project_id: string;
  tenant_id: string;
  name: string;
  description: string;
  /** resource -> limit (-1 unlimited). */
  quotas: Record<string, number>;
  /** resource -> in use now. */
  usage: Record<string, number>;
  vpcs: string[];
  created_at: string;
  updated_at: string;
}

export class VdcNotFound extends NotFound {
  constructor(id: string) {
    super(`VDC ${id} could not be found`);
  }
}

export class VdcExists extends Conflict {
  constructor(project: string) {
    super(`Project ${project} already has a VDC`);
  }
}

export class VdcInUse extends Conflict {
  constructor(id: string, vpcs: readonly string[]) {
    super(`VDC ${id} still has VPCs ${vpcs.join(", ")}`);
  }
}

/** POST (admin): the VDC of a project that exists, sized by `quotas`. */
export function createVdcs(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<Vdc[]> {
  const caller = authorize(auth, "create_vdc", {});
  const bodies = inputs.map((input) => parseBody(vdcAttributes, input, "create"));
  return write(deps, async (tx) => {
    const created: Vdc[] = [];
    for (const body of bodies) {
      const project = (body.project_id ?? body.tenant_id ?? caller.project_id) as string;
      if (!(await projectExists(tx.db, project))) throw new InvalidInput(`Project ${project} does not exist`);
      if (await selectVdc(tx.db, project)) throw new VdcExists(project);
      const now = isoSeconds(deps.clock.now());
      const row = {
        id: project,
        project_id: project,
        name: body.name as string,
        description: body.description as string,
        created_at: now,
        updated_at: now,
      };
      await tx.db.insertInto("vdcs").values(row).execute();
      await saveLimits(deps, tx, project, checkedLimits(body.quotas as Record<string, unknown>));
      created.push(await announced(deps, tx, row, "create"));
    }
    return created;
  });
}

export async function getVdc(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<Vdc> {
  const row = await visibleVdc(reader(deps), auth, id);
  return vdcView(deps, row);
}

/** Admins list every VDC; a project's members see their own. */
export async function listVdcs(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<Vdc[]> {
  const caller = authorize(auth, "get_vdc", { project_id: auth?.project_id ?? null });
  const scope = isAdmin(caller) ? undefined : sql<boolean>`project_id = ${caller.project_id}`;
  const rows = await selectPage<VdcRow>(reader(deps), "vdcs", query, scope);
  return Promise.all(rows.map((row) => vdcView(deps, row)));
}

/** PUT (admin): rename, or resize by `quotas` (only the resources named change). */
export function updateVdc(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
): Promise<Vdc> {
  authorize(auth, "update_vdc", {});
  const body = parseBody(vdcAttributes, input, "update");
  const limits = body.quotas === undefined ? [] : checkedLimits(body.quotas as Record<string, unknown>);
  return write(deps, async (tx) => {
    const current = await visibleVdc(tx.db, auth, id);
    const row: VdcRow = {
      ...current,
      name: (body.name as string | undefined) ?? current.name,
      description: (body.description as string | undefined) ?? current.description,
      updated_at: isoSeconds(deps.clock.now()),
    };
    await tx.db.updateTable("vdcs").set(row).where("id", "=", id).execute();
    if (limits.length > 0) await saveLimits(deps, tx, row.project_id, limits);
    return announced(deps, tx, row, "update");
  });
}

/** DELETE (admin): refused while the tenant has VPCs; the project's limits go back to the defaults. */
export async function deleteVdc(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  authorize(auth, "delete_vdc", {});
  await write(deps, async (tx) => {
    const row = await visibleVdc(tx.db, auth, id);
    const vpcs = await vpcsOf(tx.db, row.project_id);
    if (vpcs.length > 0) throw new VdcInUse(id, vpcs);
    const view = await vdcView(deps, row, tx.db);
    await tx.db.deleteFrom("vdcs").where("id", "=", id).execute();
    await deleteLimits(tx.db, row.project_id);
    await emit(deps, tx, "vdc", "delete", view);
  });
}

/** Admins see every VDC, a project's readers its own; anyone else gets 404. */
async function visibleVdc(db: Db, auth: AuthContext | null, id: string): Promise<VdcRow> {
  const caller = requireAuth(auth);
  const row = await db.selectFrom("vdcs").selectAll().where("id", "=", id).executeTakeFirst();
  if (row === undefined || (!isAdmin(caller) && row.project_id !== caller.project_id))
    throw new VdcNotFound(id);
  authorize(caller, "get_vdc", { project_id: row.project_id });
  return row;
}

async function vdcView(deps: NetworkDeps, row: VdcRow, db: Db = reader(deps)): Promise<Vdc> {
  const details = await quotaDetailsOf(deps, row.project_id, db);
  const pick = (key: "limit" | "used") =>
    Object.fromEntries(Object.entries(details).map(([resource, detail]) => [resource, detail[key]]));
  return {
    id: row.id,
    project_id: row.project_id,
    tenant_id: row.project_id,
    name: row.name,
    description: row.description,
    quotas: pick("limit"),
    usage: pick("used"),
    vpcs: await vpcsOf(db, row.project_id),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

async function announced(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: VdcRow,
  action: "create" | "update",
): Promise<Vdc> {
  const view = await vdcView(deps, row, tx.db);
  await emit(deps, tx, "vdc", action, view);
  return view;
}

function selectVdc(db: Db, project: string): Promise<VdcRow | undefined> {
  return db.selectFrom("vdcs").selectAll().where("project_id", "=", project).executeTakeFirst();
}

async function vpcsOf(db: Db, project: string): Promise<string[]> {
  const rows = await db
    .selectFrom("vpcs")
    .select("id")
    .where("project_id", "=", project)
    .orderBy("id")
    .execute();
  return rows.map((row) => row.id);
}

/** Keystone's project table lives in the same database. */
async function projectExists(db: Db, project: string): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`select id from projects where id = ${project}`.execute(db);
  return rows.length > 0;
}
