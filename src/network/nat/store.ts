import { sql, type Kysely, type Selectable, type SqlBool } from "kysely";
import type { ListQuery } from "../../lib/list-query.ts";
import { selectPage, type Visibility } from "../store.ts";
import type { NetworkTables } from "../tables.ts";

/** Queries for NAT gateways and their SNAT and DNAT rules (migration 0021). */
type Standard = {
  id: string;
  project_id: string;
  name: string;
  description: string;
  status: string;
  admin_state_up: number;
  revision_number: number;
  created_at: string;
  updated_at: string;
};
export type NatTables = {
  nat_gateways: Standard & { router_id: string; spec: string };
  /** floating_ip_id for internet access, service_network_id for a service network; cidr always set. */
  snat_rules: Standard & {
    nat_gateway_id: string;
    floating_ip_id: string | null;
    service_network_id: string | null;
    network_id: string | null;
    cidr: string;
    source_key: string;
  };
  dnat_rules: Standard & {
    nat_gateway_id: string;
    floating_ip_id: string;
    port_id: string | null;
    private_ip: string;
    protocol: string;
    internal_service_port: number;
    external_service_port: number;
    external_key: string;
  };
};
export type NatGatewayRow = Selectable<NatTables["nat_gateways"]>;
export type SnatRuleRow = Selectable<NatTables["snat_rules"]>;
export type DnatRuleRow = Selectable<NatTables["dnat_rules"]>;
export type NatTable = keyof NatTables;
type Db = Kysely<NetworkTables>;

const nat = (db: Db) => db.withTables<NatTables>();

const projectScope = (visibility: Visibility) =>
  visibility.all ? undefined : sql<SqlBool>`${sql.ref("project_id")} = ${visibility.project_id ?? ""}`;

export function selectGateway(db: Db, id: string): Promise<NatGatewayRow | undefined> {
  return nat(db).selectFrom("nat_gateways").selectAll().where("id", "=", id).executeTakeFirst();
}

export function gatewayOfRouter(db: Db, routerId: string): Promise<NatGatewayRow | undefined> {
  return nat(db).selectFrom("nat_gateways").selectAll().where("router_id", "=", routerId).executeTakeFirst();
}

export function selectSnatRule(db: Db, id: string): Promise<SnatRuleRow | undefined> {
  return nat(db).selectFrom("snat_rules").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectDnatRule(db: Db, id: string): Promise<DnatRuleRow | undefined> {
  return nat(db).selectFrom("dnat_rules").selectAll().where("id", "=", id).executeTakeFirst();
}

/** A page of one of the three tables (selectPage only names the table in SQL). */
export function selectNatPage<Row extends { id: string }>(
  db: Db,
  table: NatTable,
  query: ListQuery,
  visibility: Visibility,
): Promise<Row[]> {
  return selectPage<Row>(db, table as keyof NetworkTables, query, projectScope(visibility));
}

export async function insertGateway(db: Db, row: NatGatewayRow): Promise<void> {
  await nat(db).insertInto("nat_gateways").values(row).execute();
}

/** false when the unique source_key says the gateway already translates this source. */
export async function claimSnatRule(db: Db, row: SnatRuleRow): Promise<boolean> {
  const inserted = await nat(db)
    .insertInto("snat_rules")
    .values(row)
    .onConflict((oc) => oc.column("source_key").doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** false when the unique external_key says the floating IP's port is taken. */
export async function claimDnatRule(db: Db, row: DnatRuleRow): Promise<boolean> {
  const inserted = await nat(db)
    .insertInto("dnat_rules")
    .values(row)
    .onConflict((oc) => oc.column("external_key").doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteNatRow(db: Db, table: NatTable, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await sql`delete from ${sql.table(table)} where id = ${id}`.execute(db);
}

export function rulesOfGateway(db: Db, gatewayId: string) {
  return Promise.all([
    nat(db)
      .selectFrom("snat_rules")
      .select("id")
      .where("nat_gateway_id", "=", gatewayId)
      .orderBy("id")
      .execute(),
    nat(db)
      .selectFrom("dnat_rules")
      .select("id")
      .where("nat_gateway_id", "=", gatewayId)
      .orderBy("id")
      .execute(),
  ]).then(([snat, dnat]) => ({ snat: snat.map((r) => r.id), dnat: dnat.map((r) => r.id) }));
}

/** The DNAT rules on a floating IP. */
export function dnatRulesOfFloatingIp(db: Db, floatingIpId: string): Promise<DnatRuleRow[]> {
  return nat(db).selectFrom("dnat_rules").selectAll().where("floating_ip_id", "=", floatingIpId).execute();
}

/** The ids of the SNAT and DNAT rules using a floating IP (it may then not be associated or deleted). */
export async function rulesUsingFloatingIp(db: Db, floatingIpId: string): Promise<string[]> {
  const [snat, dnat] = await Promise.all([
    nat(db).selectFrom("snat_rules").select("id").where("floating_ip_id", "=", floatingIpId).execute(),
    nat(db).selectFrom("dnat_rules").select("id").where("floating_ip_id", "=", floatingIpId).execute(),
  ]);
  return [...snat, ...dnat].map((row) => row.id).sort();
}

export function allNatRows(db: Db) {
  return Promise.all([
    nat(db).selectFrom("nat_gateways").selectAll().orderBy("id").execute(),
    nat(db).selectFrom("snat_rules").selectAll().orderBy("id").execute(),
    nat(db).selectFrom("dnat_rules").selectAll().orderBy("id").execute(),
  ]).then(([gateways, snat, dnat]) => ({ gateways, snat, dnat }));
}

/** The route tables with a route whose next hop is this NAT gateway. */
export async function tablesRoutingTo(db: Db, gatewayId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("route_table_routes")
    .select("route_table_id")
    .distinct()
    .where("nexthop_type", "=", "nat_gateway")
    .where("nexthop", "=", gatewayId)
    .orderBy("route_table_id")
    .execute();
  return rows.map((row) => row.route_table_id);
}
