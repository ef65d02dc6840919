import type { Kysely } from "kysely";
import type { QosPolicyInput } from "../sdn/compile/input.ts";
import type { NetworkTables } from "./tables.ts";

/**
 * The QoS policies with their rules, as the SDN compiler reads them: three queries whatever the
 * number of policies (policies, bandwidth limits, DSCP marks), joined in memory, ordered by id.
 */
export async function loadQosPolicies(db: Kysely<NetworkTables>): Promise<QosPolicyInput[]> {
  const [policies, limits, marks] = await Promise.all([
    db.selectFrom("qos_policies").select(["id", "project_id", "revision_number"]).orderBy("id").execute(),
    db
      .selectFrom("qos_bandwidth_limit_rules")
      .selectAll()
      .orderBy("qos_policy_id")
      .orderBy("direction")
      .execute(),
    db.selectFrom("qos_dscp_marking_rules").selectAll().execute(),
  ]);
  const byPolicy = new Map<string, QosPolicyInput>(
    policies.map((row) => [row.id, { ...row, bandwidth_limits: [], dscp_marking: null }]),
  );
  for (const rule of limits)
    byPolicy.get(rule.qos_policy_id)?.bandwidth_limits.push({
      id: rule.id,
      direction: rule.direction === "ingress" ? "ingress" : "egress",
      max_kbps: rule.max_kbps,
      max_burst_kbps: rule.max_burst_kbps,
    });
  for (const rule of marks) {
    const policy = byPolicy.get(rule.qos_policy_id);
    if (policy !== undefined) policy.dscp_marking = { id: rule.id, dscp_mark: rule.dscp_mark };
  }
  return [...byPolicy.values()];
}
