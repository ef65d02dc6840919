import type { AuthContext } from "../../http/auth.ts";
import { cidrContains, parseCidrLoose, parseIp } from "../../lib/ip.ts";
import type { NetworkDeps, NetworkTx } from "../deps.ts";
import { saveFloatingIp, visibleFloatingIp } from "../floating-ips.ts";
import * as fipStore from "../store-floating-ips.ts";
import * as portStore from "../store-ports.ts";
import { selectRouter } from "../store-routers.ts";
import type { SubnetRow } from "../store-subnets.ts";
import { cidrsOf, cidrWithin } from "../vpc/cidrs.ts";
import { subnetsOfRouter, vpcOf } from "../vpc/store.ts";
import { InvalidNatRule, NatGatewayRouterConflict, NatRuleConflict } from "./errors.ts";
import type { NatGatewayRow } from "./store.ts";
import * as store from "./store.ts";

/** What a rule's checks need to know of its gateway: the router's external network and inside. */
export interface GatewayScope {
  gateway: NatGatewayRow;
  externalNetworkId: string;
  /** The VPC's CIDRs, or the router's IPv4 subnets for a plain router. */
  inside: string[];
  subnets: SubnetRow[];
}

export async function gatewayScope(tx: NetworkTx, gateway: NatGatewayRow): Promise<GatewayScope> {
  const router = await selectRouter(tx.db, gateway.router_id);
  const gwPort =
    router?.gw_port_id == null ? undefined : await portStore.selectPort(tx.db, router.gw_port_id);
  if (gwPort === undefined)
    throw new NatGatewayRouterConflict(
      `Router ${gateway.router_id} of NAT gateway ${gateway.id} has no external gateway any more`,
    );
  const subnets = (await subnetsOfRouter(tx.db, gateway.router_id)).filter((s) => s.ip_version === 4);
  const vpc = await vpcOf(tx.db, "router_id", gateway.router_id);
  const inside = vpc !== undefined ? cidrsOf(vpc) : subnets.map((subnet) => subnet.cidr);
  return { gateway, externalNetworkId: gwPort.network_id, inside, subnets };
}

/** Whether an address or CIDR lies inside the gateway's VPC (or its router's subnets). */
export function isInside(scope: GatewayScope, cidrOrIp: string): boolean {
  const ip = parseIp(cidrOrIp);
  if (ip !== undefined)
    return scope.inside.some((cidr) => {
      const parsed = parseCidrLoose(cidr);
      return parsed !== undefined && cidrContains(parsed, ip);
    });
  return scope.inside.some((cidr) => cidrWithin(cidr, cidrOrIp));
}

/**
 * A floating IP a rule may use: the caller's project's (as the rule's), on the router's external
 * network, and not associated 1:1 with a port.
 */
export async function ruleFloatingIp(
  tx: NetworkTx,
  caller: AuthContext,
  scope: GatewayScope,
  id: string,
  projectId: string,
): Promise<fipStore.FloatingIpRow> {
  const fip = await visibleFloatingIp(tx.db, caller, id);
  if (fip.project_id !== projectId)
    throw new InvalidNatRule(`Floating IP ${id} belongs to another project than the rule`);
  if (fip.floating_network_id !== scope.externalNetworkId)
    throw new InvalidNatRule(
      `Floating IP ${id} is on network ${fip.floating_network_id}, not on the external network ${scope.externalNetworkId} of router ${scope.gateway.router_id}`,
    );
  if (fip.port_id !== null)
    throw new NatRuleConflict(
      `Floating IP ${id} is associated with port ${fip.port_id}; disassociate it first`,
    );
  if (fip.router_id !== null && fip.router_id !== scope.gateway.router_id)
    throw new NatRuleConflict(`Floating IP ${id} is already used through router ${fip.router_id}`);
  return fip;
}

/** The floating IP now goes through the gateway's router: the router's gateway and VPC stay while it does. */
export async function bindFloatingIp(
  deps: NetworkDeps,
  tx: NetworkTx,
  fip: fipStore.FloatingIpRow,
  routerId: string,
): Promise<void> {
  if (fip.router_id !== routerId) await saveFloatingIp(deps, tx, fip, { router_id: routerId });
}

/** The last rule (or port forwarding) using it gone, the floating IP is free again. */
export async function releaseFloatingIp(
  deps: NetworkDeps,
  tx: NetworkTx,
  fipId: string | null,
): Promise<void> {
  if (fipId === null) return;
  const fip = await fipStore.selectFloatingIp(tx.db, fipId);
  if (fip === undefined || fip.port_id !== null || fip.router_id === null) return;
  if ((await store.rulesUsingFloatingIp(tx.db, fipId)).length > 0) return;
  if (await fipStore.hasPortForwardings(tx.db, fipId)) return;
  await saveFloatingIp(deps, tx, fip, { router_id: null });
}
