import type { AuthContext } from "../../http/auth.ts";
import { HTTPBadRequest, parseBody } from "../../lib/attributes.ts";
import { uuid } from "../../lib/ids.ts";
import type { ListQuery } from "../../lib/list-query.ts";
import { isoSeconds } from "../../lib/time.ts";
import { checkZoneHints } from "../availability-zones.ts";
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
import { SecurityGroupInUse } from "../errors-security.ts";
import { enforceQuota } from "../quotas.ts";
import { changeTagsOf, checkRevision, createInBulk, ownedBy, seenByProject } from "../resource.ts";
import { insertRouter, removeRouter } from "../routers.ts";
import { routerAttributes } from "../schemas/router.ts";
import { defaultRules, ensureDefaultGroup, groupView } from "../security-groups.ts";
import * as networkStore from "../store.ts";
import { floatingIpsOfRouter } from "../store-floating-ips.ts";
import { selectRouter } from "../store-routers.ts";
import * as sgStore from "../store-security.ts";
import { refusePeeredOverlap, refusePeeredVpc } from "../peering/guards.ts";
import { checkVpcCidrs, cidrsOf, cidrWithin } from "./cidrs.ts";
import { InvalidVpcCidr, InvalidVpcSubnet, VpcCidrInUse, VpcInUse, VpcNotFound } from "./errors.ts";
import { insertMainTable, removeMainTable } from "./route-tables.ts";
import { vpcAttributes } from "./schemas.ts";
import * as store from "./store.ts";
import { refuseNatGatewayOnRouter } from "../nat/guards.ts";

export type Vpc = ReturnType<typeof vpcView>;

