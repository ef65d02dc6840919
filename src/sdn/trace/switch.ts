import { cidrContains, formatIp, type Address } from "../../lib/ip.ts";
import { switchesWith, type RouterPortIndex, type SwitchIndex } from "./index-model.ts";
import { ipKey } from "./packet.ts";
import { firstHop, unnattedRouter } from "./routing.ts";
import { ref, sameEnd, type From, type Next, type Trail } from "./trail.ts";

// Step 4 (and arrivals from routers and the upstream): who on this switch has the destination.
export function atSwitch(t: Trail, sw: SwitchIndex, from: From): Next {
  const object = ref("logical_switches", sw.row);
  if (!sw.row.enabled)
    return t.drop(
      "admin_state",
      `network ${sw.row.network_id} (${sw.row.name}) is administratively down`,
      object,
    );
  const dst = formatIp(t.packet.dst);
  const natted = t.request === undefined ? toNatRouter(t, sw) : toConntrackRouter(t, sw);
  if (natted !== null) return natted;
  const key = ipKey(t.packet.dst);
  const owner = sw.owners.get(key);
  if (owner?.kind === "port") {
    t.add("switch", "pass", `${dst} is on ${sw.row.name}: L2 to port ${owner.port.name}`, object);
    return { at: "port", port: owner.port, note: "" };
  }
  if (owner?.kind === "router") return toRouter(t, owner.lrp, `${dst} is its address on ${sw.row.name}`);
  const claimant = sw.pairs.get(key)?.[0];
  if (claimant !== undefined) {
    t.add(
      "switch",
      "pass",
      `${dst} is on ${sw.row.name}: L2 to port ${claimant.name}, which claims it by an allowed address pair`,
      object,
    );
    return { at: "port", port: claimant, note: " (an allowed address pair)" };
  }
  if (from.kind === "router") return toNexthop(t, sw, from.nexthop);
  if (from.kind === "outside") return fromUpstream(t, sw);
  return toGateway(t, sw);
}

/** A floating IP or port forwarding address is answered by the router owning the NAT, through its gateway here. */
function toNatRouter(t: Trail, sw: SwitchIndex): Next {
  for (const nat of t.index.natsByExternal.get(ipKey(t.packet.dst)) ?? []) {
    if (nat.type === "snat") continue;
    const lrp = gatewayOn(t, nat.router, sw);
    if (lrp !== undefined) return toRouter(t, lrp, `${nat.external_ip} is its NAT address (${nat.name})`);
  }
  return null;
}

/** A reply to a source-translated request goes back to the router that translated it. */
function toConntrackRouter(t: Trail, sw: SwitchIndex): Next {
  for (const entry of t.request?.nats ?? []) {
    const lrp = t.index.routerPorts.get(entry.lrp);
    if (
      entry.kind === "snat" &&
      lrp?.row.switch === sw.row.name &&
      sameEnd(t.packet.dst, t.packet.dstPort, entry.after.src, entry.after.srcPort)
    )
      return toRouter(t, lrp, `${formatIp(t.packet.dst)} is the address it translated the request to`);
  }
  return null;
}

function gatewayOn(t: Trail, routerName: string, sw: SwitchIndex): RouterPortIndex | undefined {
  const router = t.index.routers.get(routerName);
  return router?.ports.find((lrp) => lrp.row.gateway && lrp.row.switch === sw.row.name);
}

function toRouter(t: Trail, lrp: RouterPortIndex, why: string): Next {
  const router = t.index.routers.get(lrp.row.router);
  const object = ref("logical_router_ports", lrp.row);
  if (router === undefined)
    return t.drop("router_port", `router ${lrp.row.router} of ${lrp.row.name} is not in the model`, object);
  t.add(
    "router_port",
    "pass",
    `to router ${router.row.name} by its port ${lrp.row.name}: ${why}`,
    object,
    lrp.row.owner.id,
  );
  return { at: "router", router, via: lrp };
}

