import type { AuthContext } from "../../http/auth.ts";
import { parseBody } from "../../lib/attributes.ts";
import { uuid } from "../../lib/ids.ts";
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
import { enforceQuota } from "../quotas.ts";
import { changeTagsOf, checkRevision, createInBulk, ownedBy } from "../resource.ts";
import * as networkStore from "../store.ts";
import { cidrsOf } from "../vpc/cidrs.ts";
import { VpcNotFound } from "../vpc/errors.ts";
import * as vpcStore from "../vpc/store.ts";
import { visibleVpc } from "../vpc/vpcs.ts";
import {
  InvalidVpcPeering,
  VpcPeeringExists,
  VpcPeeringInUse,
  VpcPeeringNotFound,
  VpcPeeringNotPending,
} from "./errors.ts";
import { refuseOverlap } from "./guards.ts";
import { peeringAttributes, type VpcInfo } from "./schemas.ts";
import * as store from "./store.ts";
import { freeTransitCidr } from "./transit.ts";

export type Peering = ReturnType<typeof peeringView>;

export function peeringView(row: store.PeeringRow, tags: readonly string[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    request_vpc_info: { vpc_id: row.request_vpc_id, tenant_id: row.project_id },
    accept_vpc_info: { vpc_id: row.accept_vpc_id, tenant_id: row.accept_project_id },
    tenant_id: row.project_id,
    project_id: row.project_id,
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/** POST /v2.0/vpc/peerings: within a project ACTIVE at once, across projects PENDING_ACCEPTANCE. */
export function createPeerings(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<Peering[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: peeringAttributes,
    resource: "vpc_peering",
    check: (_caller, body) => {
      const [request, accept] = [body.request_vpc_info as VpcInfo, body.accept_vpc_info as VpcInfo];
      if (request.vpc_id === accept.vpc_id)
        throw new InvalidVpcPeering(`VPC ${request.vpc_id} cannot be peered with itself`);
    },
    insert: (tx, caller, { body }) => insertPeering(deps, tx, caller, body),
  });
}

async function insertPeering(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
): Promise<Peering> {
  const [request, accept] = [body.request_vpc_info as VpcInfo, body.accept_vpc_info as VpcInfo];
  // The requester names its own VPC; the accepter's is named by id and project, and a wrong pair
  // is 404 whatever is wrong, so nobody learns of another project's VPCs.
  const mine = await visibleVpc(tx.db, caller, request.vpc_id);
  if (request.tenant_id !== undefined && request.tenant_id !== mine.project_id)
    throw new VpcNotFound(request.vpc_id);
  authorize(caller, "create_vpc_peering", { project_id: mine.project_id });
  const theirs = await vpcStore.selectVpc(tx.db, accept.vpc_id);
  if (theirs === undefined || theirs.project_id !== (accept.tenant_id ?? mine.project_id))
    throw new VpcNotFound(accept.vpc_id);
  refuseOverlap({ id: mine.id, cidrs: cidrsOf(mine) }, { id: theirs.id, cidrs: cidrsOf(theirs) });
  // The cloud-wide lock before the project's quota lock: always in this order, so never a deadlock.
  await store.lockPeerings(tx);
  await enforceQuota(tx, mine.project_id, "vpc_peering");
  const key = store.pairKey(mine.id, theirs.id);
  const existing = await store.selectPeeringByPair(tx.db, key);
  if (existing !== undefined) throw new VpcPeeringExists(mine.id, theirs.id, existing.id, existing.status);
  const now = isoSeconds(deps.clock.now());
  const row: store.PeeringRow = {
    id: uuid(),
    project_id: mine.project_id,
    name: body.name as string,
    description: body.description as string,
    request_vpc_id: mine.id,
    accept_vpc_id: theirs.id,
    accept_project_id: theirs.project_id,
    status: theirs.project_id === mine.project_id ? "ACTIVE" : "PENDING_ACCEPTANCE",
    pair_key: key,
    transit_cidr: freeTransitCidr(await store.usedTransitCidrs(tx.db)),
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  await store.insertPeering(tx.db, row);
  const peering = peeringView(row, []);
  await emit(deps, tx, "vpc_peering", "create", peering);
  return peering;
}

export async function getPeering(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<Peering> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const row = await visiblePeering(db, caller, id);
  return peeringView(row, (await networkStore.selectTags(db, [id])).get(id) ?? []);
}

export async function listPeerings(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<Peering[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const project = isAdmin(caller) ? null : (caller.project_id ?? "");
  const rows = await store.selectPeerings(db, query, project, query.extra.vpc_id ?? []);
  const tags = await networkStore.selectTags(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => peeringView(row, tags.get(row.id) ?? []));
}

/** PUT /v2.0/vpc/peerings/{id}: name and description, by the requester's project. */
export async function updatePeering(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<Peering> {
  const caller = requireAuth(auth);
  const body = parseBody(peeringAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visiblePeering(tx.db, caller, id);
    authorize(caller, "update_vpc_peering", ownedBy(row));
    checkRevision(row.revision_number, ifMatch);
    return savePeering(deps, tx, row, {
      ...(body.name !== undefined ? { name: body.name as string } : {}),
      ...(body.description !== undefined ? { description: body.description as string } : {}),
    });
  });
}

/** DELETE /v2.0/vpc/peerings/{id}: by either side, once no route goes through it. */
export async function deletePeering(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visiblePeering(tx.db, caller, id);
    authorize(caller, "delete_vpc_peering", { project_id: sideOf(caller, row) });
    const tables = await store.tablesRoutingVia(tx.db, id);
    if (tables.length > 0) throw new VpcPeeringInUse(id, tables);
    await store.deletePeeringRow(tx.db, id);
    await emit(deps, tx, "vpc_peering", "delete", peeringView(row, []));
  });
}

/** PUT /v2.0/vpc/peerings/{id}/accept and /reject: the accepter's project answers a pending request. */
export async function answerPeering(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  answer: "accept" | "reject",
): Promise<Peering> {
  const caller = requireAuth(auth);
  return write(deps, async (tx) => {
    const row = await visiblePeering(tx.db, caller, id);
    authorize(caller, `${answer}_vpc_peering`, { project_id: row.accept_project_id });
    if (row.status !== "PENDING_ACCEPTANCE") throw new VpcPeeringNotPending(id, row.status);
    return savePeering(deps, tx, row, { status: answer === "accept" ? "ACTIVE" : "REJECTED" });
  });
}

export function changePeeringTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, peeringId) => visiblePeering(tx.db, caller, peeringId),
    action: "update_vpc_peering",
    target: ownedBy,
    save: (tx, row) => savePeering(deps, tx, row, {}),
  });
}

/** The project the caller acts for: the accepter's when it is theirs, else the requester's. */
const sideOf = (caller: AuthContext, row: store.PeeringRow) =>
  caller.project_id === row.accept_project_id ? row.accept_project_id : row.project_id;

/** Both projects (and admins) see a peering; anyone else gets 404. */
export async function visiblePeering(
  db: NetworkTx["db"],
  caller: AuthContext,
  id: string,
): Promise<store.PeeringRow> {
  const row = await store.selectPeering(db, id);
  const party =
    row !== undefined &&
    (row.project_id === caller.project_id || row.accept_project_id === caller.project_id);
  if (row === undefined || (!party && !isAdmin(caller))) throw new VpcPeeringNotFound(id);
  return row;
}

async function savePeering(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: store.PeeringRow,
  changes: Partial<store.PeeringRow>,
): Promise<Peering> {
  const saved = await networkStore.saveRevision(
    tx.db,
    "vpc_peerings",
    row,
    changes,
    isoSeconds(deps.clock.now()),
  );
  const peering = peeringView(saved, (await networkStore.selectTags(tx.db, [row.id])).get(row.id) ?? []);
  await emit(deps, tx, "vpc_peering", "update", peering);
  return peering;
}
