import { randomUUID } from "node:crypto";
import type { AuthContext } from "../http/auth.ts";
import { parseBody } from "../lib/attributes.ts";
import { isUniqueViolation } from "../db/index.ts";
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
import { MacAddressInUse, PortNotFound } from "./errors-ipam.ts";
import { PolicyNotAuthorized } from "./errors.ts";
import { allocateFixedIps, autoAddressSubnets, type FixedIpRequest } from "./ipam.ts";
import { ADMIN_ONLY_PORT_ATTRIBUTES, portAttributes } from "./schemas/port.ts";
import { enforceQuota } from "./quotas.ts";
import { checkPortGroups, ensureDefaultGroup } from "./security-groups.ts";
import {
  AddressPairAndPortSecurityRequired,
  PortSecurityAndIPRequiredForSecurityGroups,
} from "./errors-security.ts";
import * as store from "./store.ts";
import { changeTagsOf, checkRevision, createInBulk, ownedBy, seenByProject } from "./resource.ts";
import * as portStore from "./store-ports.ts";
import { portFor, portView, type Port, type PortAnswer } from "./port-view.ts";
import { releaseL3 } from "./l3-port-guard.ts";
import { visibleNetworkFor } from "./network-access.ts";
import { attachablePolicy, nextPolicy } from "./qos-attach.ts";

export type { Port, PortAnswer };

/** POST /v2.0/ports, single or bulk: every port and address in one transaction, or none. */
export function createPorts(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<PortAnswer[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: portAttributes,
    resource: "port",
    check: (caller, _body, input) => refuseAdminOnly(caller, input, "create"),
    insert: (tx, caller, { body, input, projectId }) => insertPort(deps, tx, caller, body, input, projectId),
  });
}

async function insertPort(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
  input: Record<string, unknown>,
  projectId: string,
): Promise<PortAnswer> {
  const networkId = body.network_id as string;
  const network = await visibleNetworkFor(tx.db, caller, networkId);
  // On someone else's (shared) network, only its owner or an admin picks addresses and MACs.
  const ownsNetwork = isAdmin(caller) || network.project_id === caller.project_id;
  const requested = body.fixed_ips as FixedIpRequest[] | null;
  if (
    !ownsNetwork &&
    (input.mac_address !== undefined || requested?.some((ip) => ip.ip_address !== undefined))
  ) {
    throw new PolicyNotAuthorized(
      input.mac_address !== undefined ? "create_port:mac_address" : "create_port:fixed_ips:ip_address",
    );
  }
  await enforceQuota(tx, projectId, "port");
  const secured = (body.port_security_enabled as boolean | null) ?? network.port_security_enabled === 1;
  checkAddressPairsAllowed(secured, body.allowed_address_pairs);
  const id = uuid();
  const now = isoSeconds(deps.clock.now());
  const groups = JSON.stringify(await portGroups(deps, tx, caller, projectId, input, body, secured));
  const qosPolicyId = await attachablePolicy(tx.db, caller, body.qos_policy_id);
  const rowWith = (mac: string): portStore.PortRow => ({
    id,
    project_id: projectId,
    network_id: networkId,
    name: body.name as string,
    description: body.description as string,
    admin_state_up: body.admin_state_up ? 1 : 0,
    status: "DOWN",
    mac_address: mac,
    device_id: body.device_id as string,
    device_owner: body.device_owner as string,
    port_security_enabled: secured ? 1 : 0,
    security_groups: groups,
    allowed_address_pairs: JSON.stringify(addressPairs(body.allowed_address_pairs, mac)),
    extra_dhcp_opts: JSON.stringify(body.extra_dhcp_opts ?? []),
    binding_host_id: body["binding:host_id"] as string,
    binding_vnic_type: body["binding:vnic_type"] as string,
    binding_profile: JSON.stringify(body["binding:profile"] ?? {}),
    qos_policy_id: qosPolicyId,
    revision_number: 1,
    created_at: now,
    updated_at: now,
  });
  const row = await insertWithMac(tx, rowWith, body.mac_address as string | null);
  const fixedIps = await allocateFixedIps(tx, networkId, id, row.mac_address, requested, row.device_owner);
  const port = portView(row, fixedIps, []);
  await emit(deps, tx, "port", "create", port);
  return portFor(port, isAdmin(caller));
}

export async function getPort(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<PortAnswer> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const row = await visiblePort(db, caller, id);
  const port = portView(
    row,
    (await portStore.allocationsOf(db, [id])).get(id) ?? [],
    (await store.selectTags(db, [id])).get(id) ?? [],
  );
  return portFor(port, isAdmin(caller));
}

