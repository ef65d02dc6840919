import { onDuplicate } from "../../db/index.ts";
import type { AuthContext } from "../../http/auth.ts";
import { emit, now, reader, requireAuth, write, type ImageDeps, type ImageTx } from "../deps.ts";
import { HTTPBadRequest, HTTPConflict, HTTPNotFound } from "../errors.ts";
import { asBody, namespaceForChange, requiredName, visibleNamespace, type Body } from "./namespaces.ts";
import * as store from "./store.ts";
import type { NamespaceRow, PropertyRow } from "./store.ts";

/**
 * Metadef properties: a name and a JSON schema fragment (title, type, enum, default, bounds,
 * items, ...) kept as text. Only the shape Glance's property schema insists on is checked.
 */

const TYPES = ["string", "integer", "number", "boolean", "array", "object"];

function notFound(ns: string, name: string): HTTPNotFound {
  return new HTTPNotFound(
    `The metadata definition property with name=${name} was not found in namespace=${ns}.`,
  );
}

function duplicate(ns: string, name: string): HTTPConflict {
  return new HTTPConflict(
    `A metadata definition property with name=${name} already exists in namespace=${ns}.`,
  );
}

/** Refuses a property schema without a known type or with a mistyped title or enum. */
export function checkPropertySchema(schema: Body): void {
  if (typeof schema.type !== "string" || !TYPES.includes(schema.type))
    throw new HTTPBadRequest("Invalid input for field/attribute type.");
  if (schema.title !== undefined && typeof schema.title !== "string")
    throw new HTTPBadRequest("Invalid input for field/attribute title.");
  if (schema.enum !== undefined && !Array.isArray(schema.enum))
    throw new HTTPBadRequest("Invalid input for field/attribute enum.");
}

function propertyRow(ns: NamespaceRow, body: Body, at: string): PropertyRow {
  // The name is the row key; the rest of the body is the schema.
  const schema = Object.fromEntries(Object.entries(body).filter(([key]) => key !== "name"));
  if (typeof schema.title !== "string") throw new HTTPBadRequest("Invalid input for field/attribute title.");
  checkPropertySchema(schema);
  return {
    namespace_id: ns.id,
    name: requiredName(body, "name"),
    json_schema: JSON.stringify(schema),
    created_at: at,
    updated_at: at,
  };
}

export function propertyView(row: PropertyRow): Record<string, unknown> {
  return { name: row.name, ...(JSON.parse(row.json_schema) as Body) };
}

/** Glance's list shape: {name: schema} (the schema without its name). */
export function propertiesMap(rows: PropertyRow[]): Record<string, unknown> {
  return Object.fromEntries(rows.map((row) => [row.name, JSON.parse(row.json_schema) as unknown]));
}

export async function insertProperty(deps: ImageDeps, tx: ImageTx, ns: NamespaceRow, body: Body) {
  const row = propertyRow(ns, body, now(deps));
  await onDuplicate(tx.db.insertInto("metadef_properties").values(row).execute(), () =>
    duplicate(ns.namespace, row.name),
  );
  return row;
}

export async function createProperty(deps: ImageDeps, authIn: AuthContext | null, ns: string, body: unknown) {
  const auth = requireAuth(authIn);
  return write(deps, async (tx) => {
    const namespace = await namespaceForChange(tx, auth, ns, "add_metadef_property");
    const view = propertyView(await insertProperty(deps, tx, namespace, asBody(body)));
    await emit(deps, tx, "metadef_property.create", ns, namespace.owner, { namespace: ns, ...view });
    return view;
  });
}

export async function listProperties(deps: ImageDeps, authIn: AuthContext | null, ns: string) {
  const db = reader(deps);
  const namespace = await visibleNamespace(db, requireAuth(authIn), ns);
  return { properties: propertiesMap(await store.selectProperties(db, namespace.id)) };
}

export async function getProperty(deps: ImageDeps, authIn: AuthContext | null, ns: string, name: string) {
  const db = reader(deps);
  const namespace = await visibleNamespace(db, requireAuth(authIn), ns);
  const row = await store.selectProperty(db, namespace.id, name);
  if (row === undefined) throw notFound(ns, name);
  return propertyView(row);
}

export async function updateProperty(
  deps: ImageDeps,
  authIn: AuthContext | null,
  ns: string,
  name: string,
  body: unknown,
) {
  const auth = requireAuth(authIn);
  return write(deps, async (tx) => {
    const namespace = await namespaceForChange(tx, auth, ns, "modify_metadef_property");
    const current = await store.selectProperty(tx.db, namespace.id, name);
    if (current === undefined) throw notFound(ns, name);
    const row = { ...propertyRow(namespace, asBody(body), now(deps)), created_at: current.created_at };
    await onDuplicate(
      tx.db
        .updateTable("metadef_properties")
        .set(row)
        .where("namespace_id", "=", namespace.id)
        .where("name", "=", name)
        .execute(),
      () => duplicate(ns, row.name),
    );
    const view = propertyView(row);
    await emit(deps, tx, "metadef_property.update", ns, namespace.owner, { namespace: ns, ...view });
    return view;
  });
}

export async function deleteProperty(deps: ImageDeps, authIn: AuthContext | null, ns: string, name: string) {
  const auth = requireAuth(authIn);
  await write(deps, async (tx) => {
    const namespace = await namespaceForChange(tx, auth, ns, "remove_metadef_property");
    if ((await store.deleteChildren(tx.db, "metadef_properties", namespace.id, name)) === 0)
      throw notFound(ns, name);
    await emit(deps, tx, "metadef_property.delete", ns, namespace.owner, { namespace: ns, name });
  });
}
