import type { AuthContext } from "../../http/auth.ts";
import { InvalidInput, parseBody } from "../../lib/attributes.ts";
import { uuid } from "../../lib/ids.ts";
import type { ListQuery } from "../../lib/list-query.ts";
import { isoSeconds } from "../../lib/time.ts";
import { reader, type NetworkDeps, type NetworkTx } from "../deps.ts";
import { adminOnly, announce, createAll, writeTopology } from "./common.ts";
import { SdnLinkEndpointNotFound, SdnLinkExists, SdnLinkNotFound } from "./errors.ts";
import { linkAttributes } from "./schemas.ts";
import * as store from "./store.ts";

/**
 * Cables between hosts and devices. A link is undirected: a-b and b-a are the same link. Links
 * are what the effective status follows (host -> TOR -> spine, gateway -> spine).
 */

export interface SdnLink {
  id: string;
  a_kind: string;
  a_id: string;
  b_kind: string;
  b_id: string;
  a_interface: string;
  b_interface: string;
  speed_mbps: number | null;
  created_at: string;
  updated_at: string;
}

export function linkView(row: store.LinkRow): SdnLink {
  return { ...row, speed_mbps: row.speed_mbps === null ? null : Number(row.speed_mbps) };
}

export function createLinks(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<SdnLink[]> {
  return createAll(deps, auth, inputs, {
    resource: "sdn_link",
    attributes: linkAttributes,
    insert: async (tx, body) => {
      const now = isoSeconds(deps.clock.now());
      const row = linkRow({ id: uuid(), created_at: now, updated_at: now }, body);
      await checkEnds(tx, row);
      await store.insertLink(tx.db, row);
      const view = linkView(row);
      await announce(deps, tx, "sdn_link", "create", view);
      return view;
    },
  });
}

export async function getLink(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<SdnLink> {
  adminOnly(auth, "get_sdn_link");
  return linkView(await linkOrThrow(reader(deps), id));
}

export async function listLinks(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<SdnLink[]> {
  adminOnly(auth, "get_sdn_link");
  return (await store.selectRows(reader(deps), "sdn_links", query)).map(linkView);
}

/** Only the interfaces and the speed change; re-cabling is a delete and a create. */
export function updateLink(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
): Promise<SdnLink> {
  adminOnly(auth, "update_sdn_link");
  const body = parseBody(linkAttributes, input, "update");
  return writeTopology(deps, async (tx) => {
    const current = await linkOrThrow(tx.db, id);
    const row = linkRow({ ...current, updated_at: isoSeconds(deps.clock.now()) }, { ...current, ...body });
    await store.updateLink(tx.db, row);
    const view = linkView(row);
    await announce(deps, tx, "sdn_link", "update", view);
    return view;
  });
}

export async function deleteLink(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  adminOnly(auth, "delete_sdn_link");
  await writeTopology(deps, async (tx) => {
    const row = await linkOrThrow(tx.db, id);
    await store.deleteRow(tx.db, "sdn_links", id);
    await announce(deps, tx, "sdn_link", "delete", linkView(row));
  });
}

async function linkOrThrow(db: NetworkTx["db"], id: string): Promise<store.LinkRow> {
  const row = await store.selectRow(db, "sdn_links", id);
  if (row === undefined) throw new SdnLinkNotFound(id);
  return row;
}

function linkRow(
  base: Pick<store.LinkRow, "id" | "created_at" | "updated_at">,
  body: Record<string, unknown>,
): store.LinkRow {
  return {
    id: base.id,
    a_kind: body.a_kind as string,
    a_id: body.a_id as string,
    b_kind: body.b_kind as string,
    b_id: body.b_id as string,
    a_interface: body.a_interface as string,
    b_interface: body.b_interface as string,
    speed_mbps: body.speed_mbps as number | null,
    created_at: base.created_at,
    updated_at: base.updated_at,
  };
}

/** Both ends exist (404 naming the side), differ, and are not linked yet (either direction). */
async function checkEnds(tx: NetworkTx, row: store.LinkRow): Promise<void> {
  if (row.a_id === row.b_id) throw new InvalidInput("a link cannot connect an endpoint to itself");
  for (const side of ["a", "b"] as const) {
    const kind = row[`${side}_kind`];
    const id = row[`${side}_id`];
    const table = kind === "host" ? "sdn_hosts" : "sdn_devices";
    if ((await store.selectRow(tx.db, table, id)) === undefined)
      throw new SdnLinkEndpointNotFound(side, kind, id);
  }
  const existing = await store.selectLinkBetween(tx.db, row.a_id, row.b_id);
  if (existing !== undefined) throw new SdnLinkExists(existing.id);
}
