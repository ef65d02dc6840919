import type { AuthContext } from "../http/auth.ts";
import { parseBody } from "../lib/attributes.ts";
import { uuid } from "../lib/ids.ts";
import type { ListQuery } from "../lib/list-query.ts";
import { isoSeconds } from "../lib/time.ts";
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
import { NetworkInUse, PolicyNotAuthorized } from "./errors.ts";
import { InvalidSharedSetting } from "./errors-rbac.ts";
import { ADMIN_ONLY_NETWORK_ATTRIBUTES, networkAttributes } from "./schemas/network.ts";
import { allocateSegment, checkMtu } from "./segments.ts";
import { enforceQuota } from "./quotas.ts";
import { checkZoneHints } from "./availability-zones.ts";
import * as store from "./store.ts";
import { changeTagsOf, checkRevision, createInBulk } from "./resource.ts";
import { networkTarget, visibleNetworkFor } from "./network-access.ts";
import * as rbac from "./store-rbac.ts";
import { attachablePolicy, nextPolicy } from "./qos-attach.ts";
import { portIdsOfNetwork } from "./store-ports.ts";
import { deleteSubnetRow, selectSubnetsOfNetwork, subnetIdsByNetwork } from "./store-subnets.ts";

export type Network = ReturnType<typeof networkView>;

/**
 * The wire shape; provider attributes are shown to admins only, as Neutron's policy does. With
 * `access` (the caller's RBAC grants), `shared` is true also when an entry names the caller's
 * project and `router:external` when any access_as_external entry exists, as in Neutron.
 */
export function networkView(
  row: store.NetworkRow,
  tags: readonly string[],
  admin: boolean,
  subnets: readonly string[] = [],
  access: rbac.NetworkAccess = rbac.NO_ACCESS,
) {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    project_id: row.project_id,
    admin_state_up: row.admin_state_up === 1,
    mtu: row.mtu,
    status: row.status,
    subnets: [...subnets],
    shared: row.shared === 1 || access.sharedWithProject,
    port_security_enabled: row.port_security_enabled === 1,
    "router:external": row.external === 1 || access.externalAny,
    ...(admin
      ? {
          "provider:network_type": row.network_type,
          "provider:physical_network": row.physical_network,
          "provider:segmentation_id": row.segmentation_id,
        }
      : {}),
    availability_zone_hints: JSON.parse(row.availability_zone_hints) as string[],
    availability_zones: ["nova"],
    qos_policy_id: row.qos_policy_id,
    description: row.description,
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

function refuseAdminOnly(
  auth: AuthContext,
  body: Record<string, unknown>,
  action: string,
  given: Record<string, unknown>,
): void {
  if (isAdmin(auth)) return;
  for (const name of ADMIN_ONLY_NETWORK_ATTRIBUTES) {
    if (
      Object.hasOwn(given, name) &&
      (action === "update" || (body[name] !== false && body[name] !== null))
    ) {
      throw new PolicyNotAuthorized(`${action}_network:${name}`);
    }
  }
}

/** POST /v2.0/networks, single or bulk: all networks are created in one transaction, or none. */
export function createNetworks(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<Network[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: networkAttributes,
    resource: "network",
    check: (caller, body, input) => refuseAdminOnly(caller, body, "create", input),
    insert: (tx, caller, { body, projectId }) => insertNetwork(deps, tx, caller, body, projectId),
  });
}

