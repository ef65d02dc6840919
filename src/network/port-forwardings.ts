import type { AuthContext } from "../http/auth.ts";
import { parseBody } from "../lib/attributes.ts";
import { uuid } from "../lib/ids.ts";
import type { ListQuery } from "../lib/list-query.ts";
import { authorize, reader, requireAuth, write, type NetworkDeps, type NetworkTx } from "./deps.ts";
import {
  BadRequest,
  ExternalGatewayForFloatingIPNotFound,
  PortForwardingNotFound,
  PortHasBindingFloatingIP,
} from "./errors-router.ts";
import { saveFloatingIp, visibleFloatingIp } from "./floating-ips.ts";
import { portForwardingAttributes } from "./schemas/floating-ip.ts";
import * as fipStore from "./store-floating-ips.ts";
import * as portStore from "./store-ports.ts";
import { visiblePort } from "./ports.ts";
import { routersBetween } from "./store-routers.ts";
import { refuseDnatConflict } from "./nat/guards.ts";
import { releaseFloatingIp } from "./nat/targets.ts";

/** Port forwardings of a floating IP [floating-ip-port-forwarding]: DNAT of one external port. */
export type PortForwarding = ReturnType<typeof portForwardingView>;

export function portForwardingView(row: fipStore.PortForwardingRow) {
  return {
    id: row.id,
    external_port: row.external_port,
    internal_port: row.internal_port,
    internal_ip_address: row.internal_ip_address,
    protocol: row.protocol,
    internal_port_id: row.internal_port_id,
    description: row.description,
  };
}

export async function listPortForwardings(
  deps: NetworkDeps,
  auth: AuthContext | null,
  floatingIpId: string,
  query: ListQuery,
): Promise<PortForwarding[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  await visibleFloatingIp(db, caller, floatingIpId);
  return (await fipStore.selectPortForwardings(db, floatingIpId, query)).map(portForwardingView);
}

export async function getPortForwarding(
  deps: NetworkDeps,
  auth: AuthContext | null,
  floatingIpId: string,
  id: string,
): Promise<PortForwarding> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  await visibleFloatingIp(db, caller, floatingIpId);
  return portForwardingView(await existing(db, floatingIpId, id));
}

export async function createPortForwarding(
  deps: NetworkDeps,
  auth: AuthContext | null,
  floatingIpId: string,
  input: Record<string, unknown>,
): Promise<PortForwarding> {
  const caller = requireAuth(auth);
  const body = parseBody(portForwardingAttributes, input, "create");
  return write(deps, async (tx) => {
    const fip = await visibleFloatingIp(tx.db, caller, floatingIpId);
    authorize(caller, "create_floatingip_port_forwarding", { project_id: fip.project_id });
    const row: fipStore.PortForwardingRow = {
      id: uuid(),
      floatingip_id: fip.id,
      protocol: body.protocol as string,
      external_port: body.external_port as number,
      internal_port: body.internal_port as number,
      internal_ip_address: body.internal_ip_address as string,
      internal_port_id: body.internal_port_id as string,
      description: body.description as string,
    };
    await claim(deps, tx, caller, fip, row);
    return portForwardingView(row);
  });
}

export async function updatePortForwarding(
  deps: NetworkDeps,
  auth: AuthContext | null,
  floatingIpId: string,
  id: string,
  input: Record<string, unknown>,
): Promise<PortForwarding> {
  const caller = requireAuth(auth);
  const body = parseBody(portForwardingAttributes, input, "update");
  return write(deps, async (tx) => {
    const fip = await visibleFloatingIp(tx.db, caller, floatingIpId);
    authorize(caller, "update_floatingip_port_forwarding", { project_id: fip.project_id });
    const current = await existing(tx.db, floatingIpId, id);
    const row = { ...current, ...(body as Partial<fipStore.PortForwardingRow>) };
    // Delete and re-claim: the unique key then judges the new external port like a new entry.
    await tx.db.deleteFrom("port_forwardings").where("id", "=", id).execute();
    await claim(deps, tx, caller, fip, row);
    return portForwardingView(row);
  });
}

export async function deletePortForwarding(
  deps: NetworkDeps,
  auth: AuthContext | null,
  floatingIpId: string,
  id: string,
): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const fip = await visibleFloatingIp(tx.db, caller, floatingIpId);
    authorize(caller, "delete_floatingip_port_forwarding", { project_id: fip.project_id });
    await existing(tx.db, floatingIpId, id);
    await tx.db.deleteFrom("port_forwardings").where("id", "=", id).execute();
    // The last forwarding (and NAT rule) gone, the floating IP no longer goes through a router.
    await releaseFloatingIp(deps, tx, fip.id);
  });
}

/**
 * The internal address must be one of the port's, reachable from the floating IP's network
 * through a router, and not already bound 1:1 to a floating IP; the external port is free.
 */
async function claim(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  fip: fipStore.FloatingIpRow,
  row: fipStore.PortForwardingRow,
): Promise<void> {
  if (fip.port_id !== null)
    throw new BadRequest("port_forwarding", `FloatingIP ${fip.id} is associated with port ${fip.port_id}`);
  const port = await visiblePort(tx.db, caller, row.internal_port_id);
  const ips = (await portStore.allocationsOf(tx.db, [port.id])).get(port.id) ?? [];
  const ip = ips.find((a) => a.ip_address === row.internal_ip_address && !a.ip_address.includes(":"));
  if (ip === undefined)
    throw new BadRequest(
      "port_forwarding",
      `The internal IP ${row.internal_ip_address} is not a fixed IPv4 address of port ${port.id}`,
    );
  if ((await fipStore.floatingIpOnFixedIp(tx.db, port.id, ip.ip_address)) !== undefined)
    throw new PortHasBindingFloatingIP(
      { id: fip.id, address: fip.floating_ip_address },
      port.id,
      ip.ip_address,
    );
  await refuseDnatConflict(tx.db, fip.id, row.protocol, row.external_port);
  const [routerId] = await routersBetween(tx.db, fip.floating_network_id, ip.subnet_id);
  if (routerId === undefined)
    throw new ExternalGatewayForFloatingIPNotFound(fip.floating_network_id, ip.subnet_id, port.id);
  if (!(await fipStore.claimPortForwarding(tx.db, row)))
    throw new BadRequest(
      "port_forwarding",
      `A duplicate port forwarding entry with same attributes already exists, conflicting values are {'floatingip_id': '${fip.id}', 'protocol': '${row.protocol}', 'external_port': ${row.external_port}}`,
    );
  if (fip.router_id !== routerId) await touchFloatingIp(deps, tx, fip, routerId);
}

async function existing(db: NetworkTx["db"], floatingIpId: string, id: string) {
  const row = await fipStore.selectPortForwarding(db, floatingIpId, id);
  if (row === undefined) throw new PortForwardingNotFound(id);
  return row;
}

async function touchFloatingIp(
  deps: NetworkDeps,
  tx: NetworkTx,
  fip: fipStore.FloatingIpRow,
  routerId: string | null,
): Promise<void> {
  await saveFloatingIp(deps, tx, fip, { router_id: routerId });
}
