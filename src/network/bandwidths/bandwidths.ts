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
import { floatingIpAddresses } from "../store-floating-ips.ts";
import { BandwidthInUse, BandwidthNotFound, InvalidBandwidth } from "./errors.ts";
import { claimInto } from "./members.ts";
import { bandwidthAttributes } from "./schemas.ts";
import * as store from "./store.ts";

export type Bandwidth = ReturnType<typeof bandwidthView>;
type Db = NetworkTx["db"];

export interface PublicIp {
  publicip_id: string;
  publicip_address: string;
  ip_version: 4 | 6;
}

export function bandwidthView(row: store.BandwidthRow, ips: readonly PublicIp[], tags: readonly string[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    size: row.size,
    share_type: row.share_type,
    charge_mode: row.charge_mode,
    publicip_info: ips.map((ip) => ({ ...ip })),
    status: row.status,
    tenant_id: row.project_id,
    project_id: row.project_id,
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/** A bandwidth is seen by its project (and admins) only; for anyone else it does not exist. */
export async function visibleBandwidth(db: Db, caller: AuthContext, id: string): Promise<store.BandwidthRow> {
  return seenByProject(caller, await store.selectBandwidth(db, id), () => new BandwidthNotFound(id));
}

/** The floating IPs to put in on create: `floatingip_id` and publicip_info together. */
function requestedIps(body: Record<string, unknown>): string[] {
  const listed = (body.publicip_info as Array<{ publicip_id: string }>).map((item) => item.publicip_id);
  const one = body.floatingip_id as string | null;
  return one === null || listed.includes(one) ? listed : [one, ...listed];
}

/** POST /v2.0/bandwidths: a PER bandwidth for exactly one floating IP, or a WHOLE pool of any. */
export function createBandwidths(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<Bandwidth[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: bandwidthAttributes,
    resource: "bandwidth",
    check: (_caller, body) => {
      if (body.share_type === "PER" && requestedIps(body).length !== 1)
        throw new InvalidBandwidth("A PER (dedicated) bandwidth is for exactly one floating IP");
    },
    insert: (tx, caller, { body, projectId }) =>
      insertBandwidth(deps, tx, caller, { body, projectId, fipIds: requestedIps(body) }),
  });
}

interface NewBandwidth {
  body: Record<string, unknown>;
  projectId: string;
  fipIds: readonly string[];
}

/** Creates the row and claims its floating IPs (also used by remove, for Huawei's dedicated ones). */
export async function insertBandwidth(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  { body, projectId, fipIds }: NewBandwidth,
): Promise<Bandwidth> {
  await enforceQuota(tx, projectId, "bandwidth");
  const now = isoSeconds(deps.clock.now());
  const row: store.BandwidthRow = {
    id: uuid(),
    project_id: projectId,
    name: (body.name as string | undefined) ?? "",
    description: (body.description as string | undefined) ?? "",
    size: body.size as number,
    share_type: body.share_type as string,
    charge_mode: body.charge_mode as string,
    status: "ACTIVE",
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  await store.insertBandwidth(tx.db, row);
  await claimInto(tx, caller, row, fipIds);
  const [bandwidth] = await withRelations(tx.db, [row]);
  await emit(deps, tx, "bandwidth", "create", bandwidth!);
  return bandwidth!;
}

export async function getBandwidth(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<Bandwidth> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const [bandwidth] = await withRelations(db, [await visibleBandwidth(db, caller, id)]);
  return bandwidth!;
}

export async function listBandwidths(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<Bandwidth[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  return withRelations(
    db,
    await store.selectBandwidths(db, query, isAdmin(caller) ? null : caller.project_id),
  );
}

/** Bandwidths with their floating IPs and tags: three queries whatever their number. */
export async function withRelations(db: Db, rows: readonly store.BandwidthRow[]): Promise<Bandwidth[]> {
  const ids = rows.map((row) => row.id);
  const members = await store.membersOf(db, ids);
  const address = await floatingIpAddresses(db, [...members.values()].flat());
  const tags = await networkStore.selectTags(db, ids);
  const ipsOf = (id: string): PublicIp[] =>
    (members.get(id) ?? []).map((fipId) => {
      const ip = address.get(fipId) ?? "";
      return { publicip_id: fipId, publicip_address: ip, ip_version: ip.includes(":") ? 6 : 4 };
    });
  return rows.map((row) => bandwidthView(row, ipsOf(row.id), tags.get(row.id) ?? []));
}

/** PUT /v2.0/bandwidths/{id}: name, description, size and charge_mode change. */
export async function updateBandwidth(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<Bandwidth> {
  const caller = requireAuth(auth);
  const body = parseBody(bandwidthAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visibleBandwidth(tx.db, caller, id);
    authorize(caller, "update_bandwidth", ownedBy(row));
    checkRevision(row.revision_number, ifMatch);
    const changes: Partial<store.BandwidthRow> = {};
    for (const key of ["name", "description", "size", "charge_mode"] as const)
      if (body[key] !== undefined) Object.assign(changes, { [key]: body[key] });
    return saveBandwidth(deps, tx, row, changes);
  });
}

/** A WHOLE pool must be empty first (409); a PER bandwidth goes, leaving its floating IP unlimited. */
export async function deleteBandwidth(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visibleBandwidth(tx.db, caller, id);
    authorize(caller, "delete_bandwidth", ownedBy(row));
    const members = (await store.membersOf(tx.db, [id])).get(id) ?? [];
    if (row.share_type === "WHOLE" && members.length > 0) throw new BandwidthInUse(id, members);
    await dropBandwidth(deps, tx, row);
  });
}

export async function dropBandwidth(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: store.BandwidthRow,
): Promise<void> {
  const [bandwidth] = await withRelations(tx.db, [row]);
  await store.deleteBandwidthRow(tx.db, row.id);
  await emit(deps, tx, "bandwidth", "delete", bandwidth!);
}

export function changeBandwidthTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, bandwidthId) => visibleBandwidth(tx.db, caller, bandwidthId),
    action: "update_bandwidth",
    target: ownedBy,
    save: (tx, row) => saveBandwidth(deps, tx, row, {}),
  });
}

/** Every change is a new revision, announced with the floating IPs it meters. */
export async function saveBandwidth(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: store.BandwidthRow,
  changes: Partial<store.BandwidthRow>,
): Promise<Bandwidth> {
  const saved = await networkStore.saveRevision(
    tx.db,
    "bandwidths",
    row,
    changes,
    isoSeconds(deps.clock.now()),
  );
  const [bandwidth] = await withRelations(tx.db, [saved]);
  await emit(deps, tx, "bandwidth", "update", bandwidth!);
  return bandwidth!;
}