export function vpcView(row: store.VpcRow, tags: readonly string[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tenant_id: row.project_id,
    project_id: row.project_id,
    cidrs: cidrsOf(row),
    availability_zones: JSON.parse(row.availability_zones) as string[],
    router_id: row.router_id,
    security_group_id: row.security_group_id,
    main_route_table_id: row.main_route_table_id,
    status: row.status,
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/** POST /v2.0/vpcs, single or bulk, all in one transaction. */
export function createVpcs(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<Vpc[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: vpcAttributes,
    resource: "vpc",
    insert: (tx, caller, { body, projectId }) => insertVpc(deps, tx, caller, body, projectId),
  });
}

/** The VPC with its router, security group and main route table, each announced as made. */
async function insertVpc(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
  projectId: string,
): Promise<Vpc> {
  await enforceQuota(tx, projectId, "vpc");
  const cidrs = checkVpcCidrs(body.cidrs as string[]);
  const zones = body.availability_zones as string[];
  await checkZoneHints(tx.db, zones);
  const name = body.name as string;
  const routerBody = parseBody(routerAttributes, { name: `vpc-${name}` }, "create");
  const router = await insertRouter(deps, tx, caller, routerBody, projectId);
  const groupId = await insertVpcGroup(deps, tx, projectId, `vpc-${name}`);
  const now = isoSeconds(deps.clock.now());
  const row: store.VpcRow = {
    id: uuid(),
    project_id: projectId,
    name,
    description: body.description as string,
    cidrs: JSON.stringify(cidrs),
    availability_zones: JSON.stringify([...new Set(zones)]),
    router_id: router.id,
    security_group_id: groupId,
    main_route_table_id: uuid(),
    status: "ACTIVE",
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  await store.insertVpc(tx.db, row);
  await insertMainTable(deps, tx, row);
  const vpc = vpcView(row, []);
  await emit(deps, tx, "vpc", "create", vpc);
  return vpc;
}

/** The VPC's own group, with the default group's rules (all out, in from its members). */
async function insertVpcGroup(deps: NetworkDeps, tx: NetworkTx, projectId: string, name: string) {
  await ensureDefaultGroup(deps, tx, projectId);
  await enforceQuota(tx, projectId, "security_group");
  const now = isoSeconds(deps.clock.now());
  const row: sgStore.SecurityGroupRow = {
    id: uuid(),
    project_id: projectId,
    name,
    description: "",
    stateful: 1,
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  await sgStore.insertGroup(tx.db, row);
  const rules = defaultRules(row.id, projectId, now);
  for (const rule of rules) await sgStore.insertRule(tx.db, rule);
  await emit(deps, tx, "security_group", "create", groupView(row, rules, []));
  return row.id;
}

export async function getVpc(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<Vpc> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const row = await visibleVpc(db, caller, id);
  return vpcView(row, (await networkStore.selectTags(db, [id])).get(id) ?? []);
}

export async function listVpcs(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<Vpc[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const rows = await store.selectVpcs(db, query, { all: isAdmin(caller), project_id: caller.project_id });
  const tags = await networkStore.selectTags(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => vpcView(row, tags.get(row.id) ?? []));
}

/** PUT /v2.0/vpcs/{id}: name, description, availability_zones (which must still hold its subnets). */
export async function updateVpc(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<Vpc> {
  const caller = requireAuth(auth);
  const body = parseBody(vpcAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visibleVpc(tx.db, caller, id);
    authorize(caller, "update_vpc", { project_id: row.project_id });
    checkRevision(row.revision_number, ifMatch);
    const zones = body.availability_zones as string[] | undefined;
    if (zones !== undefined) await checkZonesHold(tx, row, zones);
    return saveVpc(deps, tx, row, {
      ...(body.name !== undefined ? { name: body.name as string } : {}),
      ...(body.description !== undefined ? { description: body.description as string } : {}),
      ...(zones !== undefined ? { availability_zones: JSON.stringify([...new Set(zones)]) } : {}),
    });
  });
}

/** New zones must exist and, when there are any, still name a zone of every subnet's network. */
async function checkZonesHold(tx: NetworkTx, row: store.VpcRow, zones: readonly string[]) {
  await checkZoneHints(tx.db, zones);
  if (zones.length === 0) return;
  const subnets = await store.subnetsOfRouter(tx.db, row.router_id);
  const hints = await store.zoneHintsOf(tx.db, [...new Set(subnets.map((subnet) => subnet.network_id))]);
  const outside = subnets.filter(
    (subnet) => !(hints.get(subnet.network_id) ?? []).some((zone) => zones.includes(zone)),
  );
  if (outside.length > 0)
    throw new InvalidVpcSubnet(
      `VPC ${row.id} has subnets outside availability zones ${zones.join(", ")}: ${outside.map((s) => s.id).join(", ")}`,
    );
}

/** DELETE /v2.0/vpcs/{id}: only an empty VPC; its router, group and main table go with it. */
export async function deleteVpc(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visibleVpc(tx.db, caller, id);
    authorize(caller, "delete_vpc", { project_id: row.project_id });
    await refuseWhileInUse(tx, row);
    await removeMainTable(deps, tx, row);
    await store.deleteVpcRow(tx.db, id);
    const router = await selectRouter(tx.db, row.router_id);
    if (router !== undefined) await removeRouter(deps, tx, router);
    const group = await sgStore.selectGroup(tx.db, row.security_group_id);
    if (group !== undefined) {
      await sgStore.deleteGroupRow(tx.db, group.id);
      await emit(deps, tx, "security_group", "delete", groupView(group, [], []));
    }
    await emit(deps, tx, "vpc", "delete", vpcView(row, []));
  });
}

/** Floating IPs first: they hold subnets' interfaces in place, so they must go before those. */
async function refuseWhileInUse(tx: NetworkTx, row: store.VpcRow): Promise<void> {
  const fips = await floatingIpsOfRouter(tx.db, row.router_id);
  if (fips.length > 0)
    throw new VpcInUse(
      row.id,
      "floating IPs",
      fips.map((f) => f.id),
    );
  const subnets = await store.subnetsOfRouter(tx.db, row.router_id);
  if (subnets.length > 0)
    throw new VpcInUse(
      row.id,
      "subnets",
      subnets.map((s) => s.id),
    );
  const tables = (await store.routeTablesOfVpc(tx.db, row.id)).filter((table) => table.main !== 1);
  if (tables.length > 0)
    throw new VpcInUse(
      row.id,
      "route tables",
      tables.map((t) => t.id),
    );
  await refusePeeredVpc(tx.db, row.id);
  await refuseNatGatewayOnRouter(tx.db, row.router_id);
  if (await sgStore.groupInUse(tx.db, row.security_group_id))
    throw new SecurityGroupInUse(row.security_group_id);
}

export function changeVpcTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, vpcId) => visibleVpc(tx.db, caller, vpcId),
    action: "update_vpc",
    target: ownedBy,
    save: (tx, row) => saveVpc(deps, tx, row, {}),
  });
}

