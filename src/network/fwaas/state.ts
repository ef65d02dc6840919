import type { Kysely } from "kysely";
import type { FirewallGroupInput, FirewallRuleInput } from "../../sdn/compile/input.ts";
import type { NetworkTables } from "../tables.ts";
import * as store from "./store.ts";

/**
 * Every firewall group with its ports and its policies' rules resolved in policy order, for the SDN
 * compiler. Four queries whatever the numbers (groups, ports, policy entries, rules); disabled
 * rules are kept, with `enabled`, for the compiler to skip.
 */
export async function loadFirewallGroups(db: Kysely<NetworkTables>): Promise<FirewallGroupInput[]> {
  const groups = await store.selectAll(db, "firewall_groups");
  const policyIds = [
    ...new Set(groups.flatMap((g) => [g.ingress_firewall_policy_id, g.egress_firewall_policy_id])),
  ].filter((id): id is string => id !== null);
  const [ports, ruleLists] = [
    await store.portsOfGroups(
      db,
      groups.map((g) => g.id),
    ),
    await store.rulesOfPolicies(db, policyIds),
  ];
  const ruleRows = await store.selectRulesById(db, [...new Set([...ruleLists.values()].flat())]);
  const rules = new Map(ruleRows.map((row) => [row.id, ruleInput(row)]));
  const resolve = (policyId: string | null): FirewallRuleInput[] =>
    policyId === null ? [] : (ruleLists.get(policyId) ?? []).flatMap((id) => rules.get(id) ?? []);
  return groups.map((g) => ({
    id: g.id,
    project_id: g.project_id,
    revision_number: g.revision_number,
    name: g.name,
    admin_state_up: g.admin_state_up === 1,
    ports: ports.get(g.id) ?? [],
    ingress_policy_id: g.ingress_firewall_policy_id,
    egress_policy_id: g.egress_firewall_policy_id,
    ingress_rules: resolve(g.ingress_firewall_policy_id),
    egress_rules: resolve(g.egress_firewall_policy_id),
  }));
}

function ruleInput(row: store.FirewallRuleRow): FirewallRuleInput {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled === 1,
    action: row.action as FirewallRuleInput["action"],
    protocol: row.protocol,
    ip_version: row.ip_version === 6 ? 6 : 4,
    source_ip_address: row.source_ip_address,
    destination_ip_address: row.destination_ip_address,
    source_port: row.source_port,
    destination_port: row.destination_port,
  };
}
