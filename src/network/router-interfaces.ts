import type { AuthContext } from "../http/auth.ts";
import { InvalidInput } from "../lib/attributes.ts";
import { cidrContains, cidrsOverlap, parseIp } from "../lib/ip.ts";
import { cidrOf } from "./ipam.ts";
import { isoSeconds } from "../lib/time.ts";
import { authorize, emit, requireAuth, write, type NetworkDeps, type NetworkTx } from "./deps.ts";
import { PortInUse, SubnetNotFound } from "./errors-ipam.ts";
import {
  BadRequest,
  RouterInterfaceInUseByFloatingIP,
  RouterInterfaceInUseByRoute,
  RouterInterfaceNotFound,
  RouterInterfaceNotFoundForSubnet,
  SubnetMismatchForPort,
} from "./errors-router.ts";
import { NetworkNotFound } from "./errors.ts";
import { visibleNetworkFor } from "./network-access.ts";
import { portView } from "./port-view.ts";
import { enforceQuota } from "./quotas.ts";
import { saveRouter, visibleRouter } from "./routers.ts";
import { createServicePort, deleteServicePort } from "./service-ports.ts";
import { DEVICE_OWNER } from "./device-owners.ts";
import * as store from "./store.ts";
import { floatingIpsOfRouter, forwardedAddressesOfRouter } from "./store-floating-ips.ts";
import * as portStore from "./store-ports.ts";
import { visiblePort } from "./ports.ts";
import * as routerStore from "./store-routers.ts";
import type { SubnetRow } from "./store-subnets.ts";
import { checkVpcMembership, leaveRouteTables } from "./vpc/guards.ts";

/** What add/remove_router_interface answer (Neutron gives tenant_id only here). */
export interface RouterInterfaceInfo {
  id: string;
  tenant_id: string;
  port_id: string;
  subnet_id: string;
  subnet_ids: string[];
  network_id: string;
}

interface InterfaceRequest {
  subnet_id?: string;
  port_id?: string;
}

/** PUT /v2.0/routers/{id}/add_router_interface with {subnet_id} or {port_id}. */
export async function addRouterInterface(
  deps: NetworkDeps,
  auth: AuthContext | null,
  routerId: string,
  body: unknown,
): Promise<RouterInterfaceInfo> {
  const caller = requireAuth(auth);
  const request = interfaceRequest(body);
  if (request.subnet_id !== undefined && request.port_id !== undefined)
    throw new BadRequest("router", "Cannot specify both subnet-id and port-id");
  if (request.subnet_id === undefined && request.port_id === undefined)
    throw new BadRequest("router", "Either subnet_id or port_id must be specified");
  return write(deps, async (tx) => {
    const router = await visibleRouter(tx.db, caller, routerId);
    authorize(caller, "add_router_interface", { project_id: router.project_id });
    if (request.port_id === undefined)
      return addSubnetInterface(deps, tx, caller, router, request.subnet_id ?? "");
    const attached = await attachPort(deps, tx, caller, router, request.port_id);
    return interfaceAdded(deps, tx, router, attached);
  });
}

/** add_router_interface with a subnet, inside the caller's transaction (also a VPC's subnet path). */
export async function addSubnetInterface(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  router: routerStore.RouterRow,
  subnetId: string,
): Promise<RouterInterfaceInfo> {
  return interfaceAdded(deps, tx, router, await attachSubnet(deps, tx, caller, router, subnetId));
}

async function interfaceAdded(
  deps: NetworkDeps,
  tx: NetworkTx,
  router: routerStore.RouterRow,
  attached: Attached,
): Promise<RouterInterfaceInfo> {
  await saveRouter(deps, tx, router, {});
  const info = interfaceInfo(router, attached);
  await announce(deps, tx, "router.interface.create", info);
  return info;
}

