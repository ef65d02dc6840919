import { parseCidrLoose } from "../../lib/ip.ts";
import { transitAddresses } from "../../network/peering/transit.ts";
import type { RouterPolicy } from "../model.ts";
import type { NetworkState, VpcInput, VpcPeeringInput } from "./input.ts";
import { byId, ownerOf, problem, sortedUnique, type Context } from "./context.ts";

/**
 * ACTIVE VPC peerings: a hidden transit switch ls-peering-<id> with one router port on each VPC's
 * router (link-local addresses from the peering's transit /30), and on each side a guard that
 * keeps the peering non-transitive: traffic from the peer VPC's CIDRs may reach only this VPC's
 * own CIDRs (local); anything else it asks of this router (another peering, the gateway) drops.
 * Route tables send traffic over a peering with "peering" routes (see peeringHop).
 */
export function compilePeerings(ctx: Context, state: NetworkState): void {
  const vpcs = byId(state.vpcs ?? []);
  for (const peering of byId(state.vpc_peerings ?? []).values()) {
    if (peering.status !== "ACTIVE") continue;
    const owner = ownerOf("vpc_peering", peering);
    const sides = [vpcs.get(peering.request_vpc_id), vpcs.get(peering.accept_vpc_id)];
    const [request, accept] = sides;
    if (request === undefined || accept === undefined) {
      problem(ctx, owner, `a VPC of the peering does not exist`);
      continue;
    }
    const lost = sides.find((vpc) => vpc !== undefined && !ctx.routers.has(vpc.router_id));
    if (lost !== undefined) problem(ctx, owner, `router ${lost.router_id} of VPC ${lost.id} does not exist`);
    else if (parseCidrLoose(peering.transit_cidr) === undefined)
      problem(ctx, owner, `transit CIDR ${peering.transit_cidr} is not a CIDR`);
    else {
      addTransit(ctx, peering, request, accept);
      addGuard(ctx, peering, request, accept);
      addGuard(ctx, peering, accept, request);
    }
  }
}

const transitSwitch = (peering: VpcPeeringInput) => `ls-peering-${peering.id}`;
export const transitPort = (peeringId: string, vpcId: string) => `lrp-peering-${peeringId}-${vpcId}`;

function addTransit(ctx: Context, peering: VpcPeeringInput, request: VpcInput, accept: VpcInput): void {
  const owner = ownerOf("vpc_peering", peering);
  const name = transitSwitch(peering);
  ctx.model.logical_switches[name] = {
    name,
    owner,
    network_id: peering.id,
    project_id: peering.project_id,
    segment: { network_type: "geneve", physical_network: null, segmentation_id: null },
    mtu: 1442,
    external: false,
    enabled: true,
    subnets: [{ subnet_id: `peering-${peering.id}`, cidr: peering.transit_cidr, gateway_ip: null }],
  };
  const addresses = transitAddresses(peering.transit_cidr);
  const prefix = peering.transit_cidr.split("/")[1] ?? "30";
  for (const [vpc, ip] of [
    [request, addresses.request],
    [accept, addresses.accept],
  ] as const) {
    const lsp = `peering-${peering.id}-${vpc.id}`;
    const lrp = transitPort(peering.id, vpc.id);
    const mac = macOf(lsp);
    ctx.model.logical_switch_ports[lsp] = {
      name: lsp,
      owner,
      switch: name,
      type: "router",
      project_id: vpc.project_id,
      addresses: [{ mac, ips: [ip] }],
      port_security: [],
      enabled: true,
      router_port: lrp,
      host: "",
      device_owner: "network:vpc_peering",
      device_id: peering.id,
      port_groups: [],
    };
    ctx.model.logical_router_ports[lrp] = {
      name: lrp,
      owner,
      router: `lr-${vpc.router_id}`,
      peer: lsp,
      switch: name,
      mac,
      networks: [`${ip}/${prefix}`],
      gateway: false,
      gateway_chassis: null,
    };
  }
}

/** At `at`'s router, traffic from `from`'s CIDRs: local for `at`'s own CIDRs, dropped otherwise. */
function addGuard(ctx: Context, peering: VpcPeeringInput, at: VpcInput, from: VpcInput): void {
  const sources = sortedUnique(from.cidrs);
  const base = {
    owner: ownerOf("vpc_peering", peering),
    router: `lr-${at.router_id}`,
    route_table_id: peering.id,
    route_table_name: `no transitive routing through peering ${peering.id}`,
    source_cidrs: sources,
    nexthop: null,
    output_port: null,
    peering_id: peering.id,
  };
  const add = (row: Omit<RouterPolicy, "name">) => {
    const name = `rtp-peering-${peering.id}-${at.id}-${row.ip_prefix}`;
    ctx.model.router_policies[name] ??= { name, ...row };
  };
  for (const cidr of at.cidrs) add({ ...base, ip_prefix: cidr, action: "local" });
  const families = new Set(sources.map((cidr) => parseCidrLoose(cidr)?.version));
  const reason = `no transitive routing through peering ${peering.id}: traffic from VPC ${from.id} may only reach the CIDRs of VPC ${at.id} (${at.cidrs.join(", ")})`;
  if (families.has(4)) add({ ...base, ip_prefix: "0.0.0.0/0", action: "drop", reason });
  if (families.has(6)) add({ ...base, ip_prefix: "::/0", action: "drop", reason });
}

/**
 * A route table's "peering" route from `vpc`: rerouted to the peer router's transit address when
 * the peering is ACTIVE, dropped (inert, with the reason) otherwise; a string is a problem.
 */
export function peeringHop(
  state: NetworkState,
  vpc: VpcInput,
  peeringId: string,
): Pick<RouterPolicy, "action" | "nexthop" | "output_port" | "peering_id" | "reason"> | string {
  const peering = (state.vpc_peerings ?? []).find((p) => p.id === peeringId);
  if (peering === undefined) return `next hop VPC peering ${peeringId} does not exist`;
  const side =
    peering.request_vpc_id === vpc.id ? "request" : peering.accept_vpc_id === vpc.id ? "accept" : null;
  if (side === null) return `next hop VPC peering ${peeringId} is not a peering of VPC ${vpc.id}`;
  if (peering.status !== "ACTIVE")
    return {
      action: "drop",
      nexthop: null,
      output_port: null,
      peering_id: peering.id,
      reason: `VPC peering ${peering.id} is ${peering.status}, not ACTIVE: routes through it are inert`,
    };
  const addresses = transitAddresses(peering.transit_cidr);
  return {
    action: "reroute",
    nexthop: side === "request" ? addresses.accept : addresses.request,
    output_port: transitPort(peering.id, vpc.id),
    peering_id: peering.id,
  };
}

/** A stable locally administered MAC from the port's name (OpenStack's fa:16:3e prefix). */
function macOf(name: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  const bytes = [hash >>> 16, hash >>> 8, hash].map((b) => (b & 0xff).toString(16).padStart(2, "0"));
  return `fa:16:3e:${bytes.join(":")}`;
}
