import type { AuthContext } from "../http/auth.ts";
import type { NetworkDeps, NetworkTx } from "./deps.ts";
import { isAdmin } from "./deps.ts";
import { BadRequest, RouterExternalGatewayInUseByFloatingIp } from "./errors-router.ts";
import { PolicyNotAuthorized } from "./errors.ts";
import { allocateFixedIps, type FixedIp, type FixedIpRequest } from "./ipam.ts";
import { isExternalFor, visibleNetworkFor } from "./network-access.ts";
import { createServicePort, deleteServicePort } from "./service-ports.ts";
import { DEVICE_OWNER } from "./device-owners.ts";
import * as portStore from "./store-ports.ts";
import type { RouterRow } from "./store-routers.ts";
import { floatingIpsOfRouter } from "./store-floating-ips.ts";
import { nextPolicy } from "./qos-attach.ts";
import { refuseNatGatewayOnRouter } from "./nat/guards.ts";

/** external_gateway_info as Neutron shows it [ext-gw-mode]. */
export interface GatewayInfo {
  network_id: string;
  enable_snat: boolean;
  external_fixed_ips: FixedIp[];
  /** [qos-gateway-ip]: shown only when set, as Neutron does. */
  qos_policy_id?: string;
}

interface GatewayRequest {
  network_id: string;
  enable_snat?: boolean;
  external_fixed_ips?: FixedIpRequest[] | null;
  qos_policy_id?: string | null;
}

/** The sub-attributes in the order neutron-lib declares them (policy messages list them so). */
const GATEWAY_KEYS = ["network_id", "enable_snat", "external_fixed_ips", "qos_policy_id"] as const;
const ADMIN_ONLY_KEYS = ["enable_snat", "external_fixed_ips"];

/** The routers' external_gateway_info, by router id: three queries whatever the number of routers. */
export async function gatewayInfos(
  db: NetworkTx["db"],
  rows: readonly RouterRow[],
): Promise<Map<string, GatewayInfo | null>> {
  const portIds = rows.flatMap((row) => (row.gw_port_id === null ? [] : [row.gw_port_id]));
  const networks = new Map<string, string>();
  if (portIds.length > 0) {
    const ports = await db
      .selectFrom("ports")
      .select(["id", "network_id"])
      .where("id", "in", portIds)
      .execute();
    for (const port of ports) networks.set(port.id, port.network_id);
  }
  const ips = await portStore.allocationsOf(db, portIds);
  const infos = new Map<string, GatewayInfo | null>();
  for (const row of rows) {
    const networkId = row.gw_port_id === null ? undefined : networks.get(row.gw_port_id);
    infos.set(
      row.id,
      networkId === undefined || row.gw_port_id === null
        ? null
        : {
            network_id: networkId,
            enable_snat: row.enable_snat === 1,
            external_fixed_ips: (ips.get(row.gw_port_id) ?? []).map((ip) => ({
              subnet_id: ip.subnet_id,
              ip_address: ip.ip_address,
            })),
            ...(row.gw_qos_policy_id !== null ? { qos_policy_id: row.gw_qos_policy_id } : {}),
          },
    );
  }
  return infos;
}

/**
 * Choosing SNAT or the gateway's own addresses is for admins (Neutron's default policy). The
 * failed check names every sub-attribute given, as Neutron's nested rule does.
 */
export function refuseAdminOnlyGateway(
  caller: AuthContext,
  action: "create" | "update",
  info: unknown,
): void {
  if (isAdmin(caller) || typeof info !== "object" || info === null) return;
  const given = GATEWAY_KEYS.filter((key) => Object.hasOwn(info, key));
  const denied = given.find((key) => ADMIN_ONLY_KEYS.includes(key));
  if (denied === undefined) return;
  const rule = `${action}_router:external_gateway_info`;
  const check = `(rule:${action}_router and (rule:${rule} and (${given.map((key) => `rule:${rule}:${key}`).join(" and ")})))`;
  throw new PolicyNotAuthorized(`${rule}:${denied}`, check);
}

