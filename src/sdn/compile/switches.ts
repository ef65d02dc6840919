import type { LogicalSwitchPort } from "../model.ts";
import type { NetworkInput, PortInput } from "./input.ts";
import { compareText, hasPortSecurity, ownerOf, type Context } from "./context.ts";

/** Network types that reach a physical network through a localnet port. */
const PROVIDER_TYPES = new Set(["flat", "vlan"]);

export function compileSwitches(ctx: Context): void {
  for (const network of ctx.networks.values()) {
    const subnets = [...(ctx.subnetsByNetwork.get(network.id) ?? [])]
      .sort((a, b) => compareText(a.input.id, b.input.id))
      .map((s) => ({ subnet_id: s.input.id, cidr: s.cidrText, gateway_ip: s.input.gateway_ip }));
    const name = `ls-${network.id}`;
    ctx.model.logical_switches[name] = {
      name,
      owner: ownerOf("network", network),
      network_id: network.id,
      project_id: network.project_id,
      segment: {
        network_type: network.network_type,
        physical_network: network.physical_network,
        segmentation_id: network.segmentation_id,
      },
      mtu: network.mtu,
      external: network.external,
      enabled: network.admin_state_up,
      subnets,
    };
    if (PROVIDER_TYPES.has(network.network_type)) addLocalnetPort(ctx, network);
  }
  for (const port of ctx.ports.values()) addSwitchPort(ctx, port);
}

function addLocalnetPort(ctx: Context, network: NetworkInput): void {
  const name = `provnet-${network.id}`;
  ctx.model.logical_switch_ports[name] = {
    name,
    owner: ownerOf("network", network),
    switch: `ls-${network.id}`,
    type: "localnet",
    project_id: network.project_id,
    addresses: [],
    port_security: [],
    enabled: network.admin_state_up,
    router_port: null,
    host: "",
    device_owner: "",
    device_id: "",
    port_groups: [],
  };
}

function addSwitchPort(ctx: Context, port: PortInput): void {
  const ips = (ctx.fixedIps.get(port.id) ?? []).map((ip) => ip.ip);
  const secured = hasPortSecurity(port);
  const isLeg = ctx.legs.has(port.id);
  const row: LogicalSwitchPort = {
    name: port.id,
    owner: ownerOf("port", port),
    switch: `ls-${port.network_id}`,
    type: isLeg ? "router" : "",
    project_id: port.project_id,
    addresses: [{ mac: port.mac_address, ips }],
    port_security: secured ? portSecurity(ctx, port, ips) : [],
    enabled: port.admin_state_up,
    router_port: isLeg ? `lrp-${port.id}` : null,
    host: port.binding_host_id,
    device_owner: port.device_owner,
    device_id: port.device_id,
    port_groups: secured ? memberGroups(ctx, port) : [],
  };
  ctx.model.logical_switch_ports[port.id] = row;
}

/** The port's own MAC/IPs, then one entry per allowed address pair (IPs may be CIDRs). */
function portSecurity(ctx: Context, port: PortInput, ips: string[]): LogicalSwitchPort["port_security"] {
  const pairs = (ctx.pairs.get(port.id) ?? []).map((pair) => ({ mac: pair.mac, ips: [pair.ip] }));
  return [{ mac: port.mac_address, ips: [...ips] }, ...pairs];
}

/** The port groups of the port's security groups that exist (a missing one is a problem, in security.ts). */
function memberGroups(ctx: Context, port: PortInput): string[] {
  const groups = new Set(port.security_groups.filter((id) => ctx.securityGroups.has(id)));
  return [...groups].sort(compareText).map((id) => `pg-${id}`);
}
