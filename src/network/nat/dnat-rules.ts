import type { AuthContext } from "../../http/auth.ts";
import { uuid } from "../../lib/ids.ts";
import { formatIp, parseIp } from "../../lib/ip.ts";
import { isoSeconds } from "../../lib/time.ts";
import { emit, type NetworkDeps, type NetworkTx } from "../deps.ts";
import { visiblePort } from "../ports.ts";
import { enforceQuota } from "../quotas.ts";
import { createInBulk } from "../resource.ts";
import * as portStore from "../store-ports.ts";
import { DnatRuleNotFound, InvalidNatRule, NatRuleConflict } from "./errors.ts";
import { visibleGateway } from "./gateways.ts";
import { refuseDnatConflict } from "./guards.ts";
import { dnatRuleAttributes } from "./schemas.ts";
import { ruleOperations } from "./rule-operations.ts";
import * as store from "./store.ts";
import { bindFloatingIp, gatewayScope, isInside, ruleFloatingIp, type GatewayScope } from "./targets.ts";

export type DnatRule = ReturnType<typeof dnatRuleView>;

/**
 * A DNAT rule: the floating IP's (protocol, external_service_port) forwarded to
 * (private_ip, internal_service_port); protocol "any" maps the whole address (ports 0).
 */
export function dnatRuleView(row: store.DnatRuleRow, address: string | null, tags: readonly string[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tenant_id: row.project_id,
    project_id: row.project_id,
    nat_gateway_id: row.nat_gateway_id,
    floating_ip_id: row.floating_ip_id,
    floating_ip_address: address,
    port_id: row.port_id,
    private_ip: row.private_ip,
    protocol: row.protocol,
    internal_service_port: row.internal_service_port,
    external_service_port: row.external_service_port,
    status: row.status,
    admin_state_up: row.admin_state_up === 1,
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/** "any" takes no ports; tcp and udp take both, 1-65535. */
function checkPorts(body: Record<string, unknown>): void {
  const ports = [body.internal_service_port as number, body.external_service_port as number];
  if (body.port_id === null && body.private_ip === null)
    throw new InvalidNatRule("A DNAT rule takes port_id or private_ip");
  if (body.protocol === "any" && ports.some((port) => port !== 0))
    throw new InvalidNatRule("A DNAT rule of protocol any maps every port: its service ports must be 0");
  if (body.protocol !== "any" && ports.some((port) => port < 1))
    throw new InvalidNatRule(`A ${String(body.protocol)} DNAT rule needs both service ports in 1-65535`);
}

/** POST /v2.0/dnat-rules, single or bulk, all in one transaction (the network templates call it too). */
export function createDnatRules(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<DnatRule[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: dnatRuleAttributes,
    resource: "dnat_rule",
    check: (_caller, body) => checkPorts(body),
    insert: (tx, caller, { body, projectId }) => insertDnatRule(deps, tx, caller, body, projectId),
  });
}

/** The internal end: the port's IPv4 address (the one given, or its first) inside the VPC, or a bare address there. */
async function internalEnd(
  tx: NetworkTx,
  caller: AuthContext,
  scope: GatewayScope,
  body: Record<string, unknown>,
): Promise<{ portId: string | null; ip: string }> {
  const given =
    body.private_ip === null
      ? null
      : formatIp(parseIp(body.private_ip as string) ?? { version: 4, value: 0n });
  if (given !== null && given.includes(":"))
    throw new InvalidNatRule(`private_ip ${given} is not an IPv4 address`);
  let ip = given;
  const portId = body.port_id as string | null;
  if (portId !== null) {
    const port = await visiblePort(tx.db, caller, portId);
    const v4 = ((await portStore.allocationsOf(tx.db, [port.id])).get(port.id) ?? [])
      .map((a) => a.ip_address)
      .filter((a) => !a.includes(":"));
    ip = given ?? v4[0] ?? null;
    if (ip === null || !v4.includes(ip))
      throw new InvalidNatRule(
        `${given ?? "An IPv4 address"} is not a fixed IPv4 address of port ${port.id}`,
      );
  }
  if (ip === null || !isInside(scope, ip))
    throw new InvalidNatRule(`${ip ?? "The address"} is not inside NAT gateway ${scope.gateway.id}'s VPC`);
  return { portId, ip };
}

/** Another forwarding of the same floating IP port: a DNAT rule, a Neutron port forwarding. */
async function refuseTaken(
  tx: NetworkTx,
  fipId: string,
  protocol: string,
  externalPort: number,
): Promise<void> {
  if (protocol === "any") {
    const rules = await store.dnatRulesOfFloatingIp(tx.db, fipId);
    if (rules.length > 0)
      throw new NatRuleConflict(
        `Floating IP ${fipId} already has DNAT rules ${rules.map((r) => r.id).join(", ")}`,
      );
  } else await refuseDnatConflict(tx.db, fipId, protocol, externalPort);
  const forwardings = await tx.db
    .selectFrom("port_forwardings")
    .select(["id", "protocol", "external_port"])
    .where("floatingip_id", "=", fipId)
    .execute();
  const clash = forwardings.find(
    (pf) => protocol === "any" || (pf.protocol === protocol && pf.external_port === externalPort),
  );
  if (clash !== undefined)
    throw new NatRuleConflict(
      `Port forwarding ${clash.id} of floating IP ${fipId} already forwards ${clash.protocol}/${clash.external_port}`,
    );
}

async function insertDnatRule(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
  projectId: string,
): Promise<DnatRule> {
  const gateway = await visibleGateway(tx.db, caller, body.nat_gateway_id as string);
  if (gateway.project_id !== projectId)
    throw new InvalidNatRule(`NAT gateway ${gateway.id} belongs to another project than the rule`);
  const scope = await gatewayScope(tx, gateway);
  const fip = await ruleFloatingIp(tx, caller, scope, body.floating_ip_id as string, projectId);
  const { portId, ip } = await internalEnd(tx, caller, scope, body);
  const protocol = body.protocol as string;
  const externalPort = body.external_service_port as number;
  await refuseTaken(tx, fip.id, protocol, externalPort);
  await enforceQuota(tx, projectId, "dnat_rule");
  const now = isoSeconds(deps.clock.now());
  const row: store.DnatRuleRow = {
    id: uuid(),
    project_id: projectId,
    name: body.name as string,
    description: body.description as string,
    nat_gateway_id: gateway.id,
    floating_ip_id: fip.id,
    port_id: portId,
    private_ip: ip,
    protocol,
    internal_service_port: body.internal_service_port as number,
    external_service_port: externalPort,
    external_key: protocol === "any" ? `${fip.id}|any` : `${fip.id}|${protocol}|${externalPort}`,
    status: "ACTIVE",
    admin_state_up: body.admin_state_up === false ? 0 : 1,
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  if (!(await store.claimDnatRule(tx.db, row)))
    throw new NatRuleConflict(`Floating IP ${fip.id} already forwards ${protocol}/${externalPort}`);
  await bindFloatingIp(deps, tx, fip, gateway.router_id);
  const rule = dnatRuleView(row, fip.floating_ip_address, []);
  await emit(deps, tx, "dnat_rule", "create", rule);
  return rule;
}

const operations = ruleOperations({
  table: "dnat_rules",
  resource: "dnat_rule",
  attributes: dnatRuleAttributes,
  view: dnatRuleView,
  select: store.selectDnatRule,
  notFound: (id) => new DnatRuleNotFound(id),
});

export const getDnatRule = operations.get;
export const listDnatRules = operations.list;
/** PUT: name, description, admin_state_up (the translation itself is fixed: make a new rule). */
export const updateDnatRule = operations.update;
/** DELETE /v2.0/dnat-rules/{id} (the network templates call it too). */
export const deleteDnatRule = operations.remove;
export const changeDnatRuleTags = operations.changeTags;