/** The body of add_cidr/remove_cidr: {"cidr": "10.1.0.0/16"}, canonical. */
function cidrRequest(body: unknown): string {
  const value = (body as { cidr?: unknown } | null)?.cidr;
  if (typeof value !== "string") throw new HTTPBadRequest("Unable to find 'cidr' in request body");
  const [cidr] = checkVpcCidrs([value]);
  return cidr ?? value;
}

/**
 * PUT /v2.0/vpcs/{id}/add_cidr: a secondary CIDR overlapping none of the VPC's. Other VPCs of the
 * project may overlap it: each VPC is its own routing domain (as in AWS).
 */
export function addCidr(deps: NetworkDeps, auth: AuthContext | null, id: string, body: unknown) {
  const cidr = cidrRequest(body);
  return changeVpc(deps, auth, id, async (tx, row) => {
    const cidrs = checkVpcCidrs([...cidrsOf(row), cidr]);
    await refusePeeredOverlap(tx.db, row.id, cidr);
    // Its local route would clash with a table's own route to the same destination.
    const routed = await store.tablesRoutingTo(tx.db, row.id, cidr);
    if (routed.length > 0)
      throw new InvalidVpcCidr(`Route tables ${routed.join(", ")} of VPC ${id} already route ${cidr}`);
    return { cidrs: JSON.stringify(cidrs) };
  });
}

/** PUT /v2.0/vpcs/{id}/remove_cidr: never the primary CIDR, nor one that still holds a subnet. */
export function removeCidr(deps: NetworkDeps, auth: AuthContext | null, id: string, body: unknown) {
  const cidr = cidrRequest(body);
  return changeVpc(deps, auth, id, async (tx, row) => {
    const cidrs = cidrsOf(row);
    if (!cidrs.includes(cidr)) throw new InvalidVpcCidr(`CIDR ${cidr} is not a CIDR of VPC ${id}`);
    if (cidrs[0] === cidr) throw new VpcCidrInUse(id, cidr, "it is the primary CIDR");
    const subnets = await store.subnetsOfRouter(tx.db, row.router_id);
    const holding = subnets.filter((subnet) => cidrWithin(cidr, subnet.cidr)).map((s) => s.id);
    if (holding.length > 0) throw new VpcCidrInUse(id, cidr, `it still holds subnets ${holding.join(", ")}`);
    return { cidrs: JSON.stringify(cidrs.filter((c) => c !== cidr)) };
  });
}

async function changeVpc(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  changes: (tx: NetworkTx, row: store.VpcRow) => Promise<Partial<store.VpcRow>>,
): Promise<Vpc> {
  const caller = requireAuth(auth);
  return write(deps, async (tx) => {
    const row = await visibleVpc(tx.db, caller, id);
    authorize(caller, "update_vpc", { project_id: row.project_id });
    return saveVpc(deps, tx, row, await changes(tx, row));
  });
}

/** A VPC is seen by its project (and admins) only. */
export async function visibleVpc(
  db: NetworkTx["db"],
  caller: AuthContext,
  id: string,
): Promise<store.VpcRow> {
  return seenByProject(caller, await store.selectVpc(db, id), () => new VpcNotFound(id));
}

/** Every change bumps the VPC's revision and is announced with its new state. */
export async function saveVpc(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: store.VpcRow,
  changes: Partial<store.VpcRow>,
): Promise<Vpc> {
  const saved = await networkStore.saveRevision(tx.db, "vpcs", row, changes, isoSeconds(deps.clock.now()));
  const vpc = vpcView(saved, (await networkStore.selectTags(tx.db, [row.id])).get(row.id) ?? []);
  await emit(deps, tx, "vpc", "update", vpc);
  return vpc;
}
