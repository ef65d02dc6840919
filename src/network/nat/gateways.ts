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
import { changeTagsOf, checkRevision, createInBulk, ownedBy, seenByProject } from "../resource.ts";
import { visibleRouter } from "../routers.ts";
import * as networkStore from "../store.ts";
import { visibleVpc } from "../vpc/vpcs.ts";
import { vpcOf } from "../vpc/store.ts";
import { InvalidNatRule, NatGatewayInUse, NatGatewayNotFound, NatGatewayRouterConflict } from "./errors.ts";
import { natGatewayAttributes } from "./schemas.ts";
import * as store from "./store.ts";

export type NatGateway = ReturnType<typeof gatewayView>;

/** `vpc_id` is the VPC whose router the gateway serves (null for a plain router). */
export function gatewayView(row: store.NatGatewayRow, vpcId: string | null, tags: readonly string[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tenant_id: row.project_id,
    project_id: row.project_id,
    router_id: row.router_id,
    vpc_id: vpcId,
    spec: row.spec,
    status: row.status,
    admin_state_up: row.admin_state_up === 1,
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/** POST /v2.0/nat-gateways, single or bulk, all in one transaction. */
export function createNatGateways(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<NatGateway[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: natGatewayAttributes,
    resource: "nat_gateway",
    check: (_caller, body) => {
      if (body.router_id === null && body.vpc_id === null)
        throw new InvalidNatRule("A NAT gateway needs router_id or vpc_id");
    },
    insert: (tx, caller, { body, projectId }) => insertGateway(deps, tx, caller, body, projectId),
  });
}

/** The router: given, or the VPC's; it must be the project's, with an external gateway and no NAT gateway yet. */
async function gatewayRouter(
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
  projectId: string,
) {
  const vpc = body.vpc_id === null ? undefined : await visibleVpc(tx.db, caller, body.vpc_id as string);
  const routerId = (body.router_id as string | null) ?? vpc?.router_id ?? "";
  if (vpc !== undefined && vpc.router_id !== routerId)
    throw new InvalidNatRule(`Router ${routerId} is not the router of VPC ${vpc.id} (${vpc.router_id})`);
  const router = await visibleRouter(tx.db, caller, routerId);
  if (router.project_id !== projectId)
    throw new InvalidNatRule(`Router ${router.id} belongs to another project than the NAT gateway`);
  if (router.gw_port_id === null)
    throw new NatGatewayRouterConflict(
      `Router ${router.id} has no external gateway: set its external_gateway_info before adding a NAT gateway`,
    );
  const taken = await store.gatewayOfRouter(tx.db, router.id);
  if (taken !== undefined)
    throw new NatGatewayRouterConflict(`Router ${router.id} already has NAT gateway ${taken.id}`);
  return { router, vpcId: vpc?.id ?? (await vpcOf(tx.db, "router_id", router.id))?.id ?? null };
}

async function insertGateway(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
  projectId: string,
): Promise<NatGateway> {
  const { router, vpcId } = await gatewayRouter(tx, caller, body, projectId);
  await enforceQuota(tx, projectId, "nat_gateway");
  const now = isoSeconds(deps.clock.now());
  const row: store.NatGatewayRow = {
    id: uuid(),
    project_id: projectId,
    name: body.name as string,
    description: body.description as string,
    router_id: router.id,
    spec: body.spec as string,
    status: "ACTIVE",
    admin_state_up: body.admin_state_up === false ? 0 : 1,
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  await store.insertGateway(tx.db, row);
  const gateway = gatewayView(row, vpcId, []);
  await emit(deps, tx, "nat_gateway", "create", gateway);
  return gateway;
}

export async function getNatGateway(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<NatGateway> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const [gateway] = await withRelations(db, [await visibleGateway(db, caller, id)]);
  return gateway as NatGateway;
}

export async function listNatGateways(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<NatGateway[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const visibility = { all: isAdmin(caller), project_id: caller.project_id };
  const rows = await store.selectNatPage<store.NatGatewayRow>(db, "nat_gateways", query, visibility);
  return withRelations(db, rows);
}

async function withRelations(db: NetworkTx["db"], rows: readonly store.NatGatewayRow[]) {
  const tags = await networkStore.selectTags(
    db,
    rows.map((row) => row.id),
  );
  const views: NatGateway[] = [];
  for (const row of rows) {
    const vpc = await vpcOf(db, "router_id", row.router_id);
    views.push(gatewayView(row, vpc?.id ?? null, tags.get(row.id) ?? []));
  }
  return views;
}

/** PUT /v2.0/nat-gateways/{id}: name, description, spec, admin_state_up. */
export async function updateNatGateway(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<NatGateway> {
  const caller = requireAuth(auth);
  const body = parseBody(natGatewayAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visibleGateway(tx.db, caller, id);
    authorize(caller, "update_nat_gateway", ownedBy(row));
    checkRevision(row.revision_number, ifMatch);
    return saveGateway(deps, tx, row, {
      ...(body.name !== undefined ? { name: body.name as string } : {}),
      ...(body.description !== undefined ? { description: body.description as string } : {}),
      ...(body.spec !== undefined ? { spec: body.spec as string } : {}),
      ...(body.admin_state_up !== undefined ? { admin_state_up: body.admin_state_up ? 1 : 0 } : {}),
    });
  });
}

/** DELETE: only a gateway without rules (they name the floating IPs and ports in use). */
export async function deleteNatGateway(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visibleGateway(tx.db, caller, id);
    authorize(caller, "delete_nat_gateway", ownedBy(row));
    const rules = await store.rulesOfGateway(tx.db, id);
    if (rules.snat.length > 0 || rules.dnat.length > 0) throw new NatGatewayInUse(id, rules.snat, rules.dnat);
    const tables = await store.tablesRoutingTo(tx.db, id);
    if (tables.length > 0)
      throw new NatGatewayRouterConflict(
        `NAT gateway ${id} is the next hop of routes in route tables ${tables.join(", ")}; remove them first`,
      );
    await store.deleteNatRow(tx.db, "nat_gateways", id);
    await emit(deps, tx, "nat_gateway", "delete", gatewayView(row, null, []));
  });
}

export function changeNatGatewayTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, gatewayId) => visibleGateway(tx.db, caller, gatewayId),
    action: "update_nat_gateway",
    target: ownedBy,
    save: (tx, row) => saveGateway(deps, tx, row, {}),
  });
}

/** A NAT gateway is seen by its project (and admins) only. */
export async function visibleGateway(
  db: NetworkTx["db"],
  caller: AuthContext,
  id: string,
): Promise<store.NatGatewayRow> {
  return seenByProject(caller, await store.selectGateway(db, id), () => new NatGatewayNotFound(id));
}

async function saveGateway(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: store.NatGatewayRow,
  changes: Partial<store.NatGatewayRow>,
): Promise<NatGateway> {
  const saved = await networkStore.saveRevision(
    tx.db,
    "nat_gateways",
    row,
    changes,
    isoSeconds(deps.clock.now()),
  );
  const [gateway] = await withRelations(tx.db, [saved]);
  await emit(deps, tx, "nat_gateway", "update", gateway as NatGateway);
  return gateway as NatGateway;
}
