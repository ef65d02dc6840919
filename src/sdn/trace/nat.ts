import { cidrContains, formatIp } from "../../lib/ip.ts";
import type { Nat } from "../model.ts";
import { addressOf, type Index, type RouterIndex, type RouterPortIndex } from "./index-model.ts";
import { ipKey, protocolNumber, type Packet } from "./packet.ts";

/** undefined = no NAT applies; snat/dnat = which side of the packet was translated. */
export type NatOutcome =
  | { kind: "snat" | "dnat"; row: Nat; packet: Packet; detail: string }
  | { kind: "drop"; detail: string }
  | undefined;

/** NAT rows of this router whose external address is the packet's destination (no SNAT rows). */
export function inboundRows(index: Index, routerName: string, packet: Packet): Nat[] {
  const rows = index.natsByExternal.get(ipKey(packet.dst)) ?? [];
  return rows.filter((row) => row.router === routerName && row.type !== "snat");
}

/** Arriving by the gateway: a floating IP translates to its port; a port forwarding only for its protocol and port. */
export function inboundNat(index: Index, router: RouterIndex, packet: Packet): NatOutcome {
  const rows = inboundRows(index, router.row.name, packet);
  const fip = rows.find((row) => row.type === "dnat_and_snat");
  if (fip !== undefined) return translateDst(fip, packet, null, natName(fip));
  const forwards = rows.filter((row) => row.type === "dnat");
  if (forwards.length === 0) return undefined;
  const forward = forwards.find(
    (row) =>
      row.protocol !== null &&
      protocolNumber(row.protocol, packet.dst.version) === packet.protocol &&
      row.external_port === packet.dstPort,
  );
  if (forward !== undefined) return translateDst(forward, packet, forward.internal_port, natName(forward));
  const offered = forwards.map((row) => `${row.protocol}/${row.external_port}`).join(", ");
  const asked = packet.dstPort === null ? "this packet" : `port ${packet.dstPort}`;
  const what = forwards.some((row) => row.owner.type === "dnat_rule") ? "DNAT rule" : "port forwarding";
  return {
    kind: "drop",
    detail: `no ${what} of ${formatIp(packet.dst)} matches ${asked} (it forwards ${offered})`,
  };
}

function translateDst(row: Nat, packet: Packet, port: number | null, what: string): NatOutcome {
  const logical = addressOf(row.logical_ip);
  if (logical === undefined) return { kind: "drop", detail: `${what} has no valid internal address` };
  const dstPort = port ?? packet.dstPort;
  const to = port === null ? row.logical_ip : `${row.logical_ip}:${port}`;
  return {
    kind: "dnat",
    row,
    packet: { ...packet, dst: logical, dstPort },
    detail: `DNAT by ${what}: destination ${row.external_ip} -> ${to}${row.logical_port === null ? "" : ` (port ${row.logical_port})`}`,
  };
}

/** What the hops call a NAT row: the NAT gateway rule, floating IP or port forwarding it came from. */
function natName(row: Nat): string {
  if (row.owner.type === "snat_rule") return `SNAT rule ${row.owner.id} of ${row.logical_ip}`;
  if (row.owner.type === "dnat_rule") return `DNAT rule ${row.owner.id}`;
  if (row.type === "snat") return `SNAT of ${row.logical_ip}`;
  return row.type === "dnat" ? `port forwarding ${row.name}` : `floating IP ${row.external_ip}`;
}

/** A NAT gateway's leg on a service network (its other gateway ports are the router's own). */
const isServiceLeg = (lrp: RouterPortIndex) => lrp.row.owner.type === "nat_gateway";
const holds = (lrp: RouterPortIndex, ip: string) => {
  const address = addressOf(ip);
  return address !== undefined && lrp.networks.some((network) => cidrContains(network.cidr, address));
};

/**
 * Leaving by a gateway port: the source's floating IP, else the SNAT row for its subnet (a NAT
 * gateway's rule wins over the router's own: compile drops the latter). A service leg translates
 * only by rows to its own address, and refuses sources no rule names; the external gateway by
 * the other rows.
 */
export function outboundNat(router: RouterIndex, packet: Packet, out?: RouterPortIndex): NatOutcome {
  const legs = router.ports.filter(isServiceLeg);
  const applies = (row: Nat) =>
    out === undefined || legs.length === 0
      ? true
      : isServiceLeg(out)
        ? holds(out, row.external_ip)
        : !legs.some((leg) => holds(leg, row.external_ip));
  const fip = router.fipsByLogical.get(ipKey(packet.src));
  const snat =
    (fip !== undefined && applies(fip) ? fip : undefined) ??
    router.snats.find((entry) => applies(entry.row) && cidrContains(entry.cidr, packet.src))?.row;
  if (snat === undefined && out !== undefined && isServiceLeg(out))
    return {
      kind: "drop",
      detail: `no SNAT rule of NAT gateway ${out.row.owner.id} lets ${formatIp(packet.src)} reach service network ${out.row.switch.replace(/^ls-/, "")}`,
    };
  if (snat === undefined) return undefined;
  const external = addressOf(snat.external_ip);
  if (external === undefined) return undefined;
  const what = natName(snat);
  return {
    kind: "snat",
    row: snat,
    packet: { ...packet, src: external },
    detail: `${what}: source ${formatIp(packet.src)} -> ${snat.external_ip}`,
  };
}
