/**
 * Where Stratus answers otherwise than the real Neutron (test/parity/neutron.json). Each entry is
 * checked both ways by neutron.test.ts: a listed difference must still occur exactly so (once
 * Stratus matches Neutron, the entry has to go), and a new difference fails its case.
 */

/** Differences that show in many cases, as patterns over neutron.test.ts's difference lines. */
export const GLOBAL_DIFFERENCES: ReadonlyArray<{ pattern: RegExp; reason: string }> = [
  {
    pattern: /^body\.routers?(\[\d+\])?\.revision_number: Neutron \d+, Stratus \d+$/,
    reason:
      "Neutron bumps a router's revision_number several times per call that touches its gateway (the " +
      "gateway port, then the router row); Stratus bumps it once per change. Both only ever increase, " +
      "which is what If-Match relies on",
  },
  {
    pattern:
      /^body\.NeutronError\.message: Neutron "RBAC policy on object <id> cannot be removed because other objects depend on it\.\\nDetails: Callback /,
    reason:
      "Neutron's RbacPolicyInUse details name its internal callbacks (\"Callback neutron.plugins.ml2...failed " +
      'with ...", once per plugin); Stratus gives the reason alone',
  },
  {
    pattern: /^body\.quota\.(vpc|vpc_peering|nat_gateway|snat_rule|dnat_rule|bandwidth): only in Stratus$/,
    reason:
      "The vpc, vpc-peering, nat-gateway and bandwidth extensions bring their quotas, as Neutron's own " +
      "extensions bring theirs (firewall_group with neutron-fwaas, say); the recorded Neutron ran without them",
  },
];

/** Differences of one case: the reason, and the exact lines neutron.test.ts reports. */
export const KNOWN_DIFFERENCES: Record<string, { reason: string; problems: string[] }> = {
  "router interface port show": {
    reason:
      "Neutron creates a router interface port and then updates it with the router as its device (revision 2); Stratus creates it whole (revision 1)",
    problems: ["body.port.revision_number: Neutron 2, Stratus 1"],
  },
  "rbac network show by the target project": {
    reason: "Neutron bumps the network's revision_number twice for one RBAC change; Stratus once per change",
    problems: ["body.network.revision_number: Neutron 5, Stratus 4"],
  },
  "subnet create from a pool with a cidr outside it": {
    reason:
      "Neutron leaves SubnetAllocationError unmapped, so it answers 500; a 500 is a bug in Stratus, which answers 409 with the same type and message",
    problems: ["status: Neutron 500, Stratus 409"],
  },
  "subnet create from a pool with a prefixlen too small": {
    reason: "As above: Neutron's unmapped SubnetAllocationError is a 500, Stratus answers 409",
    problems: ["status: Neutron 500, Stratus 409"],
  },
  "subnet create from the exhausted pool": {
    reason: "As above: Neutron's unmapped SubnetAllocationError is a 500, Stratus answers 409",
    problems: ["status: Neutron 500, Stratus 409"],
  },
};
