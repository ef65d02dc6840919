import type { Kysely } from "kysely";
import type { DnatRuleInput, NatGatewayInput, SnatRuleInput } from "../../sdn/compile/input.ts";
import type { NetworkTables } from "../tables.ts";
import { NAT_GATEWAY_OWNER } from "./service.ts";
import { allNatRows } from "./store.ts";

/** NAT gateways with their rules for the SDN compiler: the rules carry their floating IP's address. */
export async function loadNatState(db: Kysely<NetworkTables>): Promise<NatGatewayInput[]> {
  const { gateways, snat, dnat } = await allNatRows(db);
  if (gateways.length === 0) return [];
  const [fips, servicePorts] = [
    await db.selectFrom("floating_ips").select(["id", "floating_ip_address"]).execute(),
    await db
      .selectFrom("ports")
      .select(["id", "device_id", "network_id"])
      .where("device_owner", "=", NAT_GATEWAY_OWNER)
      .execute(),
  ];
  const address = new Map(fips.map((fip) => [fip.id, fip.floating_ip_address]));
  const servicePort = (gatewayId: string, networkId: string) =>
    servicePorts.find((port) => port.device_id === gatewayId && port.network_id === networkId)?.id ?? null;
  const base = (row: {
    id: string;
    project_id: string;
    revision_number: number;
    admin_state_up: number;
  }) => ({
    id: row.id,
    project_id: row.project_id,
    revision_number: row.revision_number,
    admin_state_up: row.admin_state_up === 1,
  });
  return gateways.map((gateway) => ({
    ...base(gateway),
    name: gateway.name,
    router_id: gateway.router_id,
    snat_rules: snat
      .filter((rule) => rule.nat_gateway_id === gateway.id)
      .map((rule): SnatRuleInput => ({
        ...base(rule),
        network_id: rule.network_id,
        cidr: rule.cidr,
        floating_ip_address: address.get(rule.floating_ip_id ?? "") ?? null,
        service_network_id: rule.service_network_id,
        service_port_id:
          rule.service_network_id === null ? null : servicePort(gateway.id, rule.service_network_id),
      })),
    dnat_rules: dnat
      .filter((rule) => rule.nat_gateway_id === gateway.id)
      .map((rule): DnatRuleInput => ({
        ...base(rule),
        floating_ip_address: address.get(rule.floating_ip_id) ?? "",
        port_id: rule.port_id,
        private_ip: rule.private_ip,
        protocol: rule.protocol,
        internal_service_port: rule.internal_service_port,
        external_service_port: rule.external_service_port,
      })),
  }));
}
