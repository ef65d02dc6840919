import type { AuthContext } from "../../http/auth.ts";
import { parseBody } from "../../lib/attributes.ts";
import { uuid } from "../../lib/ids.ts";
import type { ListQuery } from "../../lib/list-query.ts";
import { isoSeconds } from "../../lib/time.ts";
import {
  authorize,
  emit,
  isAdmin,
  reader,
  requireAuth,
  write,
  type NetworkDeps,
  type NetworkTx,
} from "../deps.ts";
import { enforceQuota } from "../quotas.ts";
import { changeTagsOf, checkRevision, createInBulk, ownedBy, seenByProject } from "../resource.ts";
import * as networkStore from "../store.ts";
import { canonicalCidr } from "../vpc/cidrs.ts";
import { InvalidNatRule, NatRuleConflict, SnatRuleNotFound } from "./errors.ts";
import { visibleGateway } from "./gateways.ts";
import { snatRuleAttributes } from "./schemas.ts";
import { dropServicePort, ensureServicePort, serviceSubnet } from "./service.ts";
import * as store from "./store.ts";
import {
  addressesOf,
  bindFloatingIp,
  gatewayScope,
  isInside,
  releaseFloatingIp,
  ruleFloatingIp,
  type GatewayScope,
} from "./targets.ts";

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

export async function getSnatRule(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<SnatRule> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const [rule] = await withRelations(db, [await visibleSnatRule(db, caller, id)]);
  return rule as SnatRule;
}

export async function listSnatRules(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<SnatRule[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const visibility = { all: isAdmin(caller), project_id: caller.project_id };
  return withRelations(db, await store.selectNatPage<store.SnatRuleRow>(db, "snat_rules", query, visibility));
}

async function withRelations(db: NetworkTx["db"], rows: readonly store.SnatRuleRow[]): Promise<SnatRule[]> {
  const ids = rows.map((row) => row.id);
  const [tags, addresses] = [
    await networkStore.selectTags(db, ids),
    await addressesOf(
      db,
      rows.map((row) => row.floating_ip_id),
    ),
  ];
  return rows.map((row) =>
    snatRuleView(row, addresses.get(row.floating_ip_id ?? "") ?? null, tags.get(row.id) ?? []),
  );
}

/** PUT: name, description, admin_state_up (the source and target are fixed: make a new rule). */
export async function updateSnatRule(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<SnatRule> {
  const caller = requireAuth(auth);
  const body = parseBody(snatRuleAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visibleSnatRule(tx.db, caller, id);
    authorize(caller, "update_snat_rule", ownedBy(row));
    checkRevision(row.revision_number, ifMatch);
    return saveSnatRule(deps, tx, row, {
      ...(body.name !== undefined ? { name: body.name as string } : {}),
      ...(body.description !== undefined ? { description: body.description as string } : {}),
      ...(body.admin_state_up !== undefined ? { admin_state_up: body.admin_state_up ? 1 : 0 } : {}),
    });
  });
}

/** DELETE /v2.0/snat-rules/{id} (the network templates call it too). */
export async function deleteSnatRule(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visibleSnatRule(tx.db, caller, id);
    authorize(caller, "delete_snat_rule", ownedBy(row));
    await store.deleteNatRow(tx.db, "snat_rules", id);
    await releaseFloatingIp(deps, tx, row.floating_ip_id);
    if (row.service_network_id !== null)
      await dropServicePort(deps, tx, row.nat_gateway_id, row.service_network_id);
    await emit(deps, tx, "snat_rule", "delete", snatRuleView(row, null, []));
  });
}

export function changeSnatRuleTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, ruleId) => visibleSnatRule(tx.db, caller, ruleId),
    action: "update_snat_rule",
    target: ownedBy,
    save: (tx, row) => saveSnatRule(deps, tx, row, {}),
  });
}

async function visibleSnatRule(db: NetworkTx["db"], caller: AuthContext, id: string) {
  return seenByProject(caller, await store.selectSnatRule(db, id), () => new SnatRuleNotFound(id));
}

async function saveSnatRule(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: store.SnatRuleRow,
  changes: Partial<store.SnatRuleRow>,
): Promise<SnatRule> {
  const saved = await store.saveNatRow(tx.db, "snat_rules", row, changes, isoSeconds(deps.clock.now()));
  const [rule] = await withRelations(tx.db, [saved]);
  await emit(deps, tx, "snat_rule", "update", rule as SnatRule);
  return rule as SnatRule;
}
