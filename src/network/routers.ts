import type { AuthContext } from "../http/auth.ts";
import { parseBody } from "../lib/attributes.ts";
import { uuid } from "../lib/ids.ts";
import type { ListQuery } from "../lib/list-query.ts";
import { isoSeconds } from "../lib/time.ts";
import { checkZoneHints } from "./availability-zones.ts";
import {
  authorize,
  emit,
  isAdmin,
  reader,
  requireAuth,
  write,
  type NetworkDeps,
  type NetworkTx,
} from "./deps.ts";
import { RouterInUse, RouterNotFound } from "./errors-router.ts";
import { changeTagsOf, checkRevision, createInBulk, ownedBy, seenByProject } from "./resource.ts";
import { enforceQuota } from "./quotas.ts";
import {
  changeGateway,
  clearGateway,
  gatewayInfos,
  refuseAdminOnlyGateway,
  type GatewayInfo,
} from "./router-gateway.ts";
import { checkRoutes } from "./router-routes.ts";
import { routerAttributes } from "./schemas/router.ts";
import { refuseVpcRouter } from "./vpc/guards.ts";
import { refuseNatGatewayOnRouter } from "./nat/guards.ts";
import { DEVICE_OWNER } from "./device-owners.ts";
import * as store from "./store.ts";
import * as routerStore from "./store-routers.ts";

export type Router = ReturnType<typeof routerView>;

export function routerView(
  row: routerStore.RouterRow,
  gateway: GatewayInfo | null,
  routes: readonly routerStore.Route[],
  tags: readonly string[],
) {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    project_id: row.project_id,
    admin_state_up: row.admin_state_up === 1,
    status: row.status,
    external_gateway_info: gateway,
    description: row.description,
    availability_zone_hints: JSON.parse(row.availability_zone_hints) as string[],
    availability_zones: ["nova"],
    routes: [...routes],
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/** POST /v2.0/routers, single or bulk, all in one transaction. */
export function createRouters(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<Router[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: routerAttributes,
    resource: "router",
    check: (caller, body) => refuseAdminOnlyGateway(caller, "create", body.external_gateway_info),
    insert: (tx, caller, { body, projectId }) => insertRouter(deps, tx, caller, body, projectId),
  });
}

/** Inserts one router (quota, zones, gateway) and announces it; also how a VPC makes its router. */
export async function insertRouter(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
  projectId: string,
): Promise<Router> {
  await enforceQuota(tx, projectId, "router");
  await checkZoneHints(tx.db, body.availability_zone_hints as string[]);
  const now = isoSeconds(deps.clock.now());
  const blank: routerStore.RouterRow = {
    id: uuid(),
    project_id: projectId,
    name: body.name as string,
    description: body.description as string,
    admin_state_up: body.admin_state_up ? 1 : 0,
    status: "ACTIVE",
    gw_port_id: null,
    enable_snat: 1,
    gw_qos_policy_id: null,
    availability_zone_hints: JSON.stringify(body.availability_zone_hints ?? []),
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  // The gateway port names the router as its device before the router row exists: same transaction.
  const row = { ...blank, ...(await changeGateway(deps, tx, caller, blank, body.external_gateway_info)) };
  await routerStore.insertRouter(tx.db, row);
  const router = await viewOf(tx.db, row);
  await emit(deps, tx, "router", "create", router);
  return router;
}

export async function getRouter(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<Router> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  return viewOf(db, await visibleRouter(db, caller, id));
}

export async function listRouters(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<Router[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const rows = await routerStore.selectRouters(db, query, {
    all: isAdmin(caller),
    project_id: caller.project_id,
  });
  const ids = rows.map((row) => row.id);
  const [routes, tags, gateways] = [
    await routerStore.routesOf(db, ids),
    await store.selectTags(db, ids),
    await gatewayInfos(db, rows),
  ];
  return rows.map((row) =>
    routerView(row, gateways.get(row.id) ?? null, routes.get(row.id) ?? [], tags.get(row.id) ?? []),
  );
}

export async function updateRouter(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<Router> {
  const caller = requireAuth(auth);
  const body = parseBody(routerAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visibleRouter(tx.db, caller, id);
    authorize(caller, "update_router", { project_id: row.project_id });
    refuseAdminOnlyGateway(caller, "update", body.external_gateway_info);
    checkRevision(row.revision_number, ifMatch);
    const changes: Partial<routerStore.RouterRow> = {
      ...(body.name !== undefined ? { name: body.name as string } : {}),
      ...(body.description !== undefined ? { description: body.description as string } : {}),
      ...(body.admin_state_up !== undefined ? { admin_state_up: body.admin_state_up ? 1 : 0 } : {}),
      ...(body.external_gateway_info !== undefined
        ? await changeGateway(deps, tx, caller, row, body.external_gateway_info)
        : {}),
    };
    if (body.routes !== undefined) {
      const routes = body.routes as routerStore.Route[];
      await checkRoutes(tx.db, row.id, routes);
      await routerStore.clearRoutes(tx.db, row.id);
      await routerStore.addRoutes(tx.db, row.id, routes);
    }
    return saveRouter(deps, tx, row, changes);
  });
}

export async function deleteRouter(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visibleRouter(tx.db, caller, id);
    authorize(caller, "delete_router", { project_id: row.project_id });
    await refuseVpcRouter(tx.db, id);
    await refuseNatGatewayOnRouter(tx.db, id);
    await removeRouter(deps, tx, row);
  });
}

/** Deletes a router without interfaces (its gateway goes with it) and announces it. */
export async function removeRouter(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: routerStore.RouterRow,
): Promise<void> {
  const interfaces = await routerStore.routerPorts(tx.db, row.id, DEVICE_OWNER.routerInterface);
  if (interfaces.length > 0)
    throw new RouterInUse(
      row.id,
      interfaces.map((port) => port.id),
    );
  const router = await viewOf(tx.db, row);
  await clearGateway(deps, tx, row);
  await routerStore.deleteRouterRow(tx.db, row.id);
  await emit(deps, tx, "router", "delete", router);
}

export function changeRouterTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, id) => visibleRouter(tx.db, caller, id),
    action: "update_router",
    target: ownedBy,
    save: (tx, row) => saveRouter(deps, tx, row, {}),
  });
}

/** A router is seen by its project (and admins) only. */
export async function visibleRouter(
  db: NetworkTx["db"],
  caller: AuthContext,
  id: string,
): Promise<routerStore.RouterRow> {
  return seenByProject(caller, await routerStore.selectRouter(db, id), () => new RouterNotFound(id));
}

/** Every change bumps the router's revision and is announced with its new state. */
export async function saveRouter(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: routerStore.RouterRow,
  changes: Partial<routerStore.RouterRow>,
): Promise<Router> {
  const saved = await store.saveRevision(tx.db, "routers", row, changes, isoSeconds(deps.clock.now()));
  const router = await viewOf(tx.db, saved);
  await emit(deps, tx, "router", "update", router);
  return router;
}

async function viewOf(db: NetworkTx["db"], row: routerStore.RouterRow): Promise<Router> {
  return routerView(
    row,
    (await gatewayInfos(db, [row])).get(row.id) ?? null,
    (await routerStore.routesOf(db, [row.id])).get(row.id) ?? [],
    (await store.selectTags(db, [row.id])).get(row.id) ?? [],
  );
}