/** PUT /v2.0/routers/{id}/remove_router_interface with {subnet_id} and/or {port_id}. */
export async function removeRouterInterface(
  deps: NetworkDeps,
  auth: AuthContext | null,
  routerId: string,
  body: unknown,
): Promise<RouterInterfaceInfo> {
  const caller = requireAuth(auth);
  const request = interfaceRequest(body);
  return write(deps, async (tx) => {
    const router = await visibleRouter(tx.db, caller, routerId);
    authorize(caller, "remove_router_interface", { project_id: router.project_id });
    const ports = await routerStore.routerPorts(tx.db, routerId, DEVICE_OWNER.routerInterface);
    const port = await interfaceToRemove(tx, router.id, ports, request);
    const subnetIds =
      request.port_id === undefined && request.subnet_id !== undefined
        ? [request.subnet_id]
        : port.fixed_ips.map((ip) => ip.subnet_id);
    await refuseWhileInUse(tx, router.id, await routerStore.selectSubnetsByIds(tx.db, subnetIds));
    if (subnetIds.length < port.fixed_ips.length) {
      // Only one of several subnets leaves: the port stays with its other addresses.
      for (const ip of port.fixed_ips.filter((ip) => subnetIds.includes(ip.subnet_id)))
        await portStore.releaseAddress(tx.db, ip.subnet_id, ip.ip_address);
    } else {
      await deleteServicePort(deps, tx, port.id);
    }
    await leaveRouteTables(tx.db, subnetIds);
    await saveRouter(deps, tx, router, {});
    const info = interfaceInfo(router, { portId: port.id, networkId: port.network_id, subnetIds });
    await announce(deps, tx, "router.interface.delete", info);
    return info;
  });
}

interface Attached {
  portId: string;
  networkId: string;
  subnetIds: string[];
}

/** A new port on the subnet, holding its gateway address. */
async function attachSubnet(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  router: routerStore.RouterRow,
  subnetId: string,
): Promise<Attached> {
  const [subnet] = await routerStore.selectSubnetsByIds(tx.db, [subnetId]);
  if (subnet === undefined) throw new SubnetNotFound(subnetId);
  await visibleNetworkFor(tx.db, caller, subnet.network_id).catch((error: unknown) => {
    throw error instanceof NetworkNotFound ? new SubnetNotFound(subnetId) : error;
  });
  if (subnet.gateway_ip === null)
    throw new BadRequest("router", "Subnet for router interface must have a gateway IP");
  await refuseDuplicateSubnets(tx, router.id, [subnet]);
  await checkVpcMembership(tx.db, router.id, [subnet]);
  await enforceQuota(tx, router.project_id, "port");
  const port = await createServicePort(deps, tx, {
    networkId: subnet.network_id,
    projectId: router.project_id,
    deviceOwner: DEVICE_OWNER.routerInterface,
    deviceId: router.id,
    fixedIps: [{ subnet_id: subnet.id, ip_address: subnet.gateway_ip }],
  });
  return { portId: port.row.id, networkId: subnet.network_id, subnetIds: [subnet.id] };
}

/** An existing, unused port of the caller's becomes the interface. */
async function attachPort(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  router: routerStore.RouterRow,
  portId: string,
): Promise<Attached> {
  const port = await visiblePort(tx.db, caller, portId);
  if (port.device_id !== "") throw new PortInUse(port.network_id, port.id, port.device_id);
  const ips = (await portStore.allocationsOf(tx.db, [port.id])).get(port.id) ?? [];
  if (ips.length === 0) throw new BadRequest("router", "Router port must have at least one fixed IP");
  const subnets = await routerStore.selectSubnetsByIds(tx.db, [...new Set(ips.map((ip) => ip.subnet_id))]);
  if (subnets.filter((subnet) => subnet.ip_version === 4).length > 1)
    throw new BadRequest("router", "Cannot have multiple IPv4 subnets on router port");
  await refuseDuplicateSubnets(tx, router.id, subnets);
  await checkVpcMembership(tx.db, router.id, subnets);
  const changes = { device_id: router.id, device_owner: DEVICE_OWNER.routerInterface };
  const saved = await store.saveRevision(tx.db, "ports", port, changes, isoSeconds(deps.clock.now()));
  await emit(
    deps,
    tx,
    "port",
    "update",
    portView(saved, ips, (await store.selectTags(tx.db, [port.id])).get(port.id) ?? []),
  );
  return { portId: port.id, networkId: port.network_id, subnetIds: ips.map((ip) => ip.subnet_id) };
}

