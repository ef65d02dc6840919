import type { Nat, Qos } from "../model.ts";
import type { BandwidthInput, FloatingIpInput, NetworkState } from "./input.ts";
import { byId, compareText, ownerOf, problem, pushTo, type Context } from "./context.ts";

/**
 * Floating IP bandwidths [bandwidth] as meters on router gateways. A floating IP's traffic is what
 * the NAT rows with its address translate (its own dnat_and_snat row, port forwardings, NAT
 * gateway rules), at the gateway of each router holding such rows on the floating IP's network.
 * A bandwidth becomes one row per (router, direction) listing all those rows: for a WHOLE pool
 * that is ONE meter its floating IPs share; a PER bandwidth meters its single floating IP. Both
 * directions get size * 1000 kbit/s.
 */

type Direction = Qos["direction"];
/** A floating IP's own QoS policy limit in a direction (kbit/s), when it has one. */
export type PolicyLimit = (fipId: string, direction: Direction) => number | undefined;

/** The PER bandwidth of each floating IP, in kbit/s: its own QoS policy applies only when lower. */
export function dedicatedKbps(state: NetworkState): Map<string, number> {
  const out = new Map<string, number>();
  for (const bandwidth of state.bandwidths ?? [])
    if (bandwidth.share_type === "PER")
      for (const id of bandwidth.floatingip_ids) out.set(id, bandwidth.size * 1000);
  return out;
}

export function compileBandwidths(ctx: Context, state: NetworkState, policyLimit: PolicyLimit): void {
  const bandwidths = state.bandwidths ?? [];
  if (bandwidths.length === 0) return;
  const fips = byId(state.floating_ips);
  const natsByIp = new Map<string, Nat[]>();
  for (const nat of Object.values(ctx.model.nats)) pushTo(natsByIp, nat.external_ip, nat);
  for (const bandwidth of bandwidths) {
    const owner = ownerOf("bandwidth", bandwidth);
    const members: FloatingIpInput[] = [];
    for (const id of bandwidth.floatingip_ids) {
      const fip = fips.get(id);
      if (fip === undefined) problem(ctx, owner, `floating IP ${id} does not exist`);
      else members.push(fip);
    }
    for (const [routerId, nats] of natsPerRouter(ctx, members, natsByIp))
      addMeters(ctx, bandwidth, routerId, nats, (direction) =>
        // A PER bandwidth steps aside where the floating IP's own policy is stricter.
        bandwidth.share_type === "PER"
          ? (policyLimit(bandwidth.floatingip_ids[0] ?? "", direction) ?? Infinity) >= bandwidth.size * 1000
          : true,
      );
  }
}

/** The NAT rows translating the floating IPs' addresses, by the router whose gateway holds them. */
function natsPerRouter(
  ctx: Context,
  fips: readonly FloatingIpInput[],
  natsByIp: ReadonlyMap<string, Nat[]>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const fip of fips) {
    for (const nat of natsByIp.get(fip.floating_ip_address) ?? []) {
      const routerId = nat.router.replace(/^lr-/, "");
      // The same address on another external network is another address.
      if (ctx.gateways.get(routerId)?.network_id === fip.floating_network_id) pushTo(out, routerId, nat.name);
    }
  }
  return out;
}

function addMeters(
  ctx: Context,
  bandwidth: BandwidthInput,
  routerId: string,
  nats: readonly string[],
  applies: (direction: Direction) => boolean,
): void {
  const gateway = ctx.gateways.get(routerId);
  if (gateway === undefined) return;
  for (const direction of ["egress", "ingress"] as const) {
    if (!applies(direction)) continue;
    const name = `qos-bw-${bandwidth.id}-${routerId}-${direction}`;
    ctx.model.qos[name] = {
      name,
      owner: ownerOf("bandwidth", bandwidth),
      port: `lrp-${gateway.id}`,
      direction,
      nats: [...new Set(nats)].sort(compareText),
      qos_policy_id: null,
      bandwidth: { id: bandwidth.id, share_type: bandwidth.share_type, size_mbit: bandwidth.size },
      max_kbps: bandwidth.size * 1000,
      max_burst_kbps: null,
      dscp_mark: null,
    };
  }
}
