import type { AuthContext } from "../../http/auth.ts";
import { uuid } from "../../lib/ids.ts";
import { isoSeconds } from "../../lib/time.ts";
import { emit, type NetworkDeps, type NetworkTx } from "../deps.ts";
import { enforceQuota } from "../quotas.ts";
import { createInBulk } from "../resource.ts";
import { canonicalCidr } from "../vpc/cidrs.ts";
import { InvalidNatRule, NatRuleConflict, SnatRuleNotFound } from "./errors.ts";
import { visibleGateway } from "./gateways.ts";
import { snatRuleAttributes } from "./schemas.ts";
import { dropServicePort, ensureServicePort, serviceSubnet } from "./service.ts";
import { ruleOperations } from "./rule-operations.ts";
import * as store from "./store.ts";
import { bindFloatingIp, gatewayScope, isInside, ruleFloatingIp, type GatewayScope } from "./targets.ts";

export type SnatRule = ReturnType<typeof snatRuleView>;

/**
 * A SNAT rule: traffic from `network_id`'s subnets (or `cidr`) leaves with the floating IP's
 * address, or, with `service_network_id`, reaches that service network with the NAT gateway's own
 * address there. Many rules may share one floating IP: the shared SNAT address.
 */
export function snatRuleView(row: store.SnatRuleRow, address: string | null, tags: readonly string[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tenant_id: row.project_id,
    project_id: row.project_id,
    nat_gateway_id: row.nat_gateway_id,
    floating_ip_id: row.floating_ip_id,
    floating_ip_address: address,
    service_network_id: row.service_network_id,
    network_id: row.network_id,
    cidr: row.cidr,
    source_type: 0,
    status: row.status,
    admin_state_up: row.admin_state_up === 1,
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/** POST /v2.0/snat-rules, single or bulk, all in one transaction (the network templates call it too). */
export function createSnatRules(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<SnatRule[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: snatRuleAttributes,
    resource: "snat_rule",
    check: (_caller, body) => {
      if ((body.network_id === null) === (body.cidr === null))
        throw new InvalidNatRule("A SNAT rule takes exactly one of network_id and cidr");
      if ((body.floating_ip_id === null) === (body.service_network_id === null))
        throw new InvalidNatRule("A SNAT rule takes exactly one of floating_ip_id and service_network_id");
    },
    insert: (tx, caller, { body, projectId }) => insertSnatRule(deps, tx, caller, body, projectId),
  });
}

/** The CIDR a rule translates: the network's IPv4 subnet on the router, or the given CIDR inside the VPC. */
function sourceCidr(scope: GatewayScope, body: Record<string, unknown>): string {
  const networkId = body.network_id as string | null;
  if (networkId !== null) {
    const subnet = scope.subnets.find((s) => s.network_id === networkId);
    if (subnet === undefined)
      throw new InvalidNatRule(
        `Network ${networkId} has no IPv4 subnet on router ${scope.gateway.router_id} of NAT gateway ${scope.gateway.id}`,
      );
    return subnet.cidr;
  }
  const cidr = canonicalCidr(body.cidr as string);
  if (cidr === undefined || !isInside(scope, cidr))
    throw new InvalidNatRule(
      `CIDR ${String(body.cidr)} is not inside ${scope.inside.join(", ") || "any subnet"} of NAT gateway ${scope.gateway.id}`,
    );
  return cidr;
}

async function insertSnatRule(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
  projectId: string,
): Promise<SnatRule> {
  const gateway = await visibleGateway(tx.db, caller, body.nat_gateway_id as string);
  if (gateway.project_id !== projectId)
    throw new InvalidNatRule(`NAT gateway ${gateway.id} belongs to another project than the rule`);
  const scope = await gatewayScope(tx, gateway);
  const cidr = sourceCidr(scope, body);
  const fipId = body.floating_ip_id as string | null;
  const serviceId = body.service_network_id as string | null;
  const fip = fipId === null ? undefined : await ruleFloatingIp(tx, caller, scope, fipId, projectId);
  if (serviceId !== null) {
    const subnet = await serviceSubnet(tx, caller, serviceId);
    if (isInside(scope, subnet.cidr))
      throw new InvalidNatRule(
        `Service network ${serviceId} (${subnet.cidr}) overlaps NAT gateway ${gateway.id}'s VPC`,
      );
    await ensureServicePort(deps, tx, gateway, serviceId, subnet.id);
  }
  await enforceQuota(tx, projectId, "snat_rule");
  const now = isoSeconds(deps.clock.now());
  const target = serviceId === null ? "internet" : `service:${serviceId}`;
  const row: store.SnatRuleRow = {
    id: uuid(),
    project_id: projectId,
    name: body.name as string,
    description: body.description as string,
    nat_gateway_id: gateway.id,
    floating_ip_id: fipId,
    service_network_id: serviceId,
    network_id: body.network_id as string | null,
    cidr,
    source_key: `${gateway.id}|${cidr}|${target}`,
    status: "ACTIVE",
    admin_state_up: body.admin_state_up === false ? 0 : 1,
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  if (!(await store.claimSnatRule(tx.db, row)))
    throw new NatRuleConflict(
      `NAT gateway ${gateway.id} already has a SNAT rule for ${cidr}${serviceId === null ? "" : ` to service network ${serviceId}`}`,
    );
  if (fip !== undefined) await bindFloatingIp(deps, tx, fip, gateway.router_id);
  const rule = snatRuleView(row, fip?.floating_ip_address ?? null, []);
  await emit(deps, tx, "snat_rule", "create", rule);
  return rule;
}

const operations = ruleOperations({
  table: "snat_rules",
  resource: "snat_rule",
  attributes: snatRuleAttributes,
  view: snatRuleView,
  select: store.selectSnatRule,
  notFound: (id) => new SnatRuleNotFound(id),
  afterDelete: async (deps, tx, row) => {
    if (row.service_network_id !== null)
      await dropServicePort(deps, tx, row.nat_gateway_id, row.service_network_id);
  },
});

export const getSnatRule = operations.get;
export const listSnatRules = operations.list;
/** PUT: name, description, admin_state_up (the translation itself is fixed: make a new rule). */
export const updateSnatRule = operations.update;
/** DELETE /v2.0/snat-rules/{id} (the network templates call it too). */
export const deleteSnatRule = operations.remove;
export const changeSnatRuleTags = operations.changeTags;
