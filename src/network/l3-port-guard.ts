import type { NetworkDeps, NetworkTx } from "./deps.ts";
import { ServicePortInUse } from "./errors-router.ts";
import { releaseFloatingIpsOfPort } from "./floating-ips.ts";
import { DEVICE_OWNER } from "./device-owners.ts";
import type { PortRow } from "./store-ports.ts";

const L3_OWNERS: readonly string[] = Object.values(DEVICE_OWNER);

/**
 * Before a port is deleted through the port API: router and floating IP ports go only with their
 * router or floating IP (unless that is already gone), and a port's floating IPs and port
 * forwardings let go of it, as in Neutron.
 */
export async function releaseL3(deps: NetworkDeps, tx: NetworkTx, port: PortRow): Promise<void> {
  if (L3_OWNERS.includes(port.device_owner) && (await deviceExists(tx, port)))
    throw new ServicePortInUse(port.id, `has device owner ${port.device_owner}`);
  await releaseFloatingIpsOfPort(deps, tx, port.id);
  await tx.db.deleteFrom("port_forwardings").where("internal_port_id", "=", port.id).execute();
}

async function deviceExists(tx: NetworkTx, port: PortRow): Promise<boolean> {
  const table = port.device_owner === DEVICE_OWNER.floatingIp ? "floating_ips" : "routers";
  const row = await tx.db.selectFrom(table).select("id").where("id", "=", port.device_id).executeTakeFirst();
  return row !== undefined;
}
