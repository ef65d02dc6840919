import type { AuthContext } from "../../http/auth.ts";
import { HTTPBadRequest, parseBody } from "../../lib/attributes.ts";
import { authorize, requireAuth, write, type NetworkDeps } from "../deps.ts";
import { RouterNotFound } from "../errors-router.ts";
import { insertNetwork } from "../networks.ts";
import { addSubnetInterface } from "../router-interfaces.ts";
import { networkAttributes } from "../schemas/network.ts";
import { subnetAttributes } from "../schemas/subnet.ts";
import { selectRouter } from "../store-routers.ts";
import { insertSubnet, type Subnet } from "../subnets.ts";
import { InvalidVpcSubnet } from "./errors.ts";
import { vpcSubnetAttributes } from "./schemas.ts";
import { visibleVpc } from "./vpcs.ts";

export type VpcSubnet = Subnet & { vpc_id: string; availability_zone: string | null };

/**
 * POST /v2.0/vpcs/{id}/subnets: a network (named as the subnet, in the zone), its subnet and the
 * interface on the VPC's router, in one transaction, by the same paths as the plain Neutron calls
 * (so the interface applies the VPC's CIDR and zone rules). The zone defaults to the VPC's first.
 */
export async function createVpcSubnet(
  deps: NetworkDeps,
  auth: AuthContext | null,
  vpcId: string,
  body: unknown,
): Promise<VpcSubnet> {
  const caller = requireAuth(auth);
  const input = (body as { subnet?: unknown } | null)?.subnet;
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new HTTPBadRequest("Unable to find 'subnet' in request body");
  const given = parseBody(vpcSubnetAttributes, input as Record<string, unknown>, "create");
  return write(deps, async (tx) => {
    const vpc = await visibleVpc(tx.db, caller, vpcId);
    authorize(caller, "update_vpc", { project_id: vpc.project_id });
    const zones = JSON.parse(vpc.availability_zones) as string[];
    const zone = (given.availability_zone as string | null) ?? zones[0] ?? null;
    if (zone !== null && zones.length > 0 && !zones.includes(zone))
      throw new InvalidVpcSubnet(
        `Availability zone ${zone} is not one of VPC ${vpc.id}'s (${zones.join(", ")})`,
      );
    const name = given.name as string;
    const networkBody = { name, availability_zone_hints: zone === null ? [] : [zone] };
    const network = await insertNetwork(
      deps,
      tx,
      caller,
      parseBody(networkAttributes, networkBody, "create"),
      vpc.project_id,
    );
    const cidr = given.cidr as string;
    const subnetBody = {
      network_id: network.id,
      name,
      cidr,
      ip_version: given.ip_version ?? (cidr.includes(":") ? 6 : 4),
      enable_dhcp: given.enable_dhcp,
      ...(given.gateway_ip !== undefined ? { gateway_ip: given.gateway_ip } : {}),
    };
    const subnet = await insertSubnet(
      deps,
      tx,
      caller,
      parseBody(subnetAttributes, subnetBody, "create"),
      vpc.project_id,
    );
    const router = await selectRouter(tx.db, vpc.router_id);
    if (router === undefined) throw new RouterNotFound(vpc.router_id);
    await addSubnetInterface(deps, tx, caller, router, subnet.id);
    return { ...subnet, vpc_id: vpc.id, availability_zone: zone };
  });
}
