import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { onDuplicate } from "../../db/index.ts";
import type { AuthContext } from "../../http/auth.ts";
import {
  authorize,
  emit,
  isAdmin,
  now,
  reader,
  requireAuth,
  write,
  type ImageDeps,
  type ImageTx,
} from "../deps.ts";
import { HTTPBadRequest, HTTPConflict, HTTPForbidden, HTTPNotFound } from "../errors.ts";
import type { ImageTables } from "../tables.ts";
import { associationView, insertAssociation } from "./resource-types.ts";
import { insertObject, objectView } from "./objects.ts";
import { insertProperty, propertiesMap } from "./properties.ts";
import { insertTag, tagView } from "./tags.ts";
import * as store from "./store.ts";
import type { NamespaceRow } from "./store.ts";

/**
 * Metadef namespaces. Reading needs a token; every change is admin-only, as Glance's defaults
 * (policy actions not in the table are admin-only). A private namespace is seen by its owner
 * project and admins only; anyone else gets 404, never 403.
 */
export type View = Record<string, unknown>;
export type Body = Record<string, unknown>;

export function namespaceNotFound(name: string): HTTPNotFound {
  return new HTTPNotFound(`Metadata definition namespace=${name} was not found.`);
}

export function canSee(auth: AuthContext, row: NamespaceRow): boolean {
  return (
    row.visibility === "public" ||
    isAdmin(auth) ||
    (auth.project_id !== null && row.owner === auth.project_id)
  );
}

export async function visibleNamespace(
  db: Kysely<ImageTables>,
  auth: AuthContext,
  name: string,
): Promise<NamespaceRow> {
  const row = await store.selectNamespace(db, name);
  if (row === undefined || !canSee(auth, row)) throw namespaceNotFound(name);
  return row;
}

/** The namespace for a change: visible (else 404), then the action allowed (else 403). */
export async function namespaceForChange(
  tx: ImageTx,
  auth: AuthContext,
  name: string,
  action: string,
): Promise<NamespaceRow> {
  const row = await visibleNamespace(tx.db, auth, name);
  authorize(auth, action, { project_id: row.owner });
  return row;
}

export function asBody(body: unknown): Body {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HTTPBadRequest("Malformed JSON in request body.");
  return body as Body;
}

export function optionalString(body: Body, key: string): string | null {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw new HTTPBadRequest(`Invalid input for field/attribute ${key}.`);
  return value;
}

export function requiredName(body: Body, key: string): string {
  const value = optionalString(body, key);
  if (value === null || value === "" || value.length > 80)
    throw new HTTPBadRequest(`Invalid input for field/attribute ${key}.`);
  return value;
}

function namespaceFields(
  body: Body,
  current?: NamespaceRow,
): Omit<NamespaceRow, "id" | "created_at" | "updated_at"> {
  const visibility = body.visibility ?? current?.visibility ?? "private";
  if (visibility !== "public" && visibility !== "private")
    throw new HTTPBadRequest("Invalid input for field/attribute visibility.");
  const isProtected = body.protected ?? current?.protected === 1;
  if (typeof isProtected !== "boolean")
    throw new HTTPBadRequest("Invalid input for field/attribute protected.");
  const keep = (key: "display_name" | "description" | "owner") =>
    key in body ? optionalString(body, key) : (current?.[key] ?? null);
  return {
    namespace: requiredName(body, "namespace"),
    display_name: keep("display_name"),
    description: keep("description"),
    visibility,
    protected: isProtected ? 1 : 0,
    owner: keep("owner"),
  };
}

export function namespaceView(row: NamespaceRow): View {
  return {
    namespace: row.namespace,
    ...(row.display_name !== null ? { display_name: row.display_name } : {}),
    ...(row.description !== null ? { description: row.description } : {}),
    visibility: row.visibility,
    protected: row.protected === 1,
    owner: row.owner,
    created_at: row.created_at,
    updated_at: row.updated_at,
    self: `/v2/metadefs/namespaces/${row.namespace}`,
    schema: "/v2/schemas/metadefs/namespace",
  };
}

function duplicate(name: string): HTTPConflict {
  return new HTTPConflict(`Namespace ${name} already exists`);
}

/** The whole namespace with its nested definitions (also how seed.ts writes its catalog). */
export async function insertNamespace(deps: ImageDeps, tx: ImageTx, body: Body, owner: string | null) {
  const at = now(deps);
  const fields = namespaceFields({ owner, ...body });
  const row: NamespaceRow = { id: randomUUID(), ...fields, created_at: at, updated_at: at };
  await onDuplicate(tx.db.insertInto("metadef_namespaces").values(row).execute(), () =>
    duplicate(row.namespace),
  );
  const list = (key: string): unknown[] => (Array.isArray(body[key]) ? (body[key] as unknown[]) : []);
  for (const association of list("resource_type_associations"))
    await insertAssociation(deps, tx, row, asBody(association));
  for (const object of list("objects")) await insertObject(deps, tx, row, asBody(object));
  for (const tag of list("tags")) await insertTag(deps, tx, row, requiredName(asBody(tag), "name"));
  const properties = body.properties === undefined ? {} : asBody(body.properties);
  for (const [name, schema] of Object.entries(properties))
    await insertProperty(deps, tx, row, { ...asBody(schema), name });
  return row;
}

export async function createNamespace(deps: ImageDeps, authIn: AuthContext | null, body: unknown) {
  const auth = requireAuth(authIn);
  authorize(auth, "add_metadef_namespace", {});
  return write(deps, async (tx) => {
    const row = await insertNamespace(deps, tx, asBody(body), auth.project_id);
    const view = await fullView(tx.db, row);
    await emit(deps, tx, "metadef_namespace.create", row.namespace, row.owner, namespaceView(row));
    return view;
  });
}

