import { DEVICE_OWNER } from "../../network/device-owners.ts";
import { emptyModel, type Model } from "../model.ts";
import { AddressCounts } from "./address-counts.ts";
import { setRow, type Touched } from "./touched.ts";
import { byId, compareText, pushTo } from "./context.ts";
import { compareProblems, compile } from "./index.ts";
import type { NetworkInput, NetworkState, PortInput, SecurityGroupInput, SubnetInput } from "./input.ts";

export type { Touched };

/** The ports whose rows reach beyond their own switch port: a change to them needs a full compile. */
const BEYOND_PORT = new Set<string>([
  DEVICE_OWNER.routerInterface,
  DEVICE_OWNER.routerGateway,
  DEVICE_OWNER.floatingIp,
]);

interface Lookups {
  networks: Map<string, NetworkInput>;
  subnets: Map<string, SubnetInput[]>;
  groups: Map<string, SecurityGroupInput>;
  /** Ports that floating IPs, port forwardings, router gateways, route tables or firewall groups name. */
  referenced: Set<string>;
}

/**
 * A full compile's result, kept so that a change to ordinary ports (VMs, DHCP, unbound ports) is
 * compiled alone: each changed port is compiled on a one-port slice of the state by the same
 * compiler, and only what a port contributes to shared rows (its security groups' port groups and
 * address sets) is merged by hand. Anything else answers undefined: the caller compiles in full.
 * The model is patched in place, rows are replaced and never mutated (drivers keep the objects).
 */
export class CompiledNetwork {
  private lookups: Lookups | undefined;
  private readonly addresses: AddressCounts;

  constructor(
    private readonly state: NetworkState,
    readonly model: Model,
  ) {
    this.addresses = new AddressCounts(model);
  }

  /** Compiles `changed` ports into the model and removes `gone` ones; undefined if it cannot alone. */
  patchPorts(changed: readonly PortInput[], gone: readonly string[]): Touched | undefined {
    const lookups = (this.lookups ??= indexState(this.state));
    const ids = [...changed.map((port) => port.id), ...gone];
    if (ids.some((id) => !this.isOrdinary(lookups, id))) return undefined;
    if (changed.some((port) => BEYOND_PORT.has(port.device_owner) || !knowsAll(lookups, port)))
      return undefined;
    const touched: Touched = new Map();
    for (const port of changed) this.replace(port.id, this.compileAlone(lookups, port), touched);
    for (const id of gone) this.replace(id, emptyModel(), touched);
    return touched;
  }

  /** A port whose current rows are its own: not a router leg, floating IP port or NAT target. */
  private isOrdinary(lookups: Lookups, id: string): boolean {
    const row = this.model.logical_switch_ports[id];
    return !lookups.referenced.has(id) && (row === undefined || !BEYOND_PORT.has(row.device_owner));
  }

  /** The port compiled on a slice holding its network, subnets and groups (and nothing else). */
  private compileAlone(lookups: Lookups, port: PortInput): Model {
    const network = lookups.networks.get(port.network_id);
    const slice: NetworkState = {
      networks: network === undefined ? [] : [network],
      subnets: lookups.subnets.get(port.network_id) ?? [],
      ports: [port],
      routers: [],
      floating_ips: [],
      port_forwardings: [],
      security_groups: port.security_groups.flatMap((id) => lookups.groups.get(id) ?? []),
      security_group_rules: [],
      ...(this.state.qos_policies === undefined ? {} : { qos_policies: this.state.qos_policies }),
      ...(this.state.topology === undefined ? {} : { topology: this.state.topology }),
    };
    return compile(slice);
  }

  /** Swaps the port's rows, memberships and problems for those in `part`. */
  private replace(id: string, part: Model, touched: Touched): void {
    const before = this.model.logical_switch_ports[id];
    const after = part.logical_switch_ports[id];
    this.addresses.leave(before, touched);
    setRow(this.model, "logical_switch_ports", id, after, touched);
    for (const direction of ["ingress", "egress"]) {
      const name = `qos-${id}-${direction}`;
      setRow(this.model, "qos", name, part.qos[name], touched);
    }
    this.addresses.join(after, touched);
    const others = this.model.problems.filter((p) => !(p.owner.type === "port" && p.owner.id === id));
    const own = part.problems.filter((p) => p.owner.type === "port" && p.owner.id === id);
    if (own.length > 0 || others.length !== this.model.problems.length)
      this.model.problems = [...others, ...own].sort(compareProblems);
  }
}

/** A port naming a network or group the last full compile did not see: let a full one decide. */
function knowsAll(lookups: Lookups, port: PortInput): boolean {
  return lookups.networks.has(port.network_id) && port.security_groups.every((id) => lookups.groups.has(id));
}

function indexState(state: NetworkState): Lookups {
  const subnets = new Map<string, SubnetInput[]>();
  for (const subnet of [...state.subnets].sort((a, b) => compareText(a.id, b.id)))
    pushTo(subnets, subnet.network_id, subnet);
  const referenced = new Set<string>();
  for (const fip of state.floating_ips) {
    referenced.add(fip.floating_port_id);
    if (fip.port_id !== null) referenced.add(fip.port_id);
  }
  for (const forwarding of state.port_forwardings) referenced.add(forwarding.internal_port_id);
  for (const router of state.routers) if (router.gw_port_id !== null) referenced.add(router.gw_port_id);
  for (const table of state.route_tables ?? [])
    for (const route of table.routes) if (route.nexthop !== null) referenced.add(route.nexthop);
  for (const group of state.firewall_groups ?? []) for (const port of group.ports) referenced.add(port);
  return {
    networks: byId(state.networks),
    subnets,
    groups: byId(state.security_groups),
    referenced,
  };
}
