import { formatIp, parseIp } from "../../lib/ip.ts";
import type { Nat, Owner } from "../model.ts";
import type { FloatingIpInput, NetworkState, PortForwardingInput, RouterInput } from "./input.ts";
import { byId, ownerOf, problem, pushTo, type Context } from "./context.ts";

type NatFields = Omit<Nat, "name" | "owner" | "router" | "type">;
const NO_PORTS = { protocol: null, external_port: null, internal_port: null } as const;

export function compileNats(ctx: Context, state: NetworkState): void {
  for (const router of ctx.routers.values()) addSnats(ctx, router);
  const fips = byId(state.floating_ips);
  for (const fip of fips.values()) addFloatingIp(ctx, fip);
  const forwardings = [...byId(state.port_forwardings).values()];
  if (forwardings.length === 0) return;
  const routersBySubnet = interfaceRoutersBySubnet(ctx);
  for (const pf of forwardings) addPortForwarding(ctx, fips, routersBySubnet, pf);
}

function addNat(
  ctx: Context,
  name: string,
  owner: Owner,
  router: string,
  type: Nat["type"],
  fields: NatFields,
) {
  ctx.model.nats[name] = { name, owner, router: `lr-${router}`, type, ...fields };
}

/** enable_snat: each IPv4 interface subnet leaves through the gateway's first IPv4 address. */
function addSnats(ctx: Context, router: RouterInput): void {
  const gateway = ctx.gateways.get(router.id);
  if (!router.enable_snat || gateway === undefined) return;
  const external = (ctx.fixedIps.get(gateway.id) ?? []).find((ip) => ip.version === 4);
  if (external === undefined) return;
  for (const port of ctx.interfaces.get(router.id) ?? []) {
    for (const ip of ctx.fixedIps.get(port.id) ?? []) {
      if (ip.version !== 4) continue;
      addNat(ctx, `snat-${router.id}-${ip.subnet.cidrText}`, ownerOf("router", router), router.id, "snat", {
        external_ip: external.ip,
        logical_ip: ip.subnet.cidrText,
        logical_port: null,
        ...NO_PORTS,
      });
    }
  }
}

/** Why a router cannot carry a floating IP's NAT, or undefined when it can. */
function routerProblem(ctx: Context, routerId: string): string | undefined {
  if (!ctx.routers.has(routerId)) return `router ${routerId} does not exist`;
  if (!ctx.gateways.has(routerId)) return `router ${routerId} has no gateway on an external network`;
  return undefined;
}

/** The fixed IP as the port has it (canonical text), or undefined when the port lacks it. */
function portAddress(ctx: Context, portId: string, text: string | null, v4Only: boolean): string | undefined {
  const address = text === null ? undefined : parseIp(text);
  if (address === undefined || (v4Only && address.version !== 4)) return undefined;
  const canonical = formatIp(address);
  return ctx.fixedIps.get(portId)?.some((ip) => ip.ip === canonical) === true ? canonical : undefined;
}

function addFloatingIp(ctx: Context, fip: FloatingIpInput): void {
  if (fip.port_id === null) return;
  const owner = ownerOf("floatingip", fip);
  const report = (reason: string) => problem(ctx, owner, reason);
  if (fip.router_id === null) return report(`associated with port ${fip.port_id} but has no router`);
  if (!ctx.ports.has(fip.port_id)) return report(`port ${fip.port_id} does not exist`);
  const logical = portAddress(ctx, fip.port_id, fip.fixed_ip_address, false);
  if (logical === undefined)
    return report(
      `fixed_ip_address ${fip.fixed_ip_address ?? "null"} is not an address of port ${fip.port_id}`,
    );
  const routerIssue = routerProblem(ctx, fip.router_id);
  if (routerIssue !== undefined) return report(routerIssue);
  const external = parseIp(fip.floating_ip_address);
  if (external === undefined)
    return report(`floating_ip_address ${fip.floating_ip_address} is not an address`);
  addNat(ctx, `fip-${fip.id}`, owner, fip.router_id, "dnat_and_snat", {
    external_ip: formatIp(external),
    logical_ip: logical,
    logical_port: fip.port_id,
    ...NO_PORTS,
  });
}

/** subnet id -> routers with an interface on it (sorted, as ctx.routers is). */
function interfaceRoutersBySubnet(ctx: Context): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [routerId, ports] of ctx.interfaces)
    for (const port of ports)
      for (const ip of ctx.fixedIps.get(port.id) ?? []) pushTo(map, ip.subnet.input.id, routerId);
  for (const list of map.values()) list.sort();
  return map;
}

const validPort = (port: number) => Number.isInteger(port) && port >= 1 && port <= 65535;

function addPortForwarding(
  ctx: Context,
  fips: Map<string, FloatingIpInput>,
  routersBySubnet: Map<string, string[]>,
  pf: PortForwardingInput,
): void {
  const owner: Owner = { type: "port_forwarding", id: pf.id, revision: 0 };
  const report = (reason: string) => problem(ctx, owner, reason);
  const fip = fips.get(pf.floatingip_id);
  if (fip === undefined) return report(`floating IP ${pf.floatingip_id} does not exist`);
  if (pf.protocol !== "tcp" && pf.protocol !== "udp")
    return report(`protocol ${pf.protocol} is not tcp or udp`);
  if (!validPort(pf.external_port) || !validPort(pf.internal_port))
    return report(`ports ${pf.external_port} -> ${pf.internal_port} are not both in 1-65535`);
  if (!ctx.ports.has(pf.internal_port_id)) return report(`port ${pf.internal_port_id} does not exist`);
  const logical = portAddress(ctx, pf.internal_port_id, pf.internal_ip_address, true);
  if (logical === undefined)
    return report(`${pf.internal_ip_address} is not a fixed IPv4 address of port ${pf.internal_port_id}`);
  const routerId = fip.router_id ?? routerBetween(ctx, routersBySubnet, fip, pf.internal_port_id, logical);
  if (routerId === undefined)
    return report(`no router connects subnet of ${logical} to network ${fip.floating_network_id}`);
  const routerIssue = routerProblem(ctx, routerId);
  if (routerIssue !== undefined) return report(routerIssue);
  addNat(ctx, `pf-${pf.id}`, owner, routerId, "dnat", {
    external_ip: fip.floating_ip_address,
    logical_ip: logical,
    logical_port: pf.internal_port_id,
    protocol: pf.protocol,
    external_port: pf.external_port,
    internal_port: pf.internal_port,
  });
}

/** As Neutron picks it: a router with an interface on the address's subnet and its gateway on the floating network. */
function routerBetween(
  ctx: Context,
  routersBySubnet: Map<string, string[]>,
  fip: FloatingIpInput,
  portId: string,
  address: string,
): string | undefined {
  const subnet = ctx.fixedIps.get(portId)?.find((ip) => ip.ip === address)?.subnet;
  if (subnet === undefined) return undefined;
  return (routersBySubnet.get(subnet.input.id) ?? []).find(
    (routerId) => ctx.gateways.get(routerId)?.network_id === fip.floating_network_id,
  );
}
