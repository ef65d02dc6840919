import type { AuthContext } from "../../http/auth.ts";
import { authorize, requireAuth, write, type NetworkDeps, type NetworkTx } from "../deps.ts";
import { ownedBy } from "../resource.ts";
import {
  dropBandwidth,
  insertBandwidth,
  saveBandwidth,
  visibleBandwidth,
  withRelations,
  type Bandwidth,
} from "./bandwidths.ts";
import { FloatingIPNotInBandwidth, InvalidBandwidth } from "./errors.ts";
import { claimInto } from "./members.ts";
import { memberChange, type MemberChange } from "./schemas.ts";
import * as store from "./store.ts";

/** Huawei's member actions on a shared (WHOLE) bandwidth, and what a floating IP's deletion does. */

async function changeMembers(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  body: unknown,
  action: "insert" | "remove",
  apply: (tx: NetworkTx, caller: AuthContext, row: store.BandwidthRow, change: MemberChange) => Promise<void>,
): Promise<Bandwidth> {
  const caller = requireAuth(auth);
  const change = memberChange(body, action);
  if (typeof change === "string") throw new InvalidBandwidth(change);
  return write(deps, async (tx) => {
    const row = await visibleBandwidth(tx.db, caller, id);
    authorize(caller, `${action}_bandwidth`, ownedBy(row));
    if (row.share_type !== "WHOLE")
      throw new InvalidBandwidth(
        `Bandwidth ${id} is dedicated (PER): floating IPs go in and out of shared (WHOLE) bandwidths only`,
      );
    await apply(tx, caller, row, change);
    return saveBandwidth(deps, tx, row, {});
  });
}

/** PUT|POST /v2.0/bandwidths/{id}/insert {"bandwidth": {"publicip_info": [{"publicip_id"}]}}. */
export function insertFloatingIps(deps: NetworkDeps, auth: AuthContext | null, id: string, body: unknown) {
  return changeMembers(deps, auth, id, body, "insert", (tx, caller, row, change) =>
    claimInto(tx, caller, row, change.fipIds),
  );
}

/**
 * PUT|POST /v2.0/bandwidths/{id}/remove: each floating IP must be in the pool (400). As Huawei
 * does, `size` (and `charge_mode`) give each removed floating IP a dedicated bandwidth; without
 * it they simply leave, unlimited.
 */
export function removeFloatingIps(deps: NetworkDeps, auth: AuthContext | null, id: string, body: unknown) {
  return changeMembers(deps, auth, id, body, "remove", async (tx, caller, row, change) => {
    const [bandwidth] = await withRelations(tx.db, [row]);
    const members = new Set((bandwidth?.publicip_info ?? []).map((ip) => ip.publicip_id));
    const missing = change.fipIds.find((fipId) => !members.has(fipId));
    if (missing !== undefined) throw new FloatingIPNotInBandwidth(missing, id);
    await store.releaseFloatingIps(tx.db, change.fipIds);
    if (change.size === null) return;
    for (const fipId of change.fipIds) {
      const body = { size: change.size, share_type: "PER", charge_mode: change.chargeMode };
      await insertBandwidth(deps, tx, caller, { body, projectId: row.project_id, fipIds: [fipId] });
    }
  });
}

/** A floating IP being deleted leaves its bandwidth; a dedicated (PER) one goes with it. */
export async function releaseFloatingIpBandwidth(
  deps: NetworkDeps,
  tx: NetworkTx,
  fipId: string,
): Promise<void> {
  await store.lockFloatingIps(tx, [fipId]);
  const holder = (await store.holdersOf(tx.db, [fipId])).get(fipId);
  const row = holder === undefined ? undefined : await store.selectBandwidth(tx.db, holder);
  if (row === undefined) return;
  if (row.share_type === "PER") return dropBandwidth(deps, tx, row);
  await store.releaseFloatingIps(tx.db, [fipId]);
  await saveBandwidth(deps, tx, row, {});
}
