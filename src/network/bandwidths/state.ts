import type { Kysely } from "kysely";
import type { BandwidthInput } from "../../sdn/compile/input.ts";
import type { NetworkTables } from "../tables.ts";
import { allBandwidths, membersOf } from "./store.ts";

/** Every bandwidth with its floating IPs, for the SDN compiler (two queries). */
export async function loadBandwidthState(db: Kysely<NetworkTables>): Promise<BandwidthInput[]> {
  const [rows, members] = [await allBandwidths(db), await membersOf(db)];
  return rows.map((row) => ({
    id: row.id,
    project_id: row.project_id,
    revision_number: row.revision_number,
    size: row.size,
    share_type: row.share_type === "PER" ? "PER" : "WHOLE",
    floatingip_ids: members.get(row.id) ?? [],
  }));
}
