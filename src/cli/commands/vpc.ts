import { parseArgs } from "node:util";
import type { Bandwidth } from "../../network/bandwidths/bandwidths.ts";
import type { DnatRule } from "../../network/nat/dnat-rules.ts";
import type { NatGateway } from "../../network/nat/gateways.ts";
import type { SnatRule } from "../../network/nat/snat-rules.ts";
import type { Peering } from "../../network/peering/peerings.ts";
import type { RouteTable } from "../../network/vpc/route-tables.ts";
import type { Vpc } from "../../network/vpc/vpcs.ts";
import { ApiError, networkCall, openSession, UsageError, type Session } from "../openstack-session.ts";

export const VPC_USAGE = `Usage: stratus vpc show <vpc name or id> [--json]
Prints a VPC as a tree: its CIDRs and zones, router, subnets by availability zone with the route
table, network ACL and hosts of each, route tables, network ACLs, peerings, NAT gateways with
their SNAT and DNAT rules, floating IPs and the bandwidths that meter them. --json prints the
gathered API answers. Reads OS_* variables (source data/admin-openrc.sh). Exits 0, 1 on an API
error, 2 on a usage error.
`;

interface SubnetInfo {
  id: string;
  name: string;
  cidr: string;
  network_id: string;
}
interface FirewallGroup {
  id: string;
  name: string;
  ports: string[];
  ingress_firewall_policy_id: string | null;
  egress_firewall_policy_id: string | null;
}
interface FloatingIp {
  id: string;
  floating_ip_address: string;
  fixed_ip_address: string | null;
  port_id: string | null;
}

/** What `vpc show` gathers: the VPC and what hangs off its router. */
export interface VpcTree {
  vpc: Vpc;
  /** Each subnet with its zone, its router interface and the hosts its ports are bound to. */
  subnets: Array<SubnetInfo & { zone: string; interface_port: string; hosts: string[] }>;
  route_tables: RouteTable[];
  firewall_groups: FirewallGroup[];
  floating_ips: FloatingIp[];
  peerings: Peering[];
  nat_gateways: Array<NatGateway & { snat_rules: SnatRule[]; dnat_rules: DnatRule[] }>;
  /** The bandwidths metering the VPC's floating IPs. */
  bandwidths: Bandwidth[];
}