/** One network from a parsed body, in the caller's transaction (also a VPC subnet's network). */
export async function insertNetwork(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
  projectId: string,
): Promise<Network> {
  await enforceQuota(tx, projectId, "network");
  await checkZoneHints(tx.db, body.availability_zone_hints as string[]);
  const now = isoSeconds(deps.clock.now());
  const id = uuid();
  const segment = await allocateSegment(tx, deps.segments, id, {
    network_type: (body["provider:network_type"] as string | null) ?? undefined,
    physical_network: (body["provider:physical_network"] as string | null) ?? undefined,
    segmentation_id: (body["provider:segmentation_id"] as number | null) ?? undefined,
  });
  if (typeof body.mtu === "number") checkMtu(body.mtu, segment.network_type);
  const row: store.NetworkRow = {
    id,
    project_id: projectId,
    name: body.name as string,
    description: body.description as string,
    admin_state_up: body.admin_state_up ? 1 : 0,
    status: "ACTIVE",
    shared: body.shared ? 1 : 0,
    external: body["router:external"] ? 1 : 0,
    mtu: (body.mtu as number | null) ?? segment.mtu,
    port_security_enabled: body.port_security_enabled ? 1 : 0,
    network_type: segment.network_type,
    physical_network: segment.physical_network,
    segmentation_id: segment.segmentation_id,
    qos_policy_id: await attachablePolicy(tx.db, caller, body.qos_policy_id),
    availability_zone_hints: JSON.stringify(body.availability_zone_hints ?? []),
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  await store.insertNetwork(tx.db, row);
  // As in Neutron, shared and router:external are wildcard RBAC entries owned by the network's project.
  if (row.shared === 1) await rbac.insertPolicy(tx.db, wildcardEntry(row, rbac.ACCESS_SHARED));
  if (row.external === 1) await rbac.insertPolicy(tx.db, wildcardEntry(row, rbac.ACCESS_EXTERNAL));
  await emit(deps, tx, "network", "create", networkView(row, [], true));
  return networkView(row, [], isAdmin(caller));
}

export async function getNetwork(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<Network> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const row = await visibleNetworkFor(db, caller, id);
  const tags = await store.selectTags(db, [id]);
  const subnets = await subnetIdsByNetwork(db, [id]);
  const access = (await rbac.accessOf(db, [id], caller.project_id)).get(id);
  return networkView(row, tags.get(id) ?? [], isAdmin(caller), subnets.get(id), access);
}

export async function listNetworks(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<Network[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const admin = isAdmin(caller);
  const rows = await store.selectNetworks(db, query, { all: admin, project_id: caller.project_id });
  const ids = rows.map((row) => row.id);
  const tags = await store.selectTags(db, ids);
  const subnets = await subnetIdsByNetwork(db, ids);
  const access = await rbac.accessOf(db, ids, caller.project_id);
  return rows.map((row) =>
    networkView(row, tags.get(row.id) ?? [], admin, subnets.get(row.id), access.get(row.id)),
  );
}

export async function updateNetwork(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<Network> {
  const caller = requireAuth(auth);
  const body = parseBody(networkAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visibleNetworkFor(tx.db, caller, id);
    authorize(caller, "update_network", networkTarget(row));
    refuseAdminOnly(caller, body, "update", input);
    checkRevision(row.revision_number, ifMatch);
    if (typeof body.mtu === "number") checkMtu(body.mtu, row.network_type);
    await applySharing(tx, row, body);
    const qosPolicyId = await nextPolicy(tx.db, caller, row.qos_policy_id, body.qos_policy_id);
    const changes: Partial<store.NetworkRow> = {
      ...(body.name !== undefined ? { name: body.name as string } : {}),
      ...(body.description !== undefined ? { description: body.description as string } : {}),
      ...(body.admin_state_up !== undefined ? { admin_state_up: body.admin_state_up ? 1 : 0 } : {}),
      ...(await rbac.wildcardFlags(tx.db, id)),
      ...(body.port_security_enabled !== undefined
        ? { port_security_enabled: body.port_security_enabled ? 1 : 0 }
        : {}),
      ...(body.mtu !== undefined ? { mtu: body.mtu as number } : {}),
      ...(qosPolicyId !== undefined ? { qos_policy_id: qosPolicyId } : {}),
    };
    return bumpAndEmit(deps, tx, caller, { ...row, ...changes }, changes);
  });
}

export async function deleteNetwork(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visibleNetworkFor(tx.db, caller, id);
    authorize(caller, "delete_network", networkTarget(row));
    // Like Neutron: the subnets go with the network, but not while a port still uses it.
    const portIds = await portIdsOfNetwork(tx.db, id);
    if (portIds.length > 0) throw new NetworkInUse(id, portIds);
    for (const subnet of await selectSubnetsOfNetwork(tx.db, id)) await deleteSubnetRow(tx.db, subnet.id);
    await rbac.deletePoliciesOf(tx.db, id);
    await store.deleteNetworkRow(tx.db, id);
    await emit(deps, tx, "network", "delete", networkView(row, [], true));
  });
}

