import type { AuthContext } from "../../http/auth.ts";
import { NotFound } from "../../lib/errors.ts";
import { createGroups, deleteGroup, updateGroup } from "../fwaas/groups.ts";
import { createPolicies, deletePolicy } from "../fwaas/policies.ts";
import { createRules as createFirewallRules, deleteRule as deleteFirewallRule } from "../fwaas/rules.ts";
import { reader, type NetworkDeps } from "../deps.ts";
import { deleteNetwork } from "../networks.ts";
import { removeRouterInterface } from "../router-interfaces.ts";
import { createRules as createGroupRules } from "../security-group-rules.ts";
import { createSecurityGroups, deleteSecurityGroup } from "../security-groups.ts";
import { changeAssociations, changeRoutes } from "../vpc/route-table-actions.ts";
import { createRouteTables, deleteRouteTable, getRouteTable } from "../vpc/route-tables.ts";
import { canonicalCidr } from "../vpc/cidrs.ts";
import type { VpcRow } from "../vpc/store.ts";
import { createVpcSubnet } from "../vpc/vpc-subnets.ts";
import type { ResourceSpec } from "./spec.ts";
import { interfacePortOn } from "./store.ts";

/**
 * One creation and one undo per resource type, each through the feature's own domain functions
 * (their guards, quotas and events apply). A step records what it made as soon as it exists, so a
 * failure halfway through a step still leaves everything made to undo.
 */

export interface CreatedResource {
  type: string;
  /** The template's local name. */
  name: string;
  id: string;
  /** Subnets: what their undo and references need. */
  network_id?: string;
  cidr?: string;
  router_id?: string;
  /** ACLs: the firewall policies and rules made for the group. */
  firewall_policy_ids?: string[];
  firewall_rule_ids?: string[];
  /** Routes: the table (id) and the route added to it. */
  route?: { destination: string; nexthop_type: string; nexthop: string | null };
}

export interface Run {
  deps: NetworkDeps;
  auth: AuthContext | null;
  vpc: VpcRow;
  /** Prefix of the names given to what is made ("shop-" makes subnet "web" "shop-web"). */
  prefix: string;
  created: CreatedResource[];
}

type Spec = Record<string, unknown>;
const given = (spec: Spec, ...keys: string[]) =>
  Object.fromEntries(keys.filter((key) => spec[key] !== undefined).map((key) => [key, spec[key]]));

function local(run: Run, type: string, name: unknown): CreatedResource {
  const found = run.created.find((made) => made.type === type && made.name === name);
  // The template was checked: references name earlier resources, which exist by now.
  if (found === undefined) throw new Error(`template ${type} ${String(name)} was not made`);
  return found;
}

function record(run: Run, made: CreatedResource): CreatedResource {
  run.created.push(made);
  return made;
}

async function createSubnet(run: Run, spec: ResourceSpec): Promise<void> {
  const subnet = await createVpcSubnet(run.deps, run.auth, run.vpc.id, {
    subnet: {
      name: run.prefix + spec.name,
      ...given(spec, "cidr", "availability_zone", "enable_dhcp", "gateway_ip"),
    },
  });
  record(run, {
    type: "subnet",
    name: spec.name,
    id: subnet.id,
    network_id: subnet.network_id,
    router_id: run.vpc.router_id,
    cidr: subnet.cidr,
  });
}

async function createGroup(run: Run, spec: ResourceSpec): Promise<void> {
  const [group] = await createSecurityGroups(run.deps, run.auth, [
    {
      name: run.prefix + spec.name,
      project_id: run.vpc.project_id,
      ...given(spec, "description", "stateful"),
    },
  ]);
  if (group === undefined) return;
  record(run, { type: "security_group", name: spec.name, id: group.id });
  const rules = ((spec.rules ?? []) as Spec[]).map((rule) => ({
    security_group_id: group.id,
    ...given(rule, "direction", "ethertype", "protocol", "port_range_min", "port_range_max", "description"),
    ...given(rule, "remote_ip_prefix"),
    ...(rule.remote_subnet !== undefined
      ? { remote_ip_prefix: local(run, "subnet", rule.remote_subnet).cidr }
      : {}),
    ...(rule.remote_group !== undefined
      ? { remote_group_id: local(run, "security_group", rule.remote_group).id }
      : {}),
  }));
  if (rules.length > 0) await createGroupRules(run.deps, run.auth, rules);
}

async function createTable(run: Run, spec: ResourceSpec): Promise<void> {
  const [table] = await createRouteTables(run.deps, run.auth, [
    { vpc_id: run.vpc.id, name: run.prefix + spec.name, ...given(spec, "description", "routes") },
  ]);
  if (table === undefined) return;
  record(run, { type: "route_table", name: spec.name, id: table.id });
  const subnets = ((spec.subnets ?? []) as string[]).map((name) => local(run, "subnet", name).id);
  if (subnets.length > 0)
    await changeAssociations(run.deps, run.auth, table.id, { subnet_ids: subnets }, "associate");
}

