import type { Kysely } from "kysely";
import type { SubnetRow } from "../store-subnets.ts";
import type { NetworkTables } from "../tables.ts";
import { cidrWithin } from "./cidrs.ts";
import { InvalidVpcSubnet, VpcResourceInUse } from "./errors.ts";
import * as store from "./store.ts";

/** The VPC rules other Neutron paths apply: small hooks called from routers, groups and interfaces. */
type Db = Kysely<NetworkTables>;

/** DELETE /v2.0/routers/{id}: a VPC's router goes with its VPC only. */
export async function refuseVpcRouter(db: Db, routerId: string): Promise<void> {
  const vpc = await store.vpcOf(db, "router_id", routerId);
  if (vpc !== undefined) throw new VpcResourceInUse("Router", routerId, vpc.id);
}

/** DELETE /v2.0/security-groups/{id}: a VPC's group goes with its VPC only. */
export async function refuseVpcGroup(db: Db, groupId: string): Promise<void> {
  const vpc = await store.vpcOf(db, "security_group_id", groupId);
  if (vpc !== undefined) throw new VpcResourceInUse("Security group", groupId, vpc.id);
}

/**
 * A subnet joins a VPC (by any path: an interface on the VPC's router) only inside one of its
 * CIDRs and, when the VPC lists zones, on a network whose availability_zone_hints name one.
 */
export async function checkVpcMembership(db: Db, routerId: string, subnets: readonly SubnetRow[]) {
  const vpc = await store.vpcOf(db, "router_id", routerId);
  if (vpc === undefined) return;
  const cidrs = JSON.parse(vpc.cidrs) as string[];
  const zones = JSON.parse(vpc.availability_zones) as string[];
  const hints = await store.zoneHintsOf(db, [...new Set(subnets.map((subnet) => subnet.network_id))]);
  for (const subnet of subnets) {
    if (!cidrs.some((cidr) => cidrWithin(cidr, subnet.cidr)))
      throw new InvalidVpcSubnet(
        `Subnet ${subnet.id} (${subnet.cidr}) is not inside the CIDRs of VPC ${vpc.id} (${cidrs.join(", ")})`,
      );
    const named = hints.get(subnet.network_id) ?? [];
    if (zones.length > 0 && !named.some((zone) => zones.includes(zone)))
      throw new InvalidVpcSubnet(
        `The availability_zone_hints of network ${subnet.network_id} name none of the availability zones of VPC ${vpc.id} (${zones.join(", ")})`,
      );
  }
}

/** Subnets whose router interface goes leave their route table (they no longer are in the VPC). */
export async function leaveRouteTables(db: Db, subnetIds: readonly string[]): Promise<void> {
  await store.disassociate(db, subnetIds);
}
