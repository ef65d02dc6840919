import { onDuplicate } from "../../db/index.ts";
import type { AuthContext } from "../../http/auth.ts";
import { emit, now, reader, requireAuth, write, type ImageDeps, type ImageTx } from "../deps.ts";
import { HTTPBadRequest, HTTPConflict, HTTPNotFound } from "../errors.ts";
import {
  asBody,
  namespaceForChange,
  optionalString,
  requiredName,
  visibleNamespace,
  type Body,
} from "./namespaces.ts";
import { checkPropertySchema } from "./properties.ts";
import * as store from "./store.ts";
import type { NamespaceRow, ObjectRow } from "./store.ts";

/** Metadef objects: a named group of property definitions, some of them required. */

function notFound(ns: string, name: string): HTTPNotFound {
  return new HTTPNotFound(
    `The metadata definition object with name=${name} was not found in namespace=${ns}.`,
  );
}

function duplicate(ns: string, name: string): HTTPConflict {
  return new HTTPConflict(
    `A metadata definition object with name=${name} already exists in namespace=${ns}.`,
  );
}

function objectFields(body: Body): Pick<ObjectRow, "name" | "description" | "required" | "properties"> {
  const required = body.required ?? [];
  if (!Array.isArray(required) || required.some((r) => typeof r !== "string"))
    throw new HTTPBadRequest("Invalid input for field/attribute required.");
  const properties = body.properties === undefined ? {} : asBody(body.properties);
  for (const schema of Object.values(properties)) checkPropertySchema(asBody(schema));
  return {
    name: requiredName(body, "name"),
    description: optionalString(body, "description"),
    required: JSON.stringify(required),
    properties: JSON.stringify(properties),
  };
}

export function objectView(ns: NamespaceRow, row: ObjectRow): Record<string, unknown> {
  return {
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    required: JSON.parse(row.required) as unknown,
    properties: JSON.parse(row.properties) as unknown,
    created_at: row.created_at,
    updated_at: row.updated_at,
    self: `/v2/metadefs/namespaces/${ns.namespace}/objects/${row.name}`,
    schema: "/v2/schemas/metadefs/object",
  };
}

export async function insertObject(deps: ImageDeps, tx: ImageTx, ns: NamespaceRow, body: Body) {
  const at = now(deps);
  const row: ObjectRow = { namespace_id: ns.id, ...objectFields(body), created_at: at, updated_at: at };
  await onDuplicate(tx.db.insertInto("metadef_objects").values(row).execute(), () =>
    duplicate(ns.namespace, row.name),
  );
  return row;
}

export async function createObject(deps: ImageDeps, authIn: AuthContext | null, ns: string, body: unknown) {
  const auth = requireAuth(authIn);
  return write(deps, async (tx) => {
    const namespace = await namespaceForChange(tx, auth, ns, "add_metadef_object");
    const view = objectView(namespace, await insertObject(deps, tx, namespace, asBody(body)));
    await emit(deps, tx, "metadef_object.create", ns, namespace.owner, { namespace: ns, ...view });
    return view;
  });
}

export async function listObjects(deps: ImageDeps, authIn: AuthContext | null, ns: string) {
  const db = reader(deps);
  const namespace = await visibleNamespace(db, requireAuth(authIn), ns);
  const objects = await store.selectObjects(db, namespace.id);
  return { objects: objects.map((o) => objectView(namespace, o)), schema: "/v2/schemas/metadefs/objects" };
}

export async function getObject(deps: ImageDeps, authIn: AuthContext | null, ns: string, name: string) {
  const db = reader(deps);
  const namespace = await visibleNamespace(db, requireAuth(authIn), ns);
  const row = await store.selectObject(db, namespace.id, name);
  if (row === undefined) throw notFound(ns, name);
  return objectView(namespace, row);
}

export async function updateObject(
  deps: ImageDeps,
  authIn: AuthContext | null,
  ns: string,
  name: string,
  body: unknown,
) {
  const auth = requireAuth(authIn);
  return write(deps, async (tx) => {
    const namespace = await namespaceForChange(tx, auth, ns, "modify_metadef_object");
    const current = await store.selectObject(tx.db, namespace.id, name);
    if (current === undefined) throw notFound(ns, name);
    const row: ObjectRow = { ...current, ...objectFields(asBody(body)), updated_at: now(deps) };
    await onDuplicate(
      tx.db
        .updateTable("metadef_objects")
        .set(row)
        .where("namespace_id", "=", namespace.id)
        .where("name", "=", name)
        .execute(),
      () => duplicate(ns, row.name),
    );
    const view = objectView(namespace, row);
    await emit(deps, tx, "metadef_object.update", ns, namespace.owner, { namespace: ns, ...view });
    return view;
  });
}

export async function deleteObject(deps: ImageDeps, authIn: AuthContext | null, ns: string, name: string) {
  const auth = requireAuth(authIn);
  await write(deps, async (tx) => {
    const namespace = await namespaceForChange(tx, auth, ns, "delete_metadef_object");
    if ((await store.deleteChildren(tx.db, "metadef_objects", namespace.id, name)) === 0)
      throw notFound(ns, name);
    await emit(deps, tx, "metadef_object.delete", ns, namespace.owner, { namespace: ns, name });
  });
}