/**
 * Sets, changes or clears the router's gateway: returns the router columns that change. The
 * gateway port belongs to no project (Neutron leaves its tenant empty) so tenants never see it.
 */
export async function changeGateway(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  row: RouterRow,
  info: unknown,
): Promise<Partial<RouterRow>> {
  const wanted = asRequest(info);
  const current = row.gw_port_id === null ? undefined : await portStore.selectPort(tx.db, row.gw_port_id);
  const enableSnat = wanted?.enable_snat ?? true;
  if (current !== undefined && current.network_id === wanted?.network_id) {
    if (wanted.external_fixed_ips !== undefined) await readdress(tx, current, wanted.external_fixed_ips);
    return { enable_snat: enableSnat ? 1 : 0, ...(await gatewayQos(tx, caller, row, wanted)) };
  }
  if (current !== undefined) {
    await refuseWhileFloatingIps(tx, row.id, current.network_id);
    await refuseNatGatewayOnRouter(tx.db, row.id);
    await deleteServicePort(deps, tx, current.id);
  }
  if (wanted === null) return { gw_port_id: null, enable_snat: 1, gw_qos_policy_id: null };
  const network = await visibleNetworkFor(tx.db, caller, wanted.network_id);
  const qos = await gatewayQos(tx, caller, row, wanted);
  if (!(await isExternalFor(tx.db, row.project_id, network)))
    throw new BadRequest("router", `Network ${network.id} is not an external network`);
  const port = await createServicePort(deps, tx, {
    networkId: network.id,
    projectId: "",
    deviceOwner: DEVICE_OWNER.routerGateway,
    deviceId: row.id,
    fixedIps: wanted.external_fixed_ips ?? null,
  });
  if (port.fixedIps.length === 0)
    throw new BadRequest("router", `No IPs available for external network ${network.id}`);
  return { gw_port_id: port.row.id, enable_snat: enableSnat ? 1 : 0, ...qos };
}

/**
 * external_gateway_info.qos_policy_id [qos-gateway-ip]: left as it is when the request does not
 * name it (as Neutron), null clears it.
 */
async function gatewayQos(
  tx: NetworkTx,
  caller: AuthContext,
  row: RouterRow,
  wanted: GatewayRequest,
): Promise<Partial<RouterRow>> {
  const next = await nextPolicy(tx.db, caller, row.gw_qos_policy_id, wanted.qos_policy_id);
  return next === undefined ? {} : { gw_qos_policy_id: next };
}

/** Removes the gateway port when the router goes. */
export async function clearGateway(deps: NetworkDeps, tx: NetworkTx, row: RouterRow): Promise<void> {
  if (row.gw_port_id !== null) await deleteServicePort(deps, tx, row.gw_port_id);
}

function asRequest(info: unknown): GatewayRequest | null {
  if (typeof info !== "object" || info === null || Object.keys(info).length === 0) return null;
  return info as GatewayRequest;
}

/** Floating IPs reach the outside through the gateway: it cannot move while they use it. */
async function refuseWhileFloatingIps(tx: NetworkTx, routerId: string, networkId: string): Promise<void> {
  if ((await floatingIpsOfRouter(tx.db, routerId)).length > 0)
    throw new RouterExternalGatewayInUseByFloatingIp(routerId, networkId);
}

/** New external_fixed_ips on the same network: the gateway port keeps its id and MAC. */
async function readdress(
  tx: NetworkTx,
  port: portStore.PortRow,
  requests: FixedIpRequest[] | null,
): Promise<void> {
  const current = (await portStore.allocationsOf(tx.db, [port.id])).get(port.id) ?? [];
  for (const ip of current) await portStore.releaseAddress(tx.db, ip.subnet_id, ip.ip_address);
  const fixedIps = await allocateFixedIps(
    tx,
    port.network_id,
    port.id,
    port.mac_address,
    requests,
    port.device_owner,
  );
  if (fixedIps.length === 0)
    throw new BadRequest("router", `No IPs available for external network ${port.network_id}`);
}