/** PUT/DELETE on .../tags[/{tag}]: `change` maps the current tags to the new ones. */
export function changeNetworkTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, id) => visibleNetworkFor(tx.db, caller, id),
    action: "update_network",
    target: (row) => networkTarget(row),
    save: (tx, row) => bumpAndEmit(deps, tx, requireAuth(auth), row, {}),
  });
}

function wildcardEntry(row: store.NetworkRow, action: string): rbac.RbacRow {
  return {
    id: uuid(),
    project_id: row.project_id,
    object_type: "network",
    object_id: row.id,
    action,
    target_tenant: rbac.WILDCARD,
  };
}

/**
 * `shared` and `router:external` as Neutron applies them: shared adds or removes the wildcard
 * access_as_shared entry (refused while other projects rely on it); router:external=true makes a
 * network that is not external yet external for everyone, false removes every access_as_external
 * entry.
 */
async function applySharing(tx: NetworkTx, row: store.NetworkRow, body: Record<string, unknown>) {
  if (body.shared !== undefined) {
    const shared = await rbac.selectPoliciesOf(tx.db, row.id, rbac.ACCESS_SHARED);
    const wildcard = shared.some((entry) => entry.target_tenant === rbac.WILDCARD);
    if (body.shared && !wildcard) await rbac.insertPolicy(tx.db, wildcardEntry(row, rbac.ACCESS_SHARED));
    if (!body.shared && wildcard) {
      await checkUnshare(tx, row, shared);
      await rbac.deletePoliciesOf(tx.db, row.id, rbac.ACCESS_SHARED, rbac.WILDCARD);
    }
  }
  if (body["router:external"] !== undefined) {
    const external = await rbac.selectPoliciesOf(tx.db, row.id, rbac.ACCESS_EXTERNAL);
    if (body["router:external"] && external.length === 0)
      await rbac.insertPolicy(tx.db, wildcardEntry(row, rbac.ACCESS_EXTERNAL));
    if (!body["router:external"]) await rbac.deletePoliciesOf(tx.db, row.id, rbac.ACCESS_EXTERNAL);
  }
}

/**
 * Unsharing is refused while a project other than the owner has ports (besides the network's own)
 * or subnets on the network and no entry naming it keeps its access.
 */
async function checkUnshare(tx: NetworkTx, row: store.NetworkRow, shared: readonly rbac.RbacRow[]) {
  const users = new Set([
    ...(await rbac.portProjectsOn(tx.db, row.id, true)),
    ...(await rbac.subnetProjectsOn(tx.db, row.id)),
  ]);
  const allowed = new Set([row.project_id, ...shared.map((entry) => entry.target_tenant)]);
  if ([...users].some((project) => !allowed.has(project))) throw new InvalidSharedSetting(row.name);
}

/** Every change bumps revision_number and updated_at, and is announced with the new state. */
async function bumpAndEmit(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  row: store.NetworkRow,
  changes: Partial<store.NetworkRow>,
): Promise<Network> {
  const bumped = await store.saveRevision(tx.db, "networks", row, changes, isoSeconds(deps.clock.now()));
  const tags = (await store.selectTags(tx.db, [row.id])).get(row.id) ?? [];
  const subnets = (await subnetIdsByNetwork(tx.db, [row.id])).get(row.id);
  const access = (await rbac.accessOf(tx.db, [row.id], caller.project_id)).get(row.id);
  await emit(deps, tx, "network", "update", networkView(bumped, tags, true, subnets, access));
  return networkView(bumped, tags, isAdmin(caller), subnets, access);
}
