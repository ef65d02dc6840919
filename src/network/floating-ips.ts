import type { AuthContext } from "../http/auth.ts";
import { isUniqueViolation } from "../db/index.ts";
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
import {
  BadRequest,
  ExternalGatewayForFloatingIPNotFound,
  ExternalIpAddressExhausted,
  FipInUseByPortForwarding,
  FloatingIPNotFound,
  FloatingIPPortAlreadyAssociated,
} from "./errors-router.ts";
import { PolicyNotAuthorized } from "./errors.ts";
import { changeTagsOf, checkRevision, createInBulk, ownedBy, seenByProject } from "./resource.ts";
import type { FixedIpRequest } from "./ipam.ts";
import { isExternalFor, visibleNetworkFor } from "./network-access.ts";
import { enforceQuota } from "./quotas.ts";
import { floatingIpAttributes } from "./schemas/floating-ip.ts";
import { createServicePort, deleteServicePort } from "./service-ports.ts";
import { DEVICE_OWNER } from "./device-owners.ts";
import * as store from "./store.ts";
import * as fipStore from "./store-floating-ips.ts";
import * as portStore from "./store-ports.ts";
import { visiblePort } from "./ports.ts";
import { attachablePolicy, nextPolicy } from "./qos-attach.ts";
import { routersBetween } from "./store-routers.ts";
import { selectSubnetsOfNetwork } from "./store-subnets.ts";
import { releaseFloatingIpBandwidth } from "./bandwidths/actions.ts";
import { refuseNatRulesOnFloatingIp } from "./nat/guards.ts";

export type FloatingIp = ReturnType<typeof floatingIpView>;
type Association = Pick<fipStore.FloatingIpRow, "port_id" | "fixed_ip_address" | "router_id">;
const NO_ASSOCIATION: Association = { port_id: null, fixed_ip_address: null, router_id: null };

