import type { RouterPolicy } from "../model.ts";

/**
 * What the tracer says of router policies a VPC peering made: a route through it (rerouted, or
 * inert while the peering is not ACTIVE) and the guard that keeps it non-transitive.
 */

/** A drop by a peering's row; undefined for a plain blackhole route. */
export function peeringDrop(row: RouterPolicy, dst: string): string | undefined {
  if (row.peering_id === undefined) return undefined;
  if (row.owner.type === "vpc_peering")
    return `${dst} came from ${row.source_cidrs.join(", ")} over VPC peering ${row.peering_id}: ${row.reason ?? row.route_table_name}: dropped`;
  return `${dst} matches route ${row.ip_prefix} of route table ${row.route_table_name} (${row.route_table_id}) through VPC peering ${row.peering_id}: ${row.reason ?? "inert"}: dropped`;
}

/** A local decision by a peering's guard: the packet came over the peering for this VPC. */
export function peeringLocal(row: RouterPolicy, dst: string): string | undefined {
  if (row.peering_id === undefined || row.owner.type !== "vpc_peering") return undefined;
  return `${dst} is in ${row.ip_prefix}, a CIDR of this VPC: VPC peering ${row.peering_id} delivers traffic from ${row.source_cidrs.join(", ")} inside it`;
}

/** The end of a route's description when it goes through a peering. */
export const throughPeering = (row: RouterPolicy) =>
  row.peering_id === undefined ? "" : ` through VPC peering ${row.peering_id}`;