export async function listPorts(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<PortAnswer[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const rows = await portStore.selectPorts(db, query, {
    all: isAdmin(caller),
    project_id: caller.project_id,
  });
  const ids = rows.map((row) => row.id);
  const [ips, tags] = [await portStore.allocationsOf(db, ids), await store.selectTags(db, ids)];
  const admin = isAdmin(caller);
  return rows.map((row) => portFor(portView(row, ips.get(row.id) ?? [], tags.get(row.id) ?? []), admin));
}

export async function updatePort(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<PortAnswer> {
  const caller = requireAuth(auth);
  const body = parseBody(portAttributes, input, "update");
  refuseAdminOnly(caller, input, "update");
  return write(deps, async (tx) => {
    const row = await visiblePort(tx.db, caller, id);
    authorize(caller, "update_port", { project_id: row.project_id });
    checkRevision(row.revision_number, ifMatch);
    const psec = body.port_security_enabled as boolean | null | undefined;
    checkAddressPairsAllowed(
      psec ?? row.port_security_enabled === 1,
      body.allowed_address_pairs !== undefined
        ? body.allowed_address_pairs
        : (JSON.parse(row.allowed_address_pairs) as unknown),
    );
    const mac = body.mac_address as string | undefined;
    if (
      mac !== undefined &&
      mac !== row.mac_address &&
      (await portStore.macInUse(tx.db, row.network_id, mac))
    ) {
      throw new MacAddressInUse(mac, row.network_id);
    }
    if (body.fixed_ips !== undefined) {
      const owner = (body.device_owner as string | undefined) ?? row.device_owner;
      await reallocate(tx, row, body.fixed_ips as FixedIpRequest[] | null, owner);
    }
    const qosPolicyId = await nextPolicy(tx.db, caller, row.qos_policy_id, body.qos_policy_id);
    const changes: Partial<portStore.PortRow> = {
      ...pick(body, "name", "description", "device_id", "device_owner"),
      ...(mac !== undefined ? { mac_address: mac } : {}),
      ...(body.admin_state_up !== undefined ? { admin_state_up: body.admin_state_up ? 1 : 0 } : {}),
      ...(body.port_security_enabled !== undefined && body.port_security_enabled !== null
        ? { port_security_enabled: body.port_security_enabled ? 1 : 0 }
        : {}),
      ...(body.security_groups !== undefined
        ? { security_groups: JSON.stringify(body.security_groups) }
        : {}),
      ...(body.allowed_address_pairs !== undefined
        ? {
            allowed_address_pairs: JSON.stringify(
              addressPairs(body.allowed_address_pairs, mac ?? row.mac_address),
            ),
          }
        : {}),
      ...(body.extra_dhcp_opts !== undefined
        ? { extra_dhcp_opts: JSON.stringify(body.extra_dhcp_opts) }
        : {}),
      ...(body["binding:host_id"] !== undefined
        ? { binding_host_id: body["binding:host_id"] as string }
        : {}),
      ...(body["binding:vnic_type"] !== undefined
        ? { binding_vnic_type: body["binding:vnic_type"] as string }
        : {}),
      ...(body["binding:profile"] !== undefined
        ? { binding_profile: JSON.stringify(body["binding:profile"]) }
        : {}),
      ...(qosPolicyId !== undefined ? { qos_policy_id: qosPolicyId } : {}),
    };
    return portFor(await bumpPort(deps, tx, { ...row, ...changes }, changes), isAdmin(caller));
  });
}

export async function deletePort(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visiblePort(tx.db, caller, id);
    authorize(caller, "delete_port", { project_id: row.project_id });
    const ips = (await portStore.allocationsOf(tx.db, [id])).get(id) ?? [];
    await releaseL3(deps, tx, row);
    await portStore.deletePortRow(tx.db, id);
    await emit(deps, tx, "port", "delete", portView(row, ips, []));
  });
}

export function changePortTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, portId) => visiblePort(tx.db, caller, portId),
    action: "update_port",
    target: ownedBy,
    save: (tx, row) => bumpPort(deps, tx, row, {}),
  });
}

/**
 * New fixed_ips: keep what is asked again, release the rest, claim what is new. Automatic (SLAAC)
 * addresses are kept whatever is asked, as in Neutron, and a SLAAC subnet the port has no address
 * on yet gives it one.
 */
async function reallocate(
  tx: NetworkTx,
  row: portStore.PortRow,
  requests: FixedIpRequest[] | null,
  deviceOwner: string,
): Promise<void> {
  const current = (await portStore.allocationsOf(tx.db, [row.id])).get(row.id) ?? [];
  const auto = await autoAddressSubnets(tx, row.network_id, deviceOwner);
  const kept = current.filter(
    (ip) =>
      auto.has(ip.subnet_id) ||
      (requests ?? []).some(
        (r) => r.ip_address === ip.ip_address && (r.subnet_id ?? ip.subnet_id) === ip.subnet_id,
      ),
  );
  for (const ip of current)
    if (!kept.includes(ip)) await portStore.releaseAddress(tx.db, ip.subnet_id, ip.ip_address);
  const fresh = (requests ?? []).filter((r) => !kept.some((ip) => ip.ip_address === r.ip_address));
  await allocateFixedIps(
    tx,
    row.network_id,
    row.id,
    row.mac_address,
    requests === null ? null : fresh,
    deviceOwner,
    kept.map((ip) => ip.subnet_id),
  );
}

