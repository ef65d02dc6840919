import type { Kysely } from "kysely";
import type { VpcPeeringInput } from "../../sdn/compile/input.ts";
import type { NetworkTables } from "../tables.ts";
import { allPeerings } from "./store.ts";

/** VPC peerings for the SDN compiler, whatever their status (routes through a pending one are inert). */
export async function loadPeeringState(db: Kysely<NetworkTables>): Promise<VpcPeeringInput[]> {
  return (await allPeerings(db)).map((row) => ({
    id: row.id,
    project_id: row.project_id,
    revision_number: row.revision_number,
    name: row.name,
    status: row.status,
    request_vpc_id: row.request_vpc_id,
    accept_vpc_id: row.accept_vpc_id,
    transit_cidr: row.transit_cidr,
  }));
}