async function addRoute(run: Run, spec: ResourceSpec): Promise<void> {
  const tableId =
    spec.route_table === "main"
      ? run.vpc.main_route_table_id
      : local(run, "route_table", spec.route_table).id;
  const route = {
    destination: canonicalCidr(spec.destination as string) ?? (spec.destination as string),
    nexthop_type: spec.nexthop_type as string,
    nexthop: (spec.nexthop as string | undefined) ?? null,
  };
  // A route the table had already is not the instance's: adding it changes nothing, undoing it must not.
  const before = await getRouteTable(run.deps, run.auth, tableId);
  if (
    before.routes.some(
      (entry) =>
        entry.destination === route.destination &&
        entry.nexthop_type === route.nexthop_type &&
        entry.nexthop === route.nexthop,
    )
  )
    return;
  await changeRoutes(run.deps, run.auth, tableId, { routes: [route] }, "add");
  record(run, { type: "route", name: spec.name, id: tableId, route });
}

/** FWaaS rules for one direction: subnet references become the subnets' CIDRs. */
function firewallRules(run: Run, acl: string, rules: readonly Spec[]) {
  return rules.map((rule, i) => {
    const source =
      rule.source_subnet !== undefined
        ? local(run, "subnet", rule.source_subnet).cidr
        : rule.source_ip_address;
    const destination =
      rule.destination_subnet !== undefined
        ? local(run, "subnet", rule.destination_subnet).cidr
        : rule.destination_ip_address;
    const addresses = [source, destination].filter((value): value is string => typeof value === "string");
    return {
      name: `${run.prefix}${acl}-${i + 1}`,
      project_id: run.vpc.project_id,
      ip_version: addresses.some((address) => address.includes(":")) ? 6 : 4,
      ...given(rule, "action", "protocol", "source_port", "destination_port", "description"),
      ...(source !== undefined ? { source_ip_address: source } : {}),
      ...(destination !== undefined ? { destination_ip_address: destination } : {}),
    };
  });
}

/**
 * A network ACL: a firewall group on the subnets' router interfaces. `ingress_rules` are for
 * traffic into the subnets, which on the router port is the group's egress (leaving the router
 * into the subnet); `egress_rules` the other way. A direction without rules has no policy.
 */
async function createAcl(run: Run, spec: ResourceSpec): Promise<void> {
  const made = record(run, {
    type: "acl",
    name: spec.name,
    id: "",
    firewall_policy_ids: [],
    firewall_rule_ids: [],
  });
  const policies: Record<string, string | null> = { into: null, out: null };
  for (const [direction, key] of [
    ["into", "ingress_rules"],
    ["out", "egress_rules"],
  ] as const) {
    const rules = firewallRules(run, spec.name, (spec[key] ?? []) as Spec[]);
    if (rules.length === 0) continue;
    const ids = (await createFirewallRules(run.deps, run.auth, rules)).map((rule) => rule.id);
    made.firewall_rule_ids?.push(...ids);
    const [policy] = await createPolicies(run.deps, run.auth, [
      { name: `${run.prefix}${spec.name}-${direction}`, project_id: run.vpc.project_id, firewall_rules: ids },
    ]);
    if (policy !== undefined) made.firewall_policy_ids?.push(policy.id);
    policies[direction] = policy?.id ?? null;
  }
  const ports: string[] = [];
  for (const name of spec.subnets as string[]) {
    const port = await interfacePortOn(reader(run.deps), run.vpc.router_id, local(run, "subnet", name).id);
    if (port !== undefined) ports.push(port);
  }
  const [group] = await createGroups(run.deps, run.auth, [
    {
      name: run.prefix + spec.name,
      project_id: run.vpc.project_id,
      ...given(spec, "description"),
      egress_firewall_policy_id: policies.into,
      ingress_firewall_policy_id: policies.out,
      ports,
    },
  ]);
  made.id = group?.id ?? "";
}

export const CREATE: Record<string, (run: Run, spec: ResourceSpec) => Promise<void>> = {
  subnet: createSubnet,
  security_group: createGroup,
  route_table: createTable,
  route: addRoute,
  acl: createAcl,
};

/** Undoes one made resource; what it made inside goes first (a group's ports, a table's subnets). */
export const UNDO: Record<
  string,
  (deps: NetworkDeps, auth: AuthContext | null, made: CreatedResource) => Promise<void>
> = {
  subnet: async (deps, auth, made) => {
    // Detached by hand already: the network still goes.
    await removeRouterInterface(deps, auth, made.router_id ?? "", { subnet_id: made.id }).catch(
      (error: unknown) => {
        if (!(error instanceof NotFound)) throw error;
      },
    );
    await deleteNetwork(deps, auth, made.network_id ?? "");
  },
  security_group: (deps, auth, made) => deleteSecurityGroup(deps, auth, made.id),
  route_table: async (deps, auth, made) => {
    const table = await getRouteTable(deps, auth, made.id);
    if (table.subnets.length > 0)
      await changeAssociations(deps, auth, made.id, { subnet_ids: table.subnets }, "disassociate");
    await deleteRouteTable(deps, auth, made.id);
  },
  route: async (deps, auth, made) => {
    if (made.route !== undefined) await changeRoutes(deps, auth, made.id, { routes: [made.route] }, "remove");
  },
  acl: async (deps, auth, made) => {
    if (made.id !== "") {
      await updateGroup(deps, auth, made.id, { ports: [] }, undefined);
      await deleteGroup(deps, auth, made.id);
    }
    for (const id of made.firewall_policy_ids ?? []) await deletePolicy(deps, auth, id);
    for (const id of made.firewall_rule_ids ?? []) await deleteFirewallRule(deps, auth, id);
  },
};