function toGateway(t: Trail, sw: SwitchIndex): Next {
  const dst = formatIp(t.packet.dst);
  // An on-link address is ARPed for, not routed: nobody here has it.
  if (sw.subnets.some((subnet) => cidrContains(subnet.cidr, t.packet.dst))) {
    if (sw.physical) return external(t, sw, `${dst} is on-link there, outside the cloud`);
    return t.drop("switch", `no port on ${sw.row.name} has ${dst}`, ref("logical_switches", sw.row));
  }
  const hop = firstHop(t.index, sw, t.packet.src);
  if (hop?.kind === "router")
    return toRouter(t, hop.lrp, `${dst} is not on ${sw.row.name}; the router is the gateway`);
  if (hop?.kind === "upstream") return upstream(t, sw, formatIp(hop.gateway));
  const why =
    sw.routerPorts.length > 0
      ? `no router port on ${sw.row.name} serves ${formatIp(t.packet.src)}`
      : sw.physical
        ? "the network has no router and its subnet no gateway_ip"
        : "the network has no router";
  return t.drop(
    "switch",
    `no route: ${dst} is not on ${sw.row.name} and ${why}`,
    ref("logical_switches", sw.row),
  );
}

function fromUpstream(t: Trail, sw: SwitchIndex): Next {
  const hop = unnattedRouter(t.index, sw, t.packet.dst);
  const dst = formatIp(t.packet.dst);
  if (hop?.kind === "router") return toRouter(t, hop.lrp, `its networks (SNAT disabled) hold ${dst}`);
  return t.drop(
    "switch",
    `${dst} is not on ${sw.row.name}: no port, router address or floating IP has it, so the upstream cannot reach it`,
    ref("logical_switches", sw.row),
  );
}

function toNexthop(t: Trail, sw: SwitchIndex, nexthop: Address | null): Next {
  const object = ref("logical_switches", sw.row);
  const dst = formatIp(t.packet.dst);
  if (nexthop === null) {
    if (sw.physical) return external(t, sw, `${dst} is on-link there, outside the cloud`);
    return t.drop("switch", `no port on ${sw.row.name} has ${dst}`, object);
  }
  const hop = formatIp(nexthop);
  const owner = sw.owners.get(ipKey(nexthop));
  if (owner?.kind === "port") {
    t.add("switch", "pass", `next hop ${hop} is port ${owner.port.name} on ${sw.row.name}`, object);
    return { at: "port", port: owner.port, note: ` (the next hop ${hop}; beyond it the VM routes)` };
  }
  if (owner?.kind === "router") return toRouter(t, owner.lrp, `it is the next hop ${hop}`);
  if (sw.physical) return upstream(t, sw, hop);
  return t.drop("switch", `next hop ${hop} is not on ${sw.row.name}: no port has that address`, object);
}

/**
 * Step 7: handed to the upstream gateway. It delivers onto a provider network that has the address;
 * an address of a tenant network comes back only to a router without SNAT (the upstream is assumed
 * to route to those); anything else leaves the cloud.
 */
function upstream(t: Trail, sw: SwitchIndex, gateway: string): Next {
  const holders = switchesWith(t.index, t.packet.dst).filter((other) => other !== sw);
  const provider = holders.find((other) => other.physical);
  const dst = formatIp(t.packet.dst);
  if (provider !== undefined) {
    t.add(
      "external",
      "pass",
      `the upstream ${gateway} delivers ${dst} onto physical network ${provider.row.name}`,
      ref("logical_switches", provider.row),
    );
    return { at: "switch", sw: provider, from: { kind: "outside" } };
  }
  if (holders.length === 0) return external(t, sw, `upstream gateway ${gateway}`);
  const back = unnattedRouter(t.index, sw, t.packet.dst);
  if (back?.kind === "router")
    return toRouter(t, back.lrp, `the upstream ${gateway} routes ${dst} to its gateway (SNAT disabled)`);
  const names = holders.map((other) => other.row.name).join(", ");
  return t.drop(
    "external",
    `${dst} is an internal address (${names}) the upstream ${gateway} cannot route back into the cloud: only a floating IP, a port forwarding or a router without SNAT makes it reachable from outside`,
    ref("logical_switches", sw.row),
  );
}

function external(t: Trail, sw: SwitchIndex, via: string): Next {
  const detail = `delivered to the external network ${sw.row.network_id} (${via})`;
  return t.deliver("external", detail, ref("logical_switches", sw.row), { kind: "outside", sw });
}
