import { cidrContains, formatIp } from "../../lib/ip.ts";
import type { RouterIndex, Route } from "./index-model.ts";
import { peeringDrop, peeringLocal } from "./peering.ts";
import { ref, type Trail } from "./trail.ts";

/**
 * The route table's decision for a packet from one of its subnets: a route (reroute), "dropped"
 * (a blackhole, the hop recorded), or undefined to let the router's own routes decide (a local
 * route, or no table route for the destination).
 */
export function routeTable(t: Trail, router: RouterIndex): Route | "dropped" | undefined {
  const { src, dst } = t.packet;
  const policy = router.policies.find(
    (p) => cidrContains(p.cidr, dst) && p.sources.some((source) => cidrContains(source, src)),
  );
  if (policy === undefined) return undefined;
  const { row } = policy;
  const table = `route table ${row.route_table_name} (${row.route_table_id})`;
  if (row.action === "drop") {
    t.drop(
      "route",
      peeringDrop(row, formatIp(dst)) ??
        `${formatIp(dst)} matches blackhole route ${row.ip_prefix} of ${table}: dropped`,
      ref("router_policies", row),
      row.route_table_id,
    );
    return "dropped";
  }
  if (row.action === "local") {
    t.add(
      "route_table",
      "pass",
      peeringLocal(row, formatIp(dst)) ??
        `${formatIp(dst)} matches local route ${row.ip_prefix} of ${table}: routed inside the VPC`,
      ref("router_policies", row),
      row.route_table_id,
    );
    return undefined;
  }
  return { kind: "policy", cidr: policy.cidr, row, nexthop: policy.nexthop };
}

/** The hop object and rule id of the route that decided. */
export function decidedBy(route: Route) {
  if (route.kind === "connected")
    return { routeObject: ref("logical_router_ports", route.lrp.row), ruleId: route.lrp.row.owner.id };
  if (route.kind === "policy")
    return { routeObject: ref("router_policies", route.row), ruleId: route.row.route_table_id };
  return { routeObject: ref("static_routes", route.row), ruleId: route.row.name };
}