/** `stratus vpc show <vpc>`. Returns the exit code. */
export async function vpc(argv: string[]): Promise<number> {
  let target: { name: string; json: boolean };
  try {
    target = parseCommand(argv);
  } catch (error) {
    process.stderr.write(`stratus vpc: ${(error as Error).message}\n\n${VPC_USAGE}`);
    return 2;
  }
  try {
    const tree = await gather(await openSession(), target.name);
    process.stdout.write(target.json ? `${JSON.stringify(tree, null, 2)}\n` : render(tree));
    return 0;
  } catch (error) {
    process.stderr.write(`stratus vpc: ${(error as Error).message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

function parseCommand(argv: string[]): { name: string; json: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: "boolean" } },
    allowPositionals: true,
  });
  const [command, name, ...extra] = positionals;
  if (command !== "show") throw new UsageError(`unknown subcommand '${command ?? ""}'`);
  if (name === undefined || extra.length > 0) throw new UsageError("name exactly one VPC");
  return { name, json: values.json === true };
}

async function gather(session: Session, nameOrId: string): Promise<VpcTree> {
  const get = <T>(path: string) => networkCall<T>(session, "GET", path);
  const found = await get<{ vpcs: Vpc[] }>(`/v2.0/vpcs?name=${encodeURIComponent(nameOrId)}`);
  const vpc =
    found.vpcs[0] ??
    (await get<{ vpc: Vpc }>(`/v2.0/vpcs/${encodeURIComponent(nameOrId)}`).catch(() => undefined))?.vpc;
  if (vpc === undefined) throw new ApiError(`no VPC named ${nameOrId}`);
  const router = encodeURIComponent(vpc.router_id);
  const [legs, tables, groups, fips, networks, peerings, gateways, bandwidths] = await Promise.all([
    get<{ ports: Array<{ id: string; fixed_ips: Array<{ subnet_id: string }> }> }>(
      `/v2.0/ports?device_id=${router}&device_owner=network:router_interface`,
    ),
    get<{ route_tables: RouteTable[] }>(`/v2.0/route-tables?vpc_id=${encodeURIComponent(vpc.id)}`),
    get<{ firewall_groups: FirewallGroup[] }>("/v2.0/fwaas/firewall_groups"),
    get<{ floatingips: FloatingIp[] }>(`/v2.0/floatingips?router_id=${router}`),
    get<{ networks: Array<{ id: string; availability_zone_hints: string[] }> }>("/v2.0/networks"),
    get<{ peerings: Peering[] }>(`/v2.0/vpc/peerings?vpc_id=${encodeURIComponent(vpc.id)}`),
    get<{ nat_gateways: NatGateway[] }>(`/v2.0/nat-gateways?router_id=${router}`),
    get<{ bandwidths: Bandwidth[] }>("/v2.0/bandwidths"),
  ]);
  const legOf = new Map(legs.ports.flatMap((port) => port.fixed_ips.map((ip) => [ip.subnet_id, port.id])));
  const ids = [...legOf.keys()].map((id) => `id=${encodeURIComponent(id)}`).join("&");
  const subnets = ids === "" ? [] : (await get<{ subnets: SubnetInfo[] }>(`/v2.0/subnets?${ids}`)).subnets;
  const zoneOf = new Map(networks.networks.map((n) => [n.id, n.availability_zone_hints[0] ?? "-"]));
  const hostsOf = await hostsBySubnet(session, subnets);
  const legIds = new Set(legOf.values());
  return {
    vpc,
    subnets: subnets.map((s) => ({
      ...s,
      zone: zoneOf.get(s.network_id) ?? "-",
      interface_port: legOf.get(s.id) ?? "",
      hosts: hostsOf.get(s.id) ?? [],
    })),
    route_tables: tables.route_tables,
    firewall_groups: groups.firewall_groups.filter((g) => g.ports.some((port) => legIds.has(port))),
    floating_ips: fips.floatingips,
    peerings: peerings.peerings,
    nat_gateways: await Promise.all(gateways.nat_gateways.map((gateway) => withRules(session, gateway))),
    bandwidths: bandwidths.bandwidths.filter((b) =>
      b.publicip_info.some((ip) => fips.floatingips.some((fip) => fip.id === ip.publicip_id)),
    ),
  };
}

async function withRules(session: Session, gateway: NatGateway) {
  const query = `nat_gateway_id=${encodeURIComponent(gateway.id)}`;
  const [snat, dnat] = await Promise.all([
    networkCall<{ snat_rules: SnatRule[] }>(session, "GET", `/v2.0/snat-rules?${query}`),
    networkCall<{ dnat_rules: DnatRule[] }>(session, "GET", `/v2.0/dnat-rules?${query}`),
  ]);
  return { ...gateway, snat_rules: snat.snat_rules, dnat_rules: dnat.dnat_rules };
}

/** The hosts (binding:host_id) of each subnet's ports: where the subnet really runs. */
async function hostsBySubnet(session: Session, subnets: SubnetInfo[]): Promise<Map<string, string[]>> {
  const hosts = new Map<string, Set<string>>();
  if (subnets.length === 0) return new Map();
  const query = [...new Set(subnets.map((s) => `network_id=${encodeURIComponent(s.network_id)}`))].join("&");
  const { ports } = await networkCall<{
    ports: Array<{ "binding:host_id"?: string; fixed_ips: Array<{ subnet_id: string }> }>;
  }>(session, "GET", `/v2.0/ports?${query}`);
  for (const port of ports) {
    const host = port["binding:host_id"] ?? "";
    if (host === "") continue;
    for (const ip of port.fixed_ips)
      hosts.set(ip.subnet_id, (hosts.get(ip.subnet_id) ?? new Set()).add(host));
  }
  return new Map([...hosts].map(([subnet, names]) => [subnet, [...names].sort()]));
}

/** The tree a person reads. */
export function render(tree: VpcTree): string {
  const { vpc } = tree;
  const lines = [
    `VPC ${vpc.name} (${vpc.id}) ${vpc.status}`,
    `  CIDRs: ${vpc.cidrs.map((cidr, i) => (i === 0 ? `${cidr} (primary)` : cidr)).join(", ")}`,
    `  Zones: ${vpc.availability_zones.join(", ") || "-"}`,
    `  Router: ${vpc.router_id}   Security group: ${vpc.security_group_id}`,
    "  Subnets:",
  ];
  const tableOf = (subnet: string) =>
    tree.route_tables.find((t) => t.subnets.includes(subnet)) ?? tree.route_tables.find((t) => t.main);
  for (const zone of [...new Set(tree.subnets.map((s) => s.zone))].sort()) {
    lines.push(`    zone ${zone}:`);
    for (const subnet of tree.subnets.filter((s) => s.zone === zone)) {
      const acl = tree.firewall_groups.find((g) => g.ports.includes(subnet.interface_port));
      lines.push(
        `      ${subnet.name || subnet.id} ${subnet.cidr}  route table ${tableOf(subnet.id)?.name ?? "-"}` +
          (acl === undefined ? "" : `  network ACL ${acl.name || acl.id}`) +
          (subnet.hosts.length === 0 ? "" : `  hosts ${subnet.hosts.join(", ")}`),
      );
    }
  }
  lines.push("  Route tables:");
  for (const table of tree.route_tables) {
    lines.push(`    ${table.name || table.id}${table.main ? " [main]" : ""} (${table.id})`);
    for (const route of table.routes)
      lines.push(
        `      ${route.destination} -> ${route.nexthop_type}${route.nexthop === null ? "" : ` ${route.nexthop}`}`,
      );
  }
  lines.push("  Network ACLs:");
  for (const group of tree.firewall_groups)
    lines.push(
      `    ${group.name || group.id}: ingress policy ${group.ingress_firewall_policy_id ?? "-"}, egress policy ${group.egress_firewall_policy_id ?? "-"}`,
    );
  lines.push("  Peerings:");
  for (const peering of tree.peerings) {
    const [, peer] = peerSide(peering, vpc.id);
    lines.push(
      `    ${peering.name || peering.id} ${peering.status} <-> VPC ${peer.vpc_id} (project ${peer.tenant_id})`,
    );
  }
  lines.push("  NAT gateways:", ...natLines(tree));
  lines.push("  Floating IPs:");
  for (const fip of tree.floating_ips) {
    const metered = tree.bandwidths.find((b) => b.publicip_info.some((ip) => ip.publicip_id === fip.id));
    lines.push(
      `    ${fip.floating_ip_address} -> ${fip.fixed_ip_address ?? "(not associated)"}` +
        (metered === undefined ? "" : `  bandwidth ${metered.name || metered.id}`),
    );
  }
  lines.push("  Bandwidths:");
  for (const bandwidth of tree.bandwidths) {
    const kind = bandwidth.share_type === "WHOLE" ? "shared" : "dedicated";
    const addresses = bandwidth.publicip_info.map((ip) => ip.publicip_address).join(", ");
    lines.push(`    ${bandwidth.name || bandwidth.id} ${bandwidth.size} Mbit/s ${kind}: ${addresses}`);
  }
  return `${lines.join("\n")}\n`;
}

/** This VPC's side of a peering first, the other VPC's second. */
function peerSide(peering: Peering, vpcId: string) {
  const { request_vpc_info: request, accept_vpc_info: accept } = peering;
  return request.vpc_id === vpcId ? ([request, accept] as const) : ([accept, request] as const);
}

function natLines(tree: VpcTree): string[] {
  const lines: string[] = [];
  for (const gateway of tree.nat_gateways) {
    lines.push(`    ${gateway.name || gateway.id} (${gateway.id}) spec ${gateway.spec} ${gateway.status}`);
    for (const rule of gateway.snat_rules) {
      const source = rule.cidr ?? `network ${rule.network_id ?? "-"}`;
      const target = rule.floating_ip_address ?? `service network ${rule.service_network_id ?? "-"}`;
      lines.push(`      SNAT ${source} -> ${target}`);
    }
    for (const rule of gateway.dnat_rules) {
      const ports = rule.protocol === "any" ? "" : `:${rule.external_service_port}`;
      const inner = rule.protocol === "any" ? "" : `:${rule.internal_service_port}`;
      lines.push(
        `      DNAT ${rule.protocol} ${rule.floating_ip_address ?? "-"}${ports} -> ${rule.private_ip ?? rule.port_id ?? "-"}${inner}`,
      );
    }
  }
  return lines;
}
