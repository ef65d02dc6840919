import type { Kysely } from "kysely";
import { cidrsOverlap, parseCidrLoose } from "../../lib/ip.ts";
import type { NetworkTables } from "../tables.ts";
import { cidrsOf, cidrWithin } from "../vpc/cidrs.ts";
import { InvalidRouteTableRoutes, VpcInUse } from "../vpc/errors.ts";
import * as vpcStore from "../vpc/store.ts";
import { VpcPeeringCidrOverlap } from "./errors.ts";
import * as store from "./store.ts";

/** The peering rules other VPC paths apply: VPC delete, add_cidr and route table routes. */
type Db = Kysely<NetworkTables>;

const overlap = (a: string, b: string) => {
  const [x, y] = [parseCidrLoose(a), parseCidrLoose(b)];
  return x !== undefined && y !== undefined && cidrsOverlap(x, y);
};

/** Any CIDR of one overlapping any of the other (secondary CIDRs included) refuses the pair. */
export function refuseOverlap(
  a: { id: string; cidrs: readonly string[] },
  b: { id: string; cidrs: readonly string[] },
): void {
  for (const mine of a.cidrs)
    for (const theirs of b.cidrs)
      if (overlap(mine, theirs)) throw new VpcPeeringCidrOverlap(a.id, mine, b.id, theirs);
}

/** The VPC on the other side of a peering. */
export const peerOf = (peering: store.PeeringRow, vpcId: string) =>
  peering.request_vpc_id === vpcId ? peering.accept_vpc_id : peering.request_vpc_id;

/** PUT /v2.0/vpcs/{id}/add_cidr: a new CIDR may not overlap a VPC it is (or asks to be) peered with. */
export async function refusePeeredOverlap(db: Db, vpcId: string, cidr: string): Promise<void> {
  const live = (await store.peeringsOfVpc(db, vpcId)).filter((p) => p.status !== "REJECTED");
  const peers = await vpcStore.selectVpcsByIds(
    db,
    live.map((p) => peerOf(p, vpcId)),
  );
  for (const peer of peers)
    refuseOverlap({ id: vpcId, cidrs: [cidr] }, { id: peer.id, cidrs: cidrsOf(peer) });
}

/** DELETE /v2.0/vpcs/{id}: its peerings (whatever their status) must go first. */
export async function refusePeeredVpc(db: Db, vpcId: string): Promise<void> {
  const peerings = await store.peeringsOfVpc(db, vpcId);
  if (peerings.length > 0)
    throw new VpcInUse(
      vpcId,
      "VPC peerings",
      peerings.map((p) => p.id),
    );
}

/**
 * A "peering" route's next hop is a peering of the table's VPC (in any status: the route stays
 * inert until the peering is ACTIVE), and its destination lies inside the peer VPC's CIDRs.
 */
export async function checkPeeringRoutes(
  db: Db,
  vpc: vpcStore.VpcRow,
  routes: ReadonlyArray<{ destination: string; nexthop_type: string; nexthop: string | null }>,
): Promise<void> {
  for (const route of routes) {
    if (route.nexthop_type !== "peering") continue;
    const peering = route.nexthop === null ? undefined : await store.selectPeering(db, route.nexthop);
    if (peering === undefined || (peering.request_vpc_id !== vpc.id && peering.accept_vpc_id !== vpc.id))
      throw new InvalidRouteTableRoutes(
        `Next hop ${String(route.nexthop)} is not a VPC peering of VPC ${vpc.id}`,
      );
    const peer = await vpcStore.selectVpc(db, peerOf(peering, vpc.id));
    const cidrs = peer === undefined ? [] : cidrsOf(peer);
    if (!cidrs.some((cidr) => cidrWithin(cidr, route.destination)))
      throw new InvalidRouteTableRoutes(
        `Destination ${route.destination} of a route through VPC peering ${peering.id} is not inside the CIDRs of the peer VPC (${cidrs.join(", ")})`,
      );
  }
}
