/**
 * Where Stratus answers otherwise than the real Neutron (test/parity/neutron.json). Each entry is
 * checked both ways by neutron.test.ts: a listed difference must still occur exactly so (once
 * Stratus matches Neutron, the entry has to go), and a new difference fails its case.
 */

/** Differences that show in many cases, as patterns over neutron.test.ts's difference lines. */
export const GLOBAL_DIFFERENCES: ReadonlyArray<{ pattern: RegExp; reason: string }> = [
  {
    pattern: /\.binding:(host_id|profile|vif_details|vif_type): only in Stratus$/,
    reason:
      "Neutron shows binding:host_id, binding:profile, binding:vif_type and binding:vif_details to admins only " +
      "(policy get_port:binding:* is admin_only; binding:vnic_type is for everyone); Stratus shows them to the " +
      "port's own project too",
  },
  {
    pattern: /^body\.security_group_rules?(\[\d+\])?\.tags: only in Stratus$/,
    reason:
      "Neutron's security-group-rules answers carry no tags (a group's embedded rules do show tags: []); " +
      "Stratus adds tags: [] to every rule",
  },
  {
    pattern: /^body\.security_group_rules?(\[\d+\])?\.description: Neutron string, Stratus null$/,
    reason:
      'Neutron answers description "" for a rule created without one (only the default group\'s own rules ' +
      "have null); Stratus answers null",
  },
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
];

/** Differences of one case: the reason, and the exact lines neutron.test.ts reports. */
export const KNOWN_DIFFERENCES: Record<string, { reason: string; problems: string[] }> = {
  "security group create named default": {
    reason:
      'Neutron refuses a second group named "default" in a project: 409 SecurityGroupDefaultAlreadyExists "Default security group already exists."; Stratus creates it (201)',
    problems: [
      "status: Neutron 409, Stratus 201",
      "body.NeutronError: only in Neutron",
      "body.security_group: only in Stratus",
    ],
  },
  "security group rule create with remote_group_id and remote_ip_prefix": {
    reason:
      'Neutron (with security-groups-remote-address-group) answers SecurityGroupMultipleRemoteEntites "Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided."; Stratus has the older SecurityGroupRemoteGroupAndRemoteIpPrefix wording',
    problems: [
      'body.NeutronError.type: Neutron "SecurityGroupMultipleRemoteEntites", Stratus "SecurityGroupRemoteGroupAndRemoteIpPrefix"',
      'body.NeutronError.message: Neutron "Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.", Stratus "Only remote_ip_prefix or remote_group_id may be provided."',
    ],
  },
  "network create with an mtu too large for vxlan": {
    reason:
      'Neutron caps a vxlan network\'s mtu at 1450 (global_physnet_mtu 1500 less the 50-byte vxlan overhead): 400 InvalidInput "Invalid input for operation: Requested MTU is too big, maximum is 1450."; Stratus accepts mtu 9000 (201)',
    problems: [
      "status: Neutron 400, Stratus 201",
      "body.NeutronError: only in Neutron",
      "body.network: only in Stratus",
    ],
  },
  "network create on a vlan in use": {
    reason:
      "Neutron's type for a taken VLAN is VlanIdInUse (same message); Stratus answers SegmentationIdInUse",
    problems: ['body.NeutronError.type: Neutron "VlanIdInUse", Stratus "SegmentationIdInUse"'],
  },
  "network create on an unknown physical network": {
    reason:
      'Neutron says "... unknown for VLAN provider network." (names the type); Stratus "... unknown for this provider network."',
    problems: [
      "body.NeutronError.message: Neutron \"Invalid input for operation: physical_network 'nowhere' unknown for VLAN provider network.\", Stratus \"Invalid input for operation: physical_network 'nowhere' unknown for this provider network.\"",
    ],
  },
  "network list with an unknown sort key": {
    reason:
      'Neutron\'s message lists the keys Python-style: "[\'colour\'] is invalid attribute for sort_keys"; Stratus "colour is an invalid attribute for sort_keys"',
    problems: [
      'body.NeutronError.message: Neutron "[\'colour\'] is invalid attribute for sort_keys", Stratus "colour is an invalid attribute for sort_keys"',
    ],
  },
  "network list with a sort_key but no sort_dir": {
    reason:
      'Neutron requires a sort_dir per sort_key: 400 HTTPBadRequest "The number of sort_keys and sort_dirs must be same"; Stratus defaults the direction (200)',
    problems: [
      "status: Neutron 400, Stratus 200",
      "body.NeutronError: only in Neutron",
      "body.networks: only in Stratus",
    ],
  },
  "tags replace with a non-list": {
    reason:
      'Neutron: 400 InvalidInput "Invalid input for operation: \'red\' is not a list."; Stratus: HTTPBadRequest "Invalid input for tags. Reason: a list of non-empty strings is required."',
    problems: [
      'body.NeutronError.type: Neutron "InvalidInput", Stratus "HTTPBadRequest"',
      'body.NeutronError.message: Neutron "Invalid input for operation: \'red\' is not a list.", Stratus "Invalid input for tags. Reason: a list of non-empty strings is required."',
    ],
  },
  "port create with a subnet of another network": {
    reason:
      'Neutron: 400 InvalidInput "Invalid input for operation: Failed to create port on network <id>, because fixed_ips included invalid subnet <id>."; Stratus: 404 SubnetNotFound',
    problems: [
      "status: Neutron 400, Stratus 404",
      'body.NeutronError.type: Neutron "InvalidInput", Stratus "SubnetNotFound"',
      'body.NeutronError.message: Neutron "Invalid input for operation: Failed to create port on network <id>, because fixed_ips included invalid subnet <id>.", Stratus "Subnet <id> could not be found."',
    ],
  },
  "port create with allowed_address_pairs and port security off": {
    reason:
      'Neutron refuses allowed_address_pairs on a port without port security: 409 AddressPairAndPortSecurityRequired "Port Security must be enabled in order to have allowed address pairs on a port."; Stratus creates the port (201)',
    problems: [
      "status: Neutron 409, Stratus 201",
      "body.NeutronError: only in Neutron",
      "body.port: only in Stratus",
    ],
  },
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