/** The namespace with what it holds; Glance leaves out the empty parts. */
async function fullView(db: Kysely<ImageTables>, row: NamespaceRow): Promise<View> {
  const associations = (await store.selectAssociations(db, [row.id])).map(associationView);
  const objects = (await store.selectObjects(db, row.id)).map((o) => objectView(row, o));
  const properties = propertiesMap(await store.selectProperties(db, row.id));
  const tags = (await store.selectTags(db, row.id)).map(tagView);
  return {
    ...namespaceView(row),
    ...(associations.length > 0 ? { resource_type_associations: associations } : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    ...(objects.length > 0 ? { objects } : {}),
    ...(tags.length > 0 ? { tags } : {}),
  };
}

export async function getNamespace(deps: ImageDeps, authIn: AuthContext | null, name: string) {
  const auth = requireAuth(authIn);
  const db = reader(deps);
  return fullView(db, await visibleNamespace(db, auth, name));
}

export async function updateNamespace(
  deps: ImageDeps,
  authIn: AuthContext | null,
  name: string,
  body: unknown,
) {
  const auth = requireAuth(authIn);
  return write(deps, async (tx) => {
    const current = await namespaceForChange(tx, auth, name, "modify_metadef_namespace");
    const row: NamespaceRow = {
      ...current,
      ...namespaceFields(asBody(body), current),
      updated_at: now(deps),
    };
    await onDuplicate(
      tx.db.updateTable("metadef_namespaces").set(row).where("id", "=", row.id).execute(),
      () => duplicate(row.namespace),
    );
    await emit(deps, tx, "metadef_namespace.update", row.namespace, row.owner, namespaceView(row));
    return fullView(tx.db, row);
  });
}

export async function deleteNamespace(deps: ImageDeps, authIn: AuthContext | null, name: string) {
  const auth = requireAuth(authIn);
  await write(deps, async (tx) => {
    const row = await namespaceForChange(tx, auth, name, "delete_metadef_namespace");
    if (row.protected === 1) throw new HTTPForbidden(`Namespace ${name} is protected and cannot be deleted.`);
    await tx.db.deleteFrom("metadef_namespaces").where("id", "=", row.id).execute();
    await emit(deps, tx, "metadef_namespace.delete", row.namespace, row.owner, namespaceView(row));
  });
}

type Query = Record<string, string | string[] | undefined>;

function one(query: Query, key: string): string | undefined {
  const value = query[key];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/**
 * GET /namespaces: the visible ones, filtered by visibility and by resource type (comma-separated,
 * any of them), sorted (created_at desc by default, then by name) and paged by marker in memory —
 * a catalog holds tens of namespaces, not millions.
 */
export async function listNamespaces(deps: ImageDeps, authIn: AuthContext | null, query: Query) {
  const auth = requireAuth(authIn);
  const db = reader(deps);
  let rows = (await store.selectNamespaces(db)).filter((row) => canSee(auth, row));
  const visibility = one(query, "visibility");
  if (visibility !== undefined) rows = rows.filter((row) => row.visibility === visibility);
  const associations = await store.selectAssociations(
    db,
    rows.map((row) => row.id),
  );
  const types = one(query, "resource_types")
    ?.split(",")
    .filter((t) => t !== "");
  if (types !== undefined && types.length > 0) {
    const wanted = new Set(
      associations.filter((a) => types.includes(a.resource_type)).map((a) => a.namespace_id),
    );
    rows = rows.filter((row) => wanted.has(row.id));
  }
  rows = sortRows(rows, one(query, "sort_key") ?? "created_at", one(query, "sort_dir") ?? "desc");
  const marker = one(query, "marker");
  if (marker !== undefined) {
    const at = rows.findIndex((row) => row.namespace === marker);
    if (at < 0) throw namespaceNotFound(marker);
    rows = rows.slice(at + 1);
  }
  const limit = Number(one(query, "limit") ?? "1000");
  if (!Number.isInteger(limit) || limit < 0) throw new HTTPBadRequest("limit param must be an integer");
  const page = rows.slice(0, limit);
  const views = page.map((row) => {
    const mine = associations.filter((a) => a.namespace_id === row.id).map(associationView);
    return { ...namespaceView(row), ...(mine.length > 0 ? { resource_type_associations: mine } : {}) };
  });
  const last = page[page.length - 1];
  return {
    namespaces: views,
    first: "/v2/metadefs/namespaces",
    schema: "/v2/schemas/metadefs/namespaces",
    ...(rows.length > limit && last !== undefined
      ? { next: `/v2/metadefs/namespaces?marker=${encodeURIComponent(last.namespace)}&limit=${limit}` }
      : {}),
  };
}

const SORT_KEYS = ["created_at", "updated_at", "namespace", "display_name", "visibility"] as const;

function sortRows(rows: NamespaceRow[], key: string, dir: string): NamespaceRow[] {
  const sortKey = SORT_KEYS.find((k) => k === key);
  if (sortKey === undefined) throw new HTTPBadRequest(`Invalid sort key: ${key}.`);
  if (dir !== "asc" && dir !== "desc") throw new HTTPBadRequest(`Invalid sort direction: ${dir}`);
  const sign = dir === "asc" ? 1 : -1;
  // Ties (the seeded namespaces share a created_at) fall back to the name, so pages are stable.
  return [...rows].sort(
    (a, b) => sign * compare(a[sortKey] ?? "", b[sortKey] ?? "") || compare(a.namespace, b.namespace),
  );
}

/** Code-point order: the same on every host, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
