import type { FastifyInstance, FastifyRequest } from "fastify";
import type { NetworkDeps } from "../deps.ts";
import { registerCollection } from "../routes/wire.ts";
import * as groups from "./groups.ts";
import * as policies from "./policies.ts";
import * as rules from "./rules.ts";
import { firewallGroupAttributes, firewallPolicyAttributes, firewallRuleAttributes } from "./schemas.ts";

/** /v2.0/fwaas [fwaas_v2]: firewall rules, policies (with insert_rule/remove_rule) and groups. */
export function registerFwaasRoutes(app: FastifyInstance, deps: NetworkDeps): void {
  registerCollection(app, {
    member: "firewall_rule",
    collection: "firewall_rules",
    path: "fwaas/firewall_rules",
    attributes: firewallRuleAttributes,
    create: (auth, inputs) => rules.createRules(deps, auth, inputs),
    get: (auth, id) => rules.getRule(deps, auth, id),
    list: (auth, query) => rules.listRules(deps, auth, query),
    update: (auth, id, input, ifMatch) => rules.updateRule(deps, auth, id, input, ifMatch),
    remove: (auth, id) => rules.deleteRule(deps, auth, id),
    changeTags: (auth, id, change) => rules.changeRuleTags(deps, auth, id, change),
  });
  registerCollection(app, {
    member: "firewall_policy",
    collection: "firewall_policies",
    path: "fwaas/firewall_policies",
    attributes: firewallPolicyAttributes,
    extraFilters: ["firewall_rules"],
    create: (auth, inputs) => policies.createPolicies(deps, auth, inputs),
    get: (auth, id) => policies.getPolicy(deps, auth, id),
    list: (auth, query) => policies.listPolicies(deps, auth, query),
    update: (auth, id, input, ifMatch) => policies.updatePolicy(deps, auth, id, input, ifMatch),
    remove: (auth, id) => policies.deletePolicy(deps, auth, id),
    changeTags: (auth, id, change) => policies.changePolicyTags(deps, auth, id, change),
  });
  // Neutron's member actions take and return the bare dicts (no "firewall_policy" wrapper).
  const id = (req: FastifyRequest) => (req.params as { id: string }).id;
  app.put("/v2.0/fwaas/firewall_policies/:id/insert_rule", (req) =>
    policies.insertRule(deps, req.auth, id(req), req.body),
  );
  app.put("/v2.0/fwaas/firewall_policies/:id/remove_rule", (req) =>
    policies.removeRule(deps, req.auth, id(req), req.body),
  );
  registerCollection(app, {
    member: "firewall_group",
    collection: "firewall_groups",
    path: "fwaas/firewall_groups",
    attributes: firewallGroupAttributes,
    extraFilters: ["ports"],
    create: (auth, inputs) => groups.createGroups(deps, auth, inputs),
    get: (auth, id) => groups.getGroup(deps, auth, id),
    list: (auth, query) => groups.listGroups(deps, auth, query),
    update: (auth, id, input, ifMatch) => groups.updateGroup(deps, auth, id, input, ifMatch),
    remove: (auth, id) => groups.deleteGroup(deps, auth, id),
    changeTags: (auth, id, change) => groups.changeGroupTags(deps, auth, id, change),
  });
}
