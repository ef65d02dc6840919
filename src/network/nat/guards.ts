import type { NetworkTx } from "../deps.ts";
import { InvalidRouteTableRoutes } from "../vpc/errors.ts";
import { FloatingIpInUseByNatRules, NatGatewayRouterConflict, NatRuleConflict } from "./errors.ts";
import * as store from "./store.ts";

/** For floating-ips.ts: a floating IP NAT rules use cannot be associated with a port or deleted. */
export async function refuseNatRulesOnFloatingIp(db: NetworkTx["db"], fipId: string): Promise<void> {
  const rules = await store.rulesUsingFloatingIp(db, fipId);
  if (rules.length > 0) throw new FloatingIpInUseByNatRules(fipId, rules);
}

/** For port-forwardings.ts: a DNAT rule already forwards this (protocol, external port) of the floating IP. */
export async function refuseDnatConflict(
  db: NetworkTx["db"],
  fipId: string,
  protocol: string,
  externalPort: number,
): Promise<void> {
  const taken = (await store.dnatRulesOfFloatingIp(db, fipId)).find(
    (rule) =>
      rule.protocol === "any" || (rule.protocol === protocol && rule.external_service_port === externalPort),
  );
  if (taken !== undefined)
    throw new NatRuleConflict(
      `DNAT rule ${taken.id} already forwards ${taken.protocol === "any" ? "every port" : `${protocol}/${externalPort}`} of floating IP ${fipId}`,
    );
}

/** For route tables: a nat_gateway next hop must be the NAT gateway of the VPC's router. */
export async function checkNatGatewayRoutes(
  db: NetworkTx["db"],
  vpc: { id: string; router_id: string },
  routes: ReadonlyArray<{ destination: string; nexthop_type: string; nexthop: string | null }>,
): Promise<void> {
  const wanted = routes.filter((route) => route.nexthop_type === "nat_gateway");
  if (wanted.length === 0) return;
  const gateway = await store.gatewayOfRouter(db, vpc.router_id);
  const stray = wanted.find((route) => route.nexthop !== gateway?.id);
  if (stray !== undefined)
    throw new InvalidRouteTableRoutes(`Next hop ${stray.nexthop} is not the NAT gateway of VPC ${vpc.id}`);
}

/**
 * For the router's and the VPC's delete and the router's gateway removal (to be wired by their
 * owners): a router carrying a NAT gateway keeps it, and its external gateway, until it is deleted.
 */
export async function refuseNatGatewayOnRouter(db: NetworkTx["db"], routerId: string): Promise<void> {
  const gateway = await store.gatewayOfRouter(db, routerId);
  if (gateway !== undefined)
    throw new NatGatewayRouterConflict(
      `Router ${routerId} carries NAT gateway ${gateway.id}; delete it first`,
    );
}
