import type { AuthContext } from "../../http/auth.ts";
import type { NetworkTx } from "../deps.ts";
import { FloatingIPNotFound } from "../errors-router.ts";
import { seenByProject } from "../resource.ts";
import { selectFloatingIp } from "../store-floating-ips.ts";
import { FloatingIPInBandwidth, InvalidBandwidth } from "./errors.ts";
import * as store from "./store.ts";

/**
 * Puts floating IPs into a bandwidth. Each must be the caller's to see (another project's is 404)
 * and of the bandwidth's project (an admin cannot pool two projects' addresses); one held by any
 * bandwidth is a 409 naming that bandwidth.
 */
export async function claimInto(
  tx: NetworkTx,
  caller: AuthContext,
  bandwidth: store.BandwidthRow,
  fipIds: readonly string[],
): Promise<void> {
  await store.lockFloatingIps(tx, fipIds);
  for (const id of fipIds) {
    const fip = seenByProject(caller, await selectFloatingIp(tx.db, id), () => new FloatingIPNotFound(id));
    if (fip.project_id !== bandwidth.project_id)
      throw new InvalidBandwidth(
        `Floating IP ${id} belongs to project ${fip.project_id}, not to the bandwidth's project ${bandwidth.project_id}`,
      );
  }
  const taken = await store.claimFloatingIps(tx.db, bandwidth.id, fipIds);
  if (taken.length === 0) return;
  const holders = await store.holdersOf(tx.db, taken);
  const first = taken[0] as string;
  throw new FloatingIPInBandwidth(first, holders.get(first) ?? "unknown");
}
