import type { AuthContext } from "../../http/auth.ts";
import { parseBody } from "../../lib/attributes.ts";
import { uuid } from "../../lib/ids.ts";
import type { ListQuery } from "../../lib/list-query.ts";
import { isoSeconds } from "../../lib/time.ts";
import type { Target } from "../../policy/index.ts";
import {
  authorize,
  emit,
  isAdmin,
  permits,
  reader,
  requireAuth,
  write,
  type NetworkDeps,
  type NetworkTx,
} from "../deps.ts";
import { changeTagsOf, checkRevision, createInBulk } from "../resource.ts";
import * as networkStore from "../store.ts";
import { NetworkTemplateInUse, NetworkTemplateNotFound, NetworkTemplateReadOnly } from "./errors.ts";
import { SHIPPED_TEMPLATES } from "./examples.ts";
import { networkTemplateAttributes } from "./schemas.ts";
import { checkParameters, checkResources, type ParameterSpec, type ResourceSpec } from "./spec.ts";
import * as store from "./store.ts";

export type NetworkTemplate = ReturnType<typeof templateView>;

export function templateView(row: store.NetworkTemplateRow, tags: readonly string[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tenant_id: row.project_id,
    project_id: row.project_id,
    shared: row.shared === 1,
    read_only: row.read_only === 1,
    parameters: JSON.parse(row.parameters) as Record<string, ParameterSpec>,
    resources: JSON.parse(row.resources) as ResourceSpec[],
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

const target = (row: { project_id: string; shared: number }): Target => ({
  project_id: row.project_id,
  shared: String(row.shared === 1),
});

/** Writes (or refreshes) the shipped examples; run when the service starts. */
export async function seedTemplates(deps: NetworkDeps): Promise<void> {
  const now = isoSeconds(deps.clock.now());
  await write(deps, async (tx) => {
    for (const shipped of SHIPPED_TEMPLATES)
      await store.upsertShipped(tx.db, {
        id: shipped.id,
        project_id: "",
        name: shipped.name,
        description: shipped.description,
        shared: 1,
        read_only: 1,
        parameters: JSON.stringify(shipped.parameters),
        resources: JSON.stringify(shipped.resources),
        revision_number: 1,
        created_at: now,
        updated_at: now,
      });
  });
}

/** Both checked together: resources may only use declared parameters. */
function checkedContent(parameters: unknown, resources: unknown) {
  const params = checkParameters(parameters);
  return { params, resources: checkResources(resources, params, false) };
}

export function createTemplates(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<NetworkTemplate[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: networkTemplateAttributes,
    resource: "network_template",
    check: (caller, body) => {
      if (body.shared === true) authorize(caller, "create_network_template:shared", {});
      checkedContent(body.parameters, body.resources);
    },
    insert: async (tx, _caller, { body, projectId }) => {
      const { params, resources } = checkedContent(body.parameters, body.resources);
      const now = isoSeconds(deps.clock.now());
      const row: store.NetworkTemplateRow = {
        id: uuid(),
        project_id: projectId,
        name: body.name as string,
        description: body.description as string,
        shared: body.shared === true ? 1 : 0,
        read_only: 0,
        parameters: JSON.stringify(params),
        resources: JSON.stringify(resources),
        revision_number: 1,
        created_at: now,
        updated_at: now,
      };
      await store.insertTemplate(tx.db, row);
      const template = templateView(row, []);
      await emit(deps, tx, "network_template", "create", template);
      return template;
    },
  });
}

export async function getTemplate(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<NetworkTemplate> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const row = await visibleTemplate(db, caller, id);
  return templateView(row, (await networkStore.selectTags(db, [id])).get(id) ?? []);
}

export async function listTemplates(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<NetworkTemplate[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const rows = await store.selectTemplates(db, query, {
    all: isAdmin(caller),
    project_id: caller.project_id,
  });
  const tags = await networkStore.selectTags(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => templateView(row, tags.get(row.id) ?? []));
}

/** PUT: name, description, shared (admin), parameters and resources (checked together again). */
export async function updateTemplate(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<NetworkTemplate> {
  const caller = requireAuth(auth);
  const body = parseBody(networkTemplateAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await changeableTemplate(tx, caller, id, "update_network_template");
    checkRevision(row.revision_number, ifMatch);
    if (body.shared !== undefined) authorize(caller, "update_network_template:shared", {});
    const changes: Partial<store.NetworkTemplateRow> = {};
    if (body.parameters !== undefined || body.resources !== undefined) {
      const { params, resources } = checkedContent(
        body.parameters ?? JSON.parse(row.parameters),
        body.resources ?? JSON.parse(row.resources),
      );
      changes.parameters = JSON.stringify(params);
      changes.resources = JSON.stringify(resources);
    }
    if (body.name !== undefined) changes.name = body.name as string;
    if (body.description !== undefined) changes.description = body.description as string;
    if (body.shared !== undefined) changes.shared = body.shared === true ? 1 : 0;
    return saveTemplate(deps, tx, row, changes);
  });
}

/** DELETE: not a shipped one, nor one with instances (they say what they were made from). */
export async function deleteTemplate(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await changeableTemplate(tx, caller, id, "delete_network_template");
    const instances = await store.instancesOfTemplate(tx.db, id);
    if (instances.length > 0) throw new NetworkTemplateInUse(id, instances);
    await store.deleteTemplateRow(tx.db, id);
    await emit(deps, tx, "network_template", "delete", templateView(row, []));
  });
}

export function changeTemplateTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, templateId) => changeableTemplate(tx, caller, templateId, "update_network_template"),
    action: "update_network_template",
    target,
    save: (tx, row) => saveTemplate(deps, tx, row, {}),
  });
}

/** Own, shared, or any for admins; anyone else's does not exist (404). */
export async function visibleTemplate(
  db: NetworkTx["db"],
  caller: AuthContext,
  id: string,
): Promise<store.NetworkTemplateRow> {
  const row = await store.selectTemplate(db, id);
  if (row === undefined || !permits(caller, "get_network_template", target(row)))
    throw new NetworkTemplateNotFound(id);
  return row;
}

/** Seen, not shipped (403 even for admins), and the caller may `action` it. */
async function changeableTemplate(
  tx: NetworkTx,
  caller: AuthContext,
  id: string,
  action: string,
): Promise<store.NetworkTemplateRow> {
  const row = await visibleTemplate(tx.db, caller, id);
  if (row.read_only === 1) throw new NetworkTemplateReadOnly(id);
  authorize(caller, action, target(row));
  return row;
}

async function saveTemplate(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: store.NetworkTemplateRow,
  changes: Partial<store.NetworkTemplateRow>,
): Promise<NetworkTemplate> {
  const now = isoSeconds(deps.clock.now());
  const next = await networkStore.saveRevision(tx.db, "network_templates", row, changes, now);
  const template = templateView(next, (await networkStore.selectTags(tx.db, [row.id])).get(row.id) ?? []);
  await emit(deps, tx, "network_template", "update", template);
  return template;
}
