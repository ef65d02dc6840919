import type { AuthContext } from "../../http/auth.ts";
import type { NetworkDeps, NetworkTx } from "../deps.ts";
import { visibleNetworkFor } from "../network-access.ts";
import { createServicePort, deleteServicePort } from "../service-ports.ts";
import * as networkStore from "../store.ts";
import { selectSubnetsOfNetwork, type SubnetRow } from "../store-subnets.ts";
import { InvalidNatRule } from "./errors.ts";
import type { NatGatewayRow } from "./store.ts";

/**
 * Shared services (NTP, DNS, a registry) live on an admin's shared network tagged "service". A
 * NAT gateway reaches one through a port of its own there (device_owner network:nat_gateway,
 * device_id the gateway): SNAT rules with service_network_id translate their sources to it.
 */
export const SERVICE_TAG = "service";
export const NAT_GATEWAY_OWNER = "network:nat_gateway";

/** The service network's IPv4 subnet, or 400 when the network is not a service network. */
export async function serviceSubnet(
  tx: NetworkTx,
  caller: AuthContext,
  networkId: string,
): Promise<SubnetRow> {
  const network = await visibleNetworkFor(tx.db, caller, networkId);
  const tags = (await networkStore.selectTags(tx.db, [networkId])).get(networkId) ?? [];
  if (!tags.includes(SERVICE_TAG) || network.external === 1)
    throw new InvalidNatRule(
      `Network ${networkId} is not a service network (an internal network tagged '${SERVICE_TAG}', usually an admin's shared one)`,
    );
  const subnet = (await selectSubnetsOfNetwork(tx.db, networkId)).find((s) => s.ip_version === 4);
  if (subnet === undefined) throw new InvalidNatRule(`Service network ${networkId} has no IPv4 subnet`);
  return subnet;
}

function servicePorts(db: NetworkTx["db"], gatewayId: string, networkId: string) {
  return db
    .selectFrom("ports")
    .select("id")
    .where("device_owner", "=", NAT_GATEWAY_OWNER)
    .where("device_id", "=", gatewayId)
    .where("network_id", "=", networkId)
    .execute();
}

/** The gateway's address on the service network: made with its first rule there. */
export async function ensureServicePort(
  deps: NetworkDeps,
  tx: NetworkTx,
  gateway: NatGatewayRow,
  networkId: string,
  subnetId: string,
): Promise<void> {
  if ((await servicePorts(tx.db, gateway.id, networkId)).length > 0) return;
  await createServicePort(deps, tx, {
    networkId,
    projectId: "",
    deviceOwner: NAT_GATEWAY_OWNER,
    deviceId: gateway.id,
    fixedIps: [{ subnet_id: subnetId }],
  });
}

/** ... and released with its last rule there. */
export async function dropServicePort(
  deps: NetworkDeps,
  tx: NetworkTx,
  gatewayId: string,
  networkId: string,
): Promise<void> {
  const still = await tx.db
    .withTables<{ snat_rules: { nat_gateway_id: string; service_network_id: string | null } }>()
    .selectFrom("snat_rules")
    .select("nat_gateway_id")
    .where("nat_gateway_id", "=", gatewayId)
    .where("service_network_id", "=", networkId)
    .executeTakeFirst();
  if (still !== undefined) return;
  for (const port of await servicePorts(tx.db, gatewayId, networkId))
    await deleteServicePort(deps, tx, port.id);
}
