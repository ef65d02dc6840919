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
import { changeTagsOf, checkRevision, createInBulk, ownedBy, seenByProject } from "../resource.ts";
import * as networkStore from "../store.ts";
import { cidrsOf } from "./cidrs.ts";
import { RouteTableInUse, RouteTableNotFound } from "./errors.ts";
import { checkTableRoutes } from "./route-table-actions.ts";
import { routeTableAttributes } from "./schemas.ts";
import * as store from "./store.ts";
import { visibleVpc } from "./vpcs.ts";

export type RouteTable = ReturnType<typeof routeTableView>;

/** The implicit local routes (the VPC's CIDRs) come first, then the table's own. */
export function routeTableView(
  row: store.RouteTableRow,
  vpcCidrs: readonly string[],
  routes: readonly store.TableRoute[],
  subnets: readonly string[],
  tags: readonly string[],
) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tenant_id: row.project_id,
    project_id: row.project_id,
    vpc_id: row.vpc_id,
    main: row.main === 1,
    routes: [
      ...vpcCidrs.map((destination) => ({ destination, nexthop_type: "local", nexthop: null })),
      ...routes,
    ],
    subnets: [...subnets],
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/** The VPC's main table, made with it: it serves every subnet no other table is associated with. */
export async function insertMainTable(deps: NetworkDeps, tx: NetworkTx, vpc: store.VpcRow): Promise<void> {
  const now = isoSeconds(deps.clock.now());
  const row: store.RouteTableRow = {
    id: vpc.main_route_table_id,
    project_id: vpc.project_id,
    vpc_id: vpc.id,
    name: "main",
    description: `Main route table of VPC ${vpc.id}`,
    main: 1,
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  await store.insertRouteTable(tx.db, row);
  await emit(deps, tx, "route_table", "create", routeTableView(row, cidrsOf(vpc), [], [], []));
}

/** With its VPC only: the main table, its routes and associations. */
export async function removeMainTable(deps: NetworkDeps, tx: NetworkTx, vpc: store.VpcRow): Promise<void> {
  const row = await store.selectRouteTable(tx.db, vpc.main_route_table_id);
  if (row === undefined) return;
  await store.deleteRouteTableRow(tx.db, row.id);
  await emit(deps, tx, "route_table", "delete", routeTableView(row, cidrsOf(vpc), [], [], []));
}

/** POST /v2.0/route-tables: a custom table of one of the caller's VPCs (404 for anyone else's). */
export function createRouteTables(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<RouteTable[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: routeTableAttributes,
    resource: "route_table",
    insert: (tx, caller, { body }) => insertRouteTable(deps, tx, caller, body),
  });
}

