import { formatIp } from "../../lib/ip.ts";
import type { RouterIndex, RouterPortIndex } from "./index-model.ts";
import { inboundNat, outboundNat, type NatOutcome } from "./nat.ts";
import { ipKey } from "./packet.ts";
import { describeRoute, lookupRoute, outputPort } from "./routing.ts";
import { passesNetworkAcls } from "./network-acl.ts";
import { decidedBy, routeTable } from "./route-tables.ts";
import { MAX_ROUTERS, ref, sameEnd, type Next, type Trail } from "./trail.ts";

/** Step 5, a router: the TTL, its state, inbound NAT (or the reply's un-SNAT), its own addresses. */
export function atRouter(t: Trail, router: RouterIndex, via: RouterPortIndex | null): Next {
  const object = ref("logical_routers", router.row);
  if (++t.routers > MAX_ROUTERS)
    return t.drop(
      "route",
      `routing loop: more than ${MAX_ROUTERS} routers crossed (TTL expired at ${router.row.name})`,
      object,
    );
  if (via?.row.gateway === true) {
    if (!gatewayUp(t, via)) return null;
    t.meter(via.row.name, "ingress");
  } else if (via !== null && !passesNetworkAcls(t, via, "ingress")) return null;
  if (!router.row.enabled)
    return t.drop(
      "admin_state",
      `router ${router.row.router_id} (${router.row.name}) is administratively down`,
      object,
    );
  if (t.request !== undefined) undo(t, "snat", router, via);
  else if (via?.row.gateway === true && !nat(t, inboundNat(t.index, router, t.packet), router, via))
    return null;
  const own = router.own.get(ipKey(t.packet.dst));
  if (own !== undefined && !awaitsUnsnat(t, router))
    return t.deliver(
      "delivery",
      `delivered to router ${router.row.name} (its port ${own.row.name} has ${formatIp(t.packet.dst)})`,
      ref("logical_router_ports", own.row),
      { kind: "router", router },
    );
  return forward(t, router);
}

/** The route lookup, then outbound NAT when leaving by the gateway, then onto the next switch. */
function forward(t: Trail, router: RouterIndex): Next {
  const chosen = routeTable(t, router);
  if (chosen === "dropped") return null;
  const route = chosen ?? lookupRoute(router, t.packet.dst);
  if (route === undefined)
    return t.drop(
      "route",
      `no route: router ${router.row.name} has no route to ${formatIp(t.packet.dst)}`,
      ref("logical_routers", router.row),
    );
  const { routeObject, ruleId } = decidedBy(route);
  const out = outputPort(t.index, route);
  if (out === undefined)
    return t.drop(
      "route",
      `route ${route.kind === "connected" ? "" : route.row.name} has no on-link output port for its next hop`,
      routeObject,
      ruleId,
    );
  t.add("route", "pass", describeRoute(route, out, t.packet.dst), routeObject, ruleId);
  if (t.request !== undefined) undo(t, "dnat", router, out);
  else if (out.row.gateway && !nat(t, outboundNat(router, t.packet, out), router, out)) return null;
  if (out.row.gateway) {
    if (!gatewayUp(t, out)) return null;
    t.meter(out.row.name, "egress");
  } else if (!passesNetworkAcls(t, out, "egress")) return null;
  const sw = t.index.switches.get(out.row.switch);
  if (sw === undefined)
    return t.drop(
      "route",
      `switch ${out.row.switch} of ${out.row.name} is not in the model`,
      routeObject,
      ruleId,
    );
  const nexthop = route.kind === "connected" ? null : (route.nexthop ?? null);
  return { at: "switch", sw, from: { kind: "router", lrp: out, nexthop } };
}

/** Applies a NAT decision; false when it dropped the packet. */
function nat(t: Trail, outcome: NatOutcome, router: RouterIndex, lrp: RouterPortIndex): boolean {
  if (outcome === undefined) return true;
  if (outcome.kind === "drop") {
    t.add("nat", "drop", outcome.detail, ref("logical_routers", router.row));
    return false;
  }
  t.conntrack.nats.push({
    router: router.row.name,
    lrp: lrp.row.name,
    kind: outcome.kind,
    row: outcome.row,
    before: t.packet,
    after: outcome.packet,
  });
  t.packet = outcome.packet;
  t.add("nat", "translate", outcome.detail, ref("nats", outcome.row), outcome.row.owner.id);
  return true;
}

/** A reply to the router's SNAT address is for a translated source, not the router (hairpin): route it on. */
function awaitsUnsnat(t: Trail, router: RouterIndex): boolean {
  const p = t.packet;
  return (t.request?.nats ?? []).some(
    (entry) =>
      entry.kind === "snat" &&
      entry.router === router.row.name &&
      sameEnd(p.dst, p.dstPort, entry.after.src, entry.after.srcPort),
  );
}

/** The reply undoes the request's translations at the router and port where they were made. */
function undo(t: Trail, kind: "snat" | "dnat", router: RouterIndex, lrp: RouterPortIndex | null): void {
  for (const entry of t.request?.nats ?? []) {
    if (entry.kind !== kind || entry.router !== router.row.name || entry.lrp !== lrp?.row.name) continue;
    const p = t.packet;
    if (kind === "snat" && sameEnd(p.dst, p.dstPort, entry.after.src, entry.after.srcPort)) {
      t.packet = { ...p, dst: entry.before.src, dstPort: entry.before.srcPort };
      t.add(
        "nat",
        "translate",
        `reply: SNAT undone, destination ${formatIp(p.dst)} -> ${formatIp(entry.before.src)}`,
        ref("nats", entry.row),
        entry.row.owner.id,
      );
    } else if (kind === "dnat" && sameEnd(p.src, p.srcPort, entry.after.dst, entry.after.dstPort)) {
      t.packet = { ...p, src: entry.before.dst, srcPort: entry.before.dstPort };
      t.add(
        "nat",
        "translate",
        `reply: DNAT undone, source ${formatIp(p.src)} -> ${formatIp(entry.before.dst)}`,
        ref("nats", entry.row),
        entry.row.owner.id,
      );
    }
  }
}

/** A gateway port needs a gateway chassis up to carry it (none listed: the virtual data plane). */
function gatewayUp(t: Trail, lrp: RouterPortIndex): boolean {
  if (lrp.row.gateway_chassis === null || lrp.row.gateway_chassis.length > 0) return true;
  const down = [...t.index.chassis.values()].filter((c) => c.kind === "gateway");
  const why = down.map((c) => `${c.hostname}${c.reason === null ? "" : ` (${c.reason})`}`).join(", ");
  t.drop(
    "chassis",
    `gateway port ${lrp.row.name} has no gateway chassis up to carry it: ${why} down`,
    ref("logical_router_ports", lrp.row),
  );
  return false;
}
