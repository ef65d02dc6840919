import type { Owner, Qos } from "../model.ts";
import type { NetworkState, QosPolicyInput } from "./input.ts";
import { byId, ownerOf, problem, type Context } from "./context.ts";
import { compileBandwidths, dedicatedKbps } from "./bandwidths.ts";

/**
 * QoS [qos, qos-bw-limit-direction, qos-fip, qos-gateway-ip]: a VM port's own policy, else its
 * network's (Neutron leaves network:* ports out of network policies); a floating IP's policy on
 * its router's gateway port, for what its NAT rows translate; a router gateway's policy on the
 * same port, for what the router SNATs. Runs after NAT, whose row names it refers to.
 *
 * Floating IP bandwidths (compile/bandwidths.ts) meter on the same gateway ports. A floating IP
 * in a PER bandwidth that also has a policy gets, per direction, the lower of the two limits
 * only (the bandwidth on a tie: it is the billed one). In a WHOLE pool both apply: the pool is
 * shared, the policy caps that one address within it.
 */
export function compileQos(ctx: Context, state: NetworkState): void {
  const policies = byId(state.qos_policies ?? []);
  const policy = (id: string, owner: Owner) => {
    const found = policies.get(id);
    if (found === undefined) problem(ctx, owner, `QoS policy ${id} does not exist`);
    return found;
  };
  for (const port of ctx.ports.values()) {
    if (port.device_owner.startsWith("network:")) continue;
    const id = port.qos_policy_id ?? ctx.networks.get(port.network_id)?.qos_policy_id ?? null;
    const owner = ownerOf("port", port);
    const found = id === null ? undefined : policy(id, owner);
    if (found !== undefined) addLimits(ctx, `qos-${port.id}`, { port: port.id, nats: [], owner }, found);
  }
  const dedicated = dedicatedKbps(state);
  const fips = byId(state.floating_ips);
  for (const fip of fips.values()) {
    if (fip.qos_policy_id == null) continue;
    const owner = ownerOf("floatingip", fip);
    const found = lowerThan(policy(fip.qos_policy_id, owner), dedicated.get(fip.id));
    const gateway = fip.router_id === null ? undefined : ctx.gateways.get(fip.router_id);
    const nats = [`fip-${fip.id}`, ...forwardingsOf(state, fip.id)].filter((name) => ctx.model.nats[name]);
    // An unassociated floating IP translates nothing yet: nothing to limit.
    if (found !== undefined && gateway !== undefined && nats.length > 0)
      addLimits(ctx, `qos-fip-${fip.id}`, { port: `lrp-${gateway.id}`, nats, owner }, found);
  }
  compileBandwidths(
    ctx,
    state,
    (fipId, direction) =>
      policies
        .get(fips.get(fipId)?.qos_policy_id ?? "")
        ?.bandwidth_limits.find((limit) => limit.direction === direction)?.max_kbps,
  );
  for (const router of ctx.routers.values()) {
    if (router.gw_qos_policy_id == null) continue;
    const gateway = ctx.gateways.get(router.id);
    const nats = Object.values(ctx.model.nats)
      .filter((nat) => nat.type === "snat" && nat.router === `lr-${router.id}`)
      .map((nat) => nat.name)
      .sort();
    const owner = ownerOf("router", router);
    const found = policy(router.gw_qos_policy_id, owner);
    // Without SNAT nothing leaves by the gateway's own address: nothing to limit.
    if (found !== undefined && gateway !== undefined && nats.length > 0)
      addLimits(ctx, `qos-gw-${router.id}`, { port: `lrp-${gateway.id}`, nats, owner }, found);
  }
}

/** The policy with only the limits below a dedicated bandwidth's (all of them without one). */
function lowerThan(policy: QosPolicyInput | undefined, kbps: number | undefined): QosPolicyInput | undefined {
  if (policy === undefined || kbps === undefined) return policy;
  return { ...policy, bandwidth_limits: policy.bandwidth_limits.filter((limit) => limit.max_kbps < kbps) };
}

function forwardingsOf(state: NetworkState, fipId: string): string[] {
  return state.port_forwardings.filter((pf) => pf.floatingip_id === fipId).map((pf) => `pf-${pf.id}`);
}

/** One row per direction with a bandwidth limit; DSCP marking rides on the egress row. */
function addLimits(
  ctx: Context,
  prefix: string,
  where: { port: string; nats: string[]; owner: Owner },
  policy: QosPolicyInput,
): void {
  const dscp = policy.dscp_marking?.dscp_mark ?? null;
  const row = (direction: Qos["direction"], kbps: number | null, burst: number | null): Qos => ({
    name: `${prefix}-${direction}`,
    owner: where.owner,
    port: where.port,
    direction,
    nats: where.nats,
    qos_policy_id: policy.id,
    max_kbps: kbps,
    max_burst_kbps: burst,
    dscp_mark: direction === "egress" ? dscp : null,
  });
  const rows = policy.bandwidth_limits.map((limit) =>
    row(limit.direction, limit.max_kbps, limit.max_burst_kbps),
  );
  if (dscp !== null && !rows.some((r) => r.direction === "egress")) rows.push(row("egress", null, null));
  for (const limit of rows) ctx.model.qos[limit.name] = limit;
}
