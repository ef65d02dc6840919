import { onDuplicate } from "../../db/index.ts";
import type { AuthContext } from "../../http/auth.ts";
import { emit, now, reader, requireAuth, write, type ImageDeps, type ImageTx } from "../deps.ts";
import { HTTPConflict, HTTPNotFound } from "../errors.ts";
import {
  asBody,
  namespaceForChange,
  optionalString,
  requiredName,
  visibleNamespace,
  type Body,
} from "./namespaces.ts";
import * as store from "./store.ts";
import type { AssociationRow, NamespaceRow } from "./store.ts";

/**
 * Resource types (what a namespace's definitions apply to: images, volumes, flavors...) and their
 * associations with namespaces. The types are the seeded catalog; associating an unknown one is
 * 404, as Glance. `prefix` is what a property name takes on that resource (e.g. "hw_" on images
 * where flavors use "hw:"); `properties_target` names a sub-part of the resource.
 */

export function associationView(row: AssociationRow): Record<string, unknown> {
  return {
    name: row.resource_type,
    ...(row.prefix !== null ? { prefix: row.prefix } : {}),
    ...(row.properties_target !== null ? { properties_target: row.properties_target } : {}),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function typeNotFound(name: string): HTTPNotFound {
  return new HTTPNotFound(`The metadata definition resource-type with name=${name}, was not found.`);
}

function association(name: string, ns: string, what: string): string {
  return `The metadata definition resource-type association of resource-type=${name} to namespace=${ns}, ${what}.`;
}

export async function insertAssociation(deps: ImageDeps, tx: ImageTx, ns: NamespaceRow, body: Body) {
  const name = requiredName(body, "name");
  const known = await tx.db
    .selectFrom("metadef_resource_types")
    .select("name")
    .where("name", "=", name)
    .executeTakeFirst();
  if (known === undefined) throw typeNotFound(name);
  const at = now(deps);
  const row: AssociationRow = {
    namespace_id: ns.id,
    resource_type: name,
    prefix: optionalString(body, "prefix"),
    properties_target: optionalString(body, "properties_target"),
    created_at: at,
    updated_at: at,
  };
  await onDuplicate(
    tx.db.insertInto("metadef_namespace_resource_types").values(row).execute(),
    () => new HTTPConflict(association(name, ns.namespace, "already exists")),
  );
  return row;
}

export async function listResourceTypes(deps: ImageDeps, authIn: AuthContext | null) {
  requireAuth(authIn);
  const rows = await store.selectResourceTypes(reader(deps));
  return {
    resource_types: rows.map((r) => ({ name: r.name, created_at: r.created_at, updated_at: r.updated_at })),
  };
}

export async function listAssociations(deps: ImageDeps, authIn: AuthContext | null, ns: string) {
  const db = reader(deps);
  const namespace = await visibleNamespace(db, requireAuth(authIn), ns);
  const rows = await store.selectAssociations(db, [namespace.id]);
  return { resource_type_associations: rows.map(associationView) };
}

export async function associate(deps: ImageDeps, authIn: AuthContext | null, ns: string, body: unknown) {
  const auth = requireAuth(authIn);
  return write(deps, async (tx) => {
    const namespace = await namespaceForChange(tx, auth, ns, "add_metadef_resource_type_association");
    const view = associationView(await insertAssociation(deps, tx, namespace, asBody(body)));
    await emit(deps, tx, "metadef_resource_type.create", ns, namespace.owner, { namespace: ns, ...view });
    return view;
  });
}

export async function dissociate(deps: ImageDeps, authIn: AuthContext | null, ns: string, name: string) {
  const auth = requireAuth(authIn);
  await write(deps, async (tx) => {
    const namespace = await namespaceForChange(tx, auth, ns, "remove_metadef_resource_type_association");
    const result = await tx.db
      .deleteFrom("metadef_namespace_resource_types")
      .where("namespace_id", "=", namespace.id)
      .where("resource_type", "=", name)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new HTTPNotFound(association(name, ns, "was not found"));
    await emit(deps, tx, "metadef_resource_type.delete", ns, namespace.owner, { namespace: ns, name });
  });
}
