import { onDuplicate } from "../../db/index.ts";
import type { AuthContext } from "../../http/auth.ts";
import { emit, now, reader, requireAuth, write, type ImageDeps, type ImageTx } from "../deps.ts";
import { HTTPBadRequest, HTTPConflict, HTTPNotFound } from "../errors.ts";
import { asBody, namespaceForChange, requiredName, visibleNamespace } from "./namespaces.ts";
import * as store from "./store.ts";
import type { MetadefChild, NamespaceRow } from "./store.ts";

/** Metadef tags: bare names within a namespace. */

function notFound(ns: string, name: string): HTTPNotFound {
  return new HTTPNotFound(`The metadata definition tag with name=${name} was not found in namespace=${ns}.`);
}

function duplicate(ns: string, name: string): HTTPConflict {
  return new HTTPConflict(`A metadata tag with name=${name} already exists in namespace=${ns}.`);
}

export function tagView(row: MetadefChild): Record<string, unknown> {
  return { name: row.name, created_at: row.created_at, updated_at: row.updated_at };
}

export async function insertTag(deps: ImageDeps, tx: ImageTx, ns: NamespaceRow, name: string) {
  const at = now(deps);
  const row: MetadefChild = { namespace_id: ns.id, name, created_at: at, updated_at: at };
  await onDuplicate(tx.db.insertInto("metadef_tags").values(row).execute(), () =>
    duplicate(ns.namespace, name),
  );
  return row;
}

export async function createTag(deps: ImageDeps, authIn: AuthContext | null, ns: string, name: string) {
  const auth = requireAuth(authIn);
  return write(deps, async (tx) => {
    const namespace = await namespaceForChange(tx, auth, ns, "add_metadef_tag");
    const view = tagView(await insertTag(deps, tx, namespace, requiredName({ name }, "name")));
    await emit(deps, tx, "metadef_tag.create", ns, namespace.owner, { namespace: ns, ...view });
    return view;
  });
}

/**
 * POST /tags {"tags": [{"name"}...]}: replaces the namespace's tags, as Glance does, unless the
 * X-Openstack-Append header is true. A name twice in the request is 409.
 */
export async function createTags(
  deps: ImageDeps,
  authIn: AuthContext | null,
  ns: string,
  body: unknown,
  append: boolean,
) {
  const auth = requireAuth(authIn);
  const tags = asBody(body).tags;
  if (!Array.isArray(tags)) throw new HTTPBadRequest("Invalid input for field/attribute tags.");
  const names = tags.map((tag) => requiredName(asBody(tag), "name"));
  return write(deps, async (tx) => {
    const namespace = await namespaceForChange(tx, auth, ns, "add_metadef_tags");
    if (!append) await store.deleteChildren(tx.db, "metadef_tags", namespace.id);
    const rows = [];
    for (const name of names) rows.push(await insertTag(deps, tx, namespace, name));
    const view = { tags: rows.map((row) => ({ name: row.name })) };
    await emit(deps, tx, "metadef_tag.create", ns, namespace.owner, { namespace: ns, ...view });
    return view;
  });
}

export async function listTags(deps: ImageDeps, authIn: AuthContext | null, ns: string) {
  const db = reader(deps);
  const namespace = await visibleNamespace(db, requireAuth(authIn), ns);
  return { tags: (await store.selectTags(db, namespace.id)).map(tagView) };
}

export async function getTag(deps: ImageDeps, authIn: AuthContext | null, ns: string, name: string) {
  const db = reader(deps);
  const namespace = await visibleNamespace(db, requireAuth(authIn), ns);
  const row = await store.selectTag(db, namespace.id, name);
  if (row === undefined) throw notFound(ns, name);
  return tagView(row);
}

/** PUT /tags/{name} {"name": new}: a rename. */
export async function updateTag(
  deps: ImageDeps,
  authIn: AuthContext | null,
  ns: string,
  name: string,
  body: unknown,
) {
  const auth = requireAuth(authIn);
  const newName = requiredName(asBody(body), "name");
  return write(deps, async (tx) => {
    const namespace = await namespaceForChange(tx, auth, ns, "modify_metadef_tag");
    const current = await store.selectTag(tx.db, namespace.id, name);
    if (current === undefined) throw notFound(ns, name);
    const row = { ...current, name: newName, updated_at: now(deps) };
    await onDuplicate(
      tx.db
        .updateTable("metadef_tags")
        .set(row)
        .where("namespace_id", "=", namespace.id)
        .where("name", "=", name)
        .execute(),
      () => duplicate(ns, newName),
    );
    const view = tagView(row);
    await emit(deps, tx, "metadef_tag.update", ns, namespace.owner, { namespace: ns, ...view });
    return view;
  });
}

export async function deleteTag(deps: ImageDeps, authIn: AuthContext | null, ns: string, name: string) {
  const auth = requireAuth(authIn);
  await write(deps, async (tx) => {
    const namespace = await namespaceForChange(tx, auth, ns, "delete_metadef_tag");
    if ((await store.deleteChildren(tx.db, "metadef_tags", namespace.id, name)) === 0)
      throw notFound(ns, name);
    await emit(deps, tx, "metadef_tag.delete", ns, namespace.owner, { namespace: ns, name });
  });
}

/** DELETE /namespaces/{ns}/objects|properties|tags: empties one kind of child. */
export async function deleteAll(
  deps: ImageDeps,
  authIn: AuthContext | null,
  ns: string,
  table: store.ChildTable,
) {
  const auth = requireAuth(authIn);
  const kind = table.slice("metadef_".length);
  await write(deps, async (tx) => {
    const namespace = await namespaceForChange(tx, auth, ns, "delete_metadef_namespace");
    await store.deleteChildren(tx.db, table, namespace.id);
    await emit(deps, tx, `metadef_namespace.delete_${kind}`, ns, namespace.owner, { namespace: ns });
  });
}