/** A router has one interface per subnet, and no two of its subnets overlap. */
async function refuseDuplicateSubnets(
  tx: NetworkTx,
  routerId: string,
  added: readonly SubnetRow[],
): Promise<void> {
  const ports = await routerStore.routerPorts(
    tx.db,
    routerId,
    DEVICE_OWNER.routerInterface,
    DEVICE_OWNER.routerGateway,
  );
  const attachedIds = [...new Set(ports.flatMap((port) => port.fixed_ips.map((ip) => ip.subnet_id)))];
  const attached = await routerStore.selectSubnetsByIds(tx.db, attachedIds);
  for (const subnet of added) {
    if (attachedIds.includes(subnet.id))
      throw new BadRequest("router", `Router already has a port on subnet ${subnet.id}`);
    for (const other of attached) {
      if (cidrsOverlap(cidrOf(subnet), cidrOf(other)))
        throw new BadRequest(
          "router",
          `Cidr ${subnet.cidr} of subnet ${subnet.id} overlaps with cidr ${other.cidr} of subnet ${other.id}`,
        );
    }
  }
}

async function interfaceToRemove(
  tx: NetworkTx,
  routerId: string,
  ports: Awaited<ReturnType<typeof routerStore.routerPorts>>,
  request: InterfaceRequest,
) {
  if (request.port_id !== undefined) {
    const port = ports.find((p) => p.id === request.port_id);
    if (port === undefined) throw new RouterInterfaceNotFound(routerId, request.port_id);
    if (request.subnet_id !== undefined && !port.fixed_ips.some((ip) => ip.subnet_id === request.subnet_id))
      throw new SubnetMismatchForPort(port.id, request.subnet_id);
    return port;
  }
  if (request.subnet_id === undefined)
    throw new BadRequest("router", "Either subnet_id or port_id must be specified");
  const subnetId = request.subnet_id;
  if ((await routerStore.selectSubnetsByIds(tx.db, [subnetId])).length === 0)
    throw new SubnetNotFound(subnetId);
  const port = ports.find((p) => p.fixed_ips.some((ip) => ip.subnet_id === subnetId));
  if (port === undefined) throw new RouterInterfaceNotFoundForSubnet(routerId, subnetId);
  return port;
}

/** Floating IPs and routes that go through a subnet keep its interface in place. */
async function refuseWhileInUse(
  tx: NetworkTx,
  routerId: string,
  subnets: readonly SubnetRow[],
): Promise<void> {
  const floatingIps = await floatingIpsOfRouter(tx.db, routerId);
  // Bound floating IPs and port forwardings both reach their fixed address through the interface.
  const forwarded = await forwardedAddressesOfRouter(tx.db, routerId);
  const routes = (await routerStore.routesOf(tx.db, [routerId])).get(routerId) ?? [];
  for (const subnet of subnets) {
    const cidr = cidrOf(subnet);
    const inside = (ip: string | null) => {
      const address = ip === null ? undefined : parseIp(ip);
      return address !== undefined && cidrContains(cidr, address);
    };
    if (floatingIps.some((fip) => inside(fip.fixed_ip_address)) || forwarded.some(inside))
      throw new RouterInterfaceInUseByFloatingIP(routerId, subnet.id);
    if (routes.some((route) => inside(route.nexthop)))
      throw new RouterInterfaceInUseByRoute(routerId, subnet.id);
  }
}

function interfaceRequest(body: unknown): InterfaceRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new BadRequest("router", "Either subnet_id or port_id must be specified");
  const request: InterfaceRequest = {};
  for (const key of ["subnet_id", "port_id"] as const) {
    const value = (body as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") throw new InvalidInput(`'${JSON.stringify(value)}' is not a valid UUID`);
    request[key] = value;
  }
  return request;
}

function interfaceInfo(router: routerStore.RouterRow, attached: Attached): RouterInterfaceInfo {
  return {
    id: router.id,
    tenant_id: router.project_id,
    port_id: attached.portId,
    subnet_id: attached.subnetIds[0] ?? "",
    subnet_ids: attached.subnetIds,
    network_id: attached.networkId,
  };
}

/** Neutron's router.interface.create/delete notifications, in the same transaction. */
async function announce(deps: NetworkDeps, tx: NetworkTx, type: string, info: RouterInterfaceInfo) {
  await deps.events.append(tx, {
    type,
    resource_id: info.id,
    project_id: info.tenant_id,
    payload: { router_interface: info },
  });
}
