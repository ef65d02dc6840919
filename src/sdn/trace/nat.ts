import { cidrContains, formatIp } from "../../lib/ip.ts";
import type { Nat } from "../model.ts";
import { addressOf, type Index, type RouterIndex } from "./index-model.ts";
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
  if (fip !== undefined) return translateDst(fip, packet, null, `floating IP ${fip.external_ip}`);
  const forwards = rows.filter((row) => row.type === "dnat");
  if (forwards.length === 0) return undefined;
  const forward = forwards.find(
    (row) =>
      row.protocol !== null &&
      protocolNumber(row.protocol, packet.dst.version) === packet.protocol &&
      row.external_port === packet.dstPort,
  );
  if (forward !== undefined)
    return translateDst(forward, packet, forward.internal_port, `port forwarding ${forward.name}`);
  const offered = forwards.map((row) => `${row.protocol}/${row.external_port}`).join(", ");
  const asked = packet.dstPort === null ? "this packet" : `port ${packet.dstPort}`;
  return {
    kind: "drop",
    detail: `no port forwarding of ${formatIp(packet.dst)} matches ${asked} (it forwards ${offered})`,
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

/** Leaving by the gateway: the source's floating IP, else the router's SNAT for its subnet. */
export function outboundNat(router: RouterIndex, packet: Packet): NatOutcome {
  const fip = router.fipsByLogical.get(ipKey(packet.src));
  const snat = fip ?? router.snats.find((entry) => cidrContains(entry.cidr, packet.src))?.row;
  if (snat === undefined) return undefined;
  const external = addressOf(snat.external_ip);
  if (external === undefined) return undefined;
  const what = snat.type === "snat" ? `SNAT of ${snat.logical_ip}` : `floating IP ${snat.external_ip}`;
  return {
    kind: "snat",
    row: snat,
    packet: { ...packet, src: external },
    detail: `${what}: source ${formatIp(packet.src)} -> ${snat.external_ip}`,
  };
}