export function floatingIpView(row: fipStore.FloatingIpRow, tags: readonly string[]) {
  return {
    id: row.id,
    tenant_id: row.project_id,
    project_id: row.project_id,
    floating_ip_address: row.floating_ip_address,
    floating_network_id: row.floating_network_id,
    router_id: row.router_id,
    port_id: row.port_id,
    fixed_ip_address: row.fixed_ip_address,
    status: row.status,
    qos_policy_id: row.qos_policy_id,
    description: row.description,
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/** POST /v2.0/floatingips: an address from the external network, optionally bound to a port. */
export function createFloatingIps(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<FloatingIp[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: floatingIpAttributes,
    resource: "floatingip",
    check: (caller, body) => {
      if (body.floating_ip_address !== null && !isAdmin(caller))
        throw new PolicyNotAuthorized("create_floatingip:floating_ip_address");
    },
    insert: (tx, caller, { body, projectId }) => insertFloatingIp(deps, tx, caller, body, projectId),
  });
}

async function insertFloatingIp(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
  projectId: string,
): Promise<FloatingIp> {
  await enforceQuota(tx, projectId, "floatingip");
  const network = await visibleNetworkFor(tx.db, caller, body.floating_network_id as string);
  if (!(await isExternalFor(tx.db, projectId, network)))
    throw new BadRequest("floatingip", `Network ${network.id} is not a valid external network`);
  const id = uuid();
  const port = await createServicePort(deps, tx, {
    networkId: network.id,
    projectId: "",
    deviceOwner: DEVICE_OWNER.floatingIp,
    deviceId: id,
    fixedIps: [await addressRequest(tx, network.id, body)],
  });
  const address = port.fixedIps.find((ip) => !ip.ip_address.includes(":"));
  if (address === undefined) throw new ExternalIpAddressExhausted(network.id);
  const now = isoSeconds(deps.clock.now());
  const unbound: fipStore.FloatingIpRow = {
    id,
    project_id: projectId,
    description: body.description as string,
    floating_network_id: network.id,
    floating_ip_address: address.ip_address,
    floating_port_id: port.row.id,
    ...NO_ASSOCIATION,
    status: "DOWN",
    qos_policy_id: await attachablePolicy(tx.db, caller, body.qos_policy_id),
    revision_number: 0, // Neutron counts a floating IP's revisions from 0
    created_at: now,
    updated_at: now,
  };
  const row: fipStore.FloatingIpRow =
    body.port_id === null
      ? unbound
      : {
          ...unbound,
          ...(await association(
            tx,
            caller,
            unbound,
            body.port_id as string,
            body.fixed_ip_address as string | null,
          )),
        };
  await saveUnique(row, () => fipStore.insertFloatingIp(tx.db, row));
  const fip = floatingIpView(row, []);
  await emit(deps, tx, "floatingip", "create", fip);
  return fip;
}

export async function getFloatingIp(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<FloatingIp> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const row = await visibleFloatingIp(db, caller, id);
  return floatingIpView(row, (await store.selectTags(db, [id])).get(id) ?? []);
}

export async function listFloatingIps(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<FloatingIp[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const rows = await fipStore.selectFloatingIps(db, query, {
    all: isAdmin(caller),
    project_id: caller.project_id,
  });
  const tags = await store.selectTags(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => floatingIpView(row, tags.get(row.id) ?? []));
}

/** PUT: description, and port_id (null disassociates) with an optional fixed_ip_address. */
export async function updateFloatingIp(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<FloatingIp> {
  const caller = requireAuth(auth);
  const body = parseBody(floatingIpAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visibleFloatingIp(tx.db, caller, id);
    authorize(caller, "update_floatingip", { project_id: row.project_id });
    checkRevision(row.revision_number, ifMatch);
    const portId = body.port_id !== undefined ? (body.port_id as string | null) : row.port_id;
    const rebind = body.port_id !== undefined || body.fixed_ip_address !== undefined;
    const qosPolicyId = await nextPolicy(tx.db, caller, row.qos_policy_id, body.qos_policy_id);
    const changes: Partial<fipStore.FloatingIpRow> = {
      ...(body.description !== undefined ? { description: body.description as string } : {}),
      ...(qosPolicyId !== undefined ? { qos_policy_id: qosPolicyId } : {}),
      ...(!rebind
        ? {}
        : portId === null
          ? NO_ASSOCIATION
          : await association(
              tx,
              caller,
              row,
              portId,
              (body.fixed_ip_address as string | null | undefined) ?? null,
            )),
    };
    return saveUnique(row, () => saveFloatingIp(deps, tx, row, changes));
  });
}

export async function deleteFloatingIp(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visibleFloatingIp(tx.db, caller, id);
    authorize(caller, "delete_floatingip", { project_id: row.project_id });
    await refuseNatRulesOnFloatingIp(tx.db, id);
    await releaseFloatingIpBandwidth(deps, tx, id);
    await fipStore.deleteFloatingIpRow(tx.db, id);
    await deleteServicePort(deps, tx, row.floating_port_id);
    await emit(deps, tx, "floatingip", "delete", floatingIpView(row, []));
  });
}

export function changeFloatingIpTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, id) => visibleFloatingIp(tx.db, caller, id),
    action: "update_floatingip",
    target: ownedBy,
    save: (tx, row) => saveFloatingIp(deps, tx, row, {}),
  });
}

/** Neutron unbinds a port's floating IPs when the port goes. */
export async function releaseFloatingIpsOfPort(
  deps: NetworkDeps,
  tx: NetworkTx,
  portId: string,
): Promise<void> {
  for (const row of await fipStore.floatingIpsOfPort(tx.db, portId))
    await saveFloatingIp(deps, tx, row, NO_ASSOCIATION);
}

/** A floating IP is seen by its project (and admins) only. */
export async function visibleFloatingIp(
  db: NetworkTx["db"],
  caller: AuthContext,
  id: string,
): Promise<fipStore.FloatingIpRow> {
  return seenByProject(caller, await fipStore.selectFloatingIp(db, id), () => new FloatingIPNotFound(id));
}