async function bumpPort(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: portStore.PortRow,
  changes: Partial<portStore.PortRow>,
): Promise<Port> {
  const bumped = await store.saveRevision(tx.db, "ports", row, changes, isoSeconds(deps.clock.now()));
  const ips = (await portStore.allocationsOf(tx.db, [row.id])).get(row.id) ?? [];
  const port = portView(bumped, ips, (await store.selectTags(tx.db, [row.id])).get(row.id) ?? []);
  await emit(deps, tx, "port", "update", port);
  return port;
}

/** A port is seen by its project (and admins) only. */
export async function visiblePort(
  db: NetworkTx["db"],
  caller: AuthContext,
  id: string,
): Promise<portStore.PortRow> {
  return seenByProject(caller, await portStore.selectPort(db, id), () => new PortNotFound(id));
}

function refuseAdminOnly(
  caller: AuthContext,
  input: Record<string, unknown>,
  action: "create" | "update",
): void {
  if (isAdmin(caller)) return;
  const attribute = ADMIN_ONLY_PORT_ATTRIBUTES.find((name) => Object.hasOwn(input, name));
  if (attribute !== undefined) throw new PolicyNotAuthorized(`${action}_port:${attribute}`);
}

/**
 * The port's security groups: the project's default group unless the request names some; none
 * when port security is off (and naming any then is an error, as in Neutron).
 */
async function portGroups(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  projectId: string,
  input: Record<string, unknown>,
  body: Record<string, unknown>,
  secured: boolean,
): Promise<string[]> {
  const named = body.security_groups as string[];
  if (!secured) {
    if (named.length > 0) throw new PortSecurityAndIPRequiredForSecurityGroups();
    return [];
  }
  if (Object.hasOwn(input, "security_groups")) return checkPortGroups(tx, caller, named);
  return [await ensureDefaultGroup(deps, tx, projectId)];
}

/** Neutron refuses allowed address pairs on a port without port security (checked before groups). */
function checkAddressPairsAllowed(secured: boolean, pairs: unknown): void {
  if (!secured && Array.isArray(pairs) && pairs.length > 0) throw new AddressPairAndPortSecurityRequired();
}

/**
 * Inserts the port with the requested MAC, or a random one (another on the rare clash). The
 * (network, MAC) unique key is the check: one statement, no look-up first.
 */
async function insertWithMac(
  tx: NetworkTx,
  rowWith: (mac: string) => portStore.PortRow,
  requested: string | null,
): Promise<portStore.PortRow> {
  for (;;) {
    const row = rowWith(requested ?? randomMac());
    if (await portStore.insertPortIfMacFree(tx.db, row)) return row;
    if (requested !== null) throw new MacAddressInUse(requested, row.network_id);
  }
}

/**
 * OpenStack's fa:16:3e prefix and three random bytes: the first hex digits of a UUID4, which
 * node draws from a buffered pool (randomBytes(3) costs a system call each time).
 */
function randomMac(): string {
  const hex = randomUUID();
  return `fa:16:3e:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

/** A MAC from OpenStack's fa:16:3e prefix, or the requested one if free on the network. */
export async function chooseMac(tx: NetworkTx, networkId: string, requested: string | null): Promise<string> {
  if (requested !== null) {
    if (await portStore.macInUse(tx.db, networkId, requested))
      throw new MacAddressInUse(requested, networkId);
    return requested;
  }
  for (;;) {
    const mac = randomMac();
    if (!(await portStore.macInUse(tx.db, networkId, mac))) return mac;
  }
}

/** The (network, MAC) unique key settles a race between two ports picking one MAC. */
export async function insertRow(tx: NetworkTx, row: portStore.PortRow): Promise<void> {
  try {
    await portStore.insertPort(tx.db, row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new MacAddressInUse(row.mac_address, row.network_id);
    throw error;
  }
}

/** allowed-address-pairs: a pair without a MAC uses the port's. */
function addressPairs(value: unknown, mac: string): Array<{ ip_address: string; mac_address: string }> {
  return ((value ?? []) as Array<{ ip_address: string; mac_address?: string }>).map((pair) => ({
    ip_address: pair.ip_address,
    mac_address: pair.mac_address ?? mac,
  }));
}

function pick(
  body: Record<string, unknown>,
  ...names: Array<"name" | "description" | "device_id" | "device_owner">
): Partial<portStore.PortRow> {
  const out: Partial<portStore.PortRow> = {};
  for (const name of names) if (body[name] !== undefined) out[name] = body[name] as string;
  return out;
}