async function insertRouteTable(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
): Promise<RouteTable> {
  const vpc = await visibleVpc(tx.db, caller, body.vpc_id as string);
  authorize(caller, "create_route_table", { project_id: vpc.project_id });
  const routes = await checkTableRoutes(tx, vpc, body.routes as unknown[]);
  const now = isoSeconds(deps.clock.now());
  const row: store.RouteTableRow = {
    id: uuid(),
    project_id: vpc.project_id,
    vpc_id: vpc.id,
    name: body.name as string,
    description: body.description as string,
    main: 0,
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  await store.insertRouteTable(tx.db, row);
  await store.addRoutes(tx.db, row.id, routes);
  const table = await viewOf(tx.db, row);
  await emit(deps, tx, "route_table", "create", table);
  return table;
}

export async function getRouteTable(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<RouteTable> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  return viewOf(db, await visibleRouteTable(db, caller, id));
}

export async function listRouteTables(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<RouteTable[]> {
  const caller = requireAuth(auth);
  return viewsOf(
    reader(deps),
    await store.selectRouteTables(reader(deps), query, {
      all: isAdmin(caller),
      project_id: caller.project_id,
    }),
  );
}

/** PUT /v2.0/route-tables/{id}: name, description, routes (all of the table's own, replaced). */
export async function updateRouteTable(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<RouteTable> {
  const caller = requireAuth(auth);
  const body = parseBody(routeTableAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visibleRouteTable(tx.db, caller, id);
    authorize(caller, "update_route_table", { project_id: row.project_id });
    checkRevision(row.revision_number, ifMatch);
    if (body.routes !== undefined) {
      const vpc = await visibleVpc(tx.db, caller, row.vpc_id);
      const routes = await checkTableRoutes(tx, vpc, body.routes as unknown[]);
      await store.clearRoutes(tx.db, id);
      await store.addRoutes(tx.db, id, routes);
    }
    return saveRouteTable(deps, tx, row, {
      ...(body.name !== undefined ? { name: body.name as string } : {}),
      ...(body.description !== undefined ? { description: body.description as string } : {}),
    });
  });
}

/** DELETE /v2.0/route-tables/{id}: never the main table, nor one still associated with subnets. */
export async function deleteRouteTable(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visibleRouteTable(tx.db, caller, id);
    authorize(caller, "delete_route_table", { project_id: row.project_id });
    if (row.main === 1)
      throw new RouteTableInUse(`Route table ${id} is the main route table of VPC ${row.vpc_id}`);
    const subnets = (await store.subnetsOf(tx.db, [id])).get(id) ?? [];
    if (subnets.length > 0)
      throw new RouteTableInUse(`Route table ${id} is still associated with subnets ${subnets.join(", ")}`);
    const table = await viewOf(tx.db, row);
    await store.deleteRouteTableRow(tx.db, id);
    await emit(deps, tx, "route_table", "delete", table);
  });
}

export function changeRouteTableTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, tableId) => visibleRouteTable(tx.db, caller, tableId),
    action: "update_route_table",
    target: ownedBy,
    save: (tx, row) => saveRouteTable(deps, tx, row, {}),
  });
}

/** A route table is seen by its project (and admins) only. */
export async function visibleRouteTable(
  db: NetworkTx["db"],
  caller: AuthContext,
  id: string,
): Promise<store.RouteTableRow> {
  return seenByProject(caller, await store.selectRouteTable(db, id), () => new RouteTableNotFound(id));
}

/** Every change bumps the table's revision and is announced with its new state. */
export async function saveRouteTable(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: store.RouteTableRow,
  changes: Partial<store.RouteTableRow>,
): Promise<RouteTable> {
  const now = isoSeconds(deps.clock.now());
  const saved = await networkStore.saveRevision(tx.db, "route_tables", row, changes, now);
  const table = await viewOf(tx.db, saved);
  await emit(deps, tx, "route_table", "update", table);
  return table;
}

async function viewOf(db: NetworkTx["db"], row: store.RouteTableRow): Promise<RouteTable> {
  const [table] = await viewsOf(db, [row]);
  if (table === undefined) throw new RouteTableNotFound(row.id);
  return table;
}

/** Views of many tables in four queries: their VPCs' CIDRs, routes, subnets and tags. */
async function viewsOf(db: NetworkTx["db"], rows: readonly store.RouteTableRow[]): Promise<RouteTable[]> {
  const ids = rows.map((row) => row.id);
  const vpcIds = [...new Set(rows.map((row) => row.vpc_id))];
  const vpcs = await store.selectVpcsByIds(db, vpcIds);
  const cidrs = new Map(vpcs.map((vpc) => [vpc.id, cidrsOf(vpc)]));
  const [routes, subnets, tags] = [
    await store.routesOf(db, ids),
    await store.subnetsOf(db, ids),
    await networkStore.selectTags(db, ids),
  ];
  return rows.map((row) =>
    routeTableView(
      row,
      cidrs.get(row.vpc_id) ?? [],
      routes.get(row.id) ?? [],
      subnets.get(row.id) ?? [],
      tags.get(row.id) ?? [],
    ),
  );
}