export async function saveFloatingIp(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: fipStore.FloatingIpRow,
  changes: Partial<fipStore.FloatingIpRow>,
): Promise<FloatingIp> {
  const saved = await store.saveRevision(tx.db, "floating_ips", row, changes, isoSeconds(deps.clock.now()));
  const fip = floatingIpView(saved, (await store.selectTags(tx.db, [row.id])).get(row.id) ?? []);
  await emit(deps, tx, "floatingip", "update", fip);
  return fip;
}

/** The address asked for: a subnet, an address, or the network's first IPv4 subnet. */
async function addressRequest(
  tx: NetworkTx,
  networkId: string,
  body: Record<string, unknown>,
): Promise<FixedIpRequest> {
  const subnetId = body.subnet_id as string | null;
  const address = body.floating_ip_address as string | null;
  if (subnetId !== null || address !== null)
    return {
      ...(subnetId !== null ? { subnet_id: subnetId } : {}),
      ...(address !== null ? { ip_address: address } : {}),
    };
  const v4 = (await selectSubnetsOfNetwork(tx.db, networkId)).find((subnet) => subnet.ip_version === 4);
  if (v4 === undefined)
    throw new BadRequest("floatingip", `Network ${networkId} does not contain any IPv4 subnet`);
  return { subnet_id: v4.id };
}

/**
 * Binding to a port's fixed IPv4 address needs a router with its gateway on the floating IP's
 * network and an interface on that address's subnet.
 */
async function association(
  tx: NetworkTx,
  caller: AuthContext,
  fip: fipStore.FloatingIpRow,
  portId: string,
  fixedIp: string | null,
): Promise<Association> {
  await visiblePort(tx.db, caller, portId); // 404 unless the caller may see it
  if (await fipStore.hasPortForwardings(tx.db, fip.id)) throw new FipInUseByPortForwarding(fip.id);
  await refuseNatRulesOnFloatingIp(tx.db, fip.id);
  const ips = (await portStore.allocationsOf(tx.db, [portId])).get(portId) ?? [];
  const v4 = ips.filter((ip) => !ip.ip_address.includes(":"));
  const chosen = fixedIp === null ? v4[0] : ips.find((ip) => ip.ip_address === fixedIp);
  if (fixedIp !== null && chosen === undefined)
    throw new BadRequest("floatingip", `Port ${portId} does not have fixed ip ${fixedIp}`);
  if (fixedIp === null && v4.length > 1)
    throw new BadRequest(
      "floatingip",
      `Port ${portId} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP`,
    );
  if (chosen === undefined || chosen.ip_address.includes(":"))
    throw new BadRequest(
      "floatingip",
      `Cannot add floating IP to port ${portId} that has no fixed IPv4 addresses`,
    );
  const [routerId] = await routersBetween(tx.db, fip.floating_network_id, chosen.subnet_id);
  if (routerId === undefined)
    throw new ExternalGatewayForFloatingIPNotFound(fip.floating_network_id, chosen.subnet_id, portId);
  const taken = await fipStore.floatingIpOnFixedIp(tx.db, portId, chosen.ip_address);
  if (taken !== undefined && taken.id !== fip.id) throw alreadyAssociated(fip, portId, chosen.ip_address);
  return { port_id: portId, fixed_ip_address: chosen.ip_address, router_id: routerId };
}

/** The (port, fixed IP) unique key settles two floating IPs racing for one address. */
async function saveUnique<T>(row: fipStore.FloatingIpRow, save: () => Promise<T>): Promise<T> {
  try {
    return await save();
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyAssociated(row, row.port_id ?? "", row.fixed_ip_address ?? "");
    throw error;
  }
}

function alreadyAssociated(fip: fipStore.FloatingIpRow, portId: string, fixedIp: string) {
  return new FloatingIPPortAlreadyAssociated(
    { id: fip.id, address: fip.floating_ip_address },
    portId,
    fixedIp,
    fip.floating_network_id,
  );
}
