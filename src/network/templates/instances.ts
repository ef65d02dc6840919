import type { AuthContext } from "../../http/auth.ts";
import { HTTPBadRequest, validString, validUuid } from "../../lib/attributes.ts";
import { NotFound } from "../../lib/errors.ts";
import { uuid } from "../../lib/ids.ts";
import type { ListQuery } from "../../lib/list-query.ts";
import { isoSeconds } from "../../lib/time.ts";
import { authorize, emit, isAdmin, reader, requireAuth, write, type NetworkDeps } from "../deps.ts";
import { seenByProject } from "../resource.ts";
import { groupInUse } from "../store-security.ts";
import { saveRevision } from "../store.ts";
import { visibleVpc } from "../vpc/vpcs.ts";
import { NetworkTemplateInstanceInUse, NetworkTemplateInstanceNotFound } from "./errors.ts";
import { checkNatGateway, CREATE_NAT, UNDO_NAT } from "./nat-steps.ts";
import { checkResources, resolveParameters, substitute, type ParameterSpec } from "./spec.ts";
import { CREATE, UNDO, type CreatedResource, type Run } from "./steps.ts";
import * as store from "./store.ts";
import { visibleTemplate } from "./templates.ts";

export type TemplateInstance = ReturnType<typeof instanceView>;

/** What was made is shown as {type, name, id}; the rest of each record is for undoing it. */
export function instanceView(row: store.TemplateInstanceRow) {
  const made = JSON.parse(row.resources) as CreatedResource[];
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    project_id: row.project_id,
    template_id: row.template_id,
    vpc_id: row.vpc_id,
    parameters: JSON.parse(row.parameters) as Record<string, string | number>,
    resources: made.map(({ type, name, id }) => ({ type, name, id })),
    status: row.status,
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

interface InstantiateRequest {
  vpc_id: string;
  name?: string;
  parameters?: unknown;
}

function instantiateRequest(body: unknown): InstantiateRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HTTPBadRequest("Unable to find 'vpc_id' in request body");
  const request = body as Record<string, unknown>;
  const unknown = Object.keys(request).filter((key) => !["vpc_id", "name", "parameters"].includes(key));
  if (unknown.length > 0) throw new HTTPBadRequest(`Unrecognized attribute(s) '${unknown.join(", ")}'`);
  const reason =
    validUuid(request.vpc_id) ?? (request.name === undefined ? undefined : validString(255)(request.name));
  if (reason !== undefined) throw new HTTPBadRequest(`Invalid input. Reason: ${reason}.`);
  return request as unknown as InstantiateRequest;
}

/**
 * POST /v2.0/network-templates/{id}/instantiate: everything is checked first (template, VPC,
 * parameters, the substituted specs), then each resource is made through its own API's domain
 * function, in order. On any error what was made is undone in reverse order and the original
 * error answered, so the VPC is left as it was.
 */
export async function instantiateTemplate(
  deps: NetworkDeps,
  auth: AuthContext | null,
  templateId: string,
  body: unknown,
): Promise<TemplateInstance> {
  const caller = requireAuth(auth);
  const request = instantiateRequest(body);
  const template = await visibleTemplate(reader(deps), caller, templateId);
  const vpc = await visibleVpc(reader(deps), caller, request.vpc_id);
  authorize(caller, "instantiate_network_template", { project_id: vpc.project_id });
  const params = JSON.parse(template.parameters) as Record<string, ParameterSpec>;
  const values = resolveParameters(params, request.parameters);
  const specs = checkResources(substitute(JSON.parse(template.resources), values), params, true);
  await checkNatGateway(deps, vpc, specs);
  const name = request.name ?? template.name;
  const run: Run = { deps, auth, vpc, prefix: name === "" ? "" : `${name}-`, created: [] };
  try {
    for (const spec of specs) await (CREATE[spec.type] ?? CREATE_NAT[spec.type])?.(run, spec);
    return await write(deps, async (tx) => {
      const now = isoSeconds(deps.clock.now());
      const row: store.TemplateInstanceRow = {
        id: uuid(),
        project_id: vpc.project_id,
        template_id: template.id,
        vpc_id: vpc.id,
        name,
        parameters: JSON.stringify(values),
        resources: JSON.stringify(run.created),
        status: "ACTIVE",
        revision_number: 1,
        created_at: now,
        updated_at: now,
      };
      await store.insertInstance(tx.db, row);
      const instance = instanceView(row);
      await emit(deps, tx, "network_template_instance", "create", instance);
      return instance;
    });
  } catch (error) {
    await undoAll(deps, auth, run.created);
    throw error;
  }
}

/** Best effort: an undo that fails (someone deleted the thing meanwhile) does not stop the rest. */
async function undoAll(
  deps: NetworkDeps,
  auth: AuthContext | null,
  made: readonly CreatedResource[],
): Promise<void> {
  for (const resource of [...made].reverse()) {
    try {
      await (UNDO[resource.type] ?? UNDO_NAT[resource.type])?.(deps, auth, resource);
    } catch {
      // The original error is what the caller must see; a leftover shows in its own API.
    }
  }
}

export async function getInstance(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<TemplateInstance> {
  const caller = requireAuth(auth);
  return instanceView(await visibleInstance(deps, caller, id));
}

export async function listInstances(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<TemplateInstance[]> {
  const caller = requireAuth(auth);
  const rows = await store.selectInstances(reader(deps), query, {
    all: isAdmin(caller),
    project_id: caller.project_id,
  });
  return rows.map(instanceView);
}

/**
 * DELETE: everything the instance made, in reverse order. Checked first, so nothing is deleted
 * while a VM port sits on one of its subnets or uses one of its security groups (409).
 */
export async function deleteInstance(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  const row = await visibleInstance(deps, caller, id);
  authorize(caller, "delete_network_template_instance", { project_id: row.project_id });
  const made = JSON.parse(row.resources) as CreatedResource[];
  await refuseInUse(deps, row.id, made);
  const left = [...made];
  try {
    while (left.length > 0) {
      const resource = left[left.length - 1];
      if (resource !== undefined) await undoOne(deps, auth, resource);
      left.pop();
    }
  } catch (error) {
    // Partly deleted (a race past the checks): keep what is left, marked, so a retry can finish.
    const partly = { resources: JSON.stringify(left), status: "ERROR" };
    await write(deps, (tx) =>
      saveRevision(tx.db, "network_template_instances", row, partly, isoSeconds(deps.clock.now())),
    );
    throw error;
  }
  await write(deps, async (tx) => {
    await store.deleteInstanceRow(tx.db, row.id);
    await emit(deps, tx, "network_template_instance", "delete", instanceView(row));
  });
}

/** Something already deleted through its own API is simply gone. */
async function undoOne(deps: NetworkDeps, auth: AuthContext | null, resource: CreatedResource) {
  try {
    await (UNDO[resource.type] ?? UNDO_NAT[resource.type])?.(deps, auth, resource);
  } catch (error) {
    if (!(error instanceof NotFound)) throw error;
  }
}

async function refuseInUse(deps: NetworkDeps, id: string, made: readonly CreatedResource[]): Promise<void> {
  const db = reader(deps);
  for (const resource of made) {
    if (resource.type === "subnet") {
      const ports = await store.userPortsOn(db, resource.network_id ?? "");
      if (ports.length > 0)
        throw new NetworkTemplateInstanceInUse(id, `subnet ${resource.id} has ports ${ports.join(", ")}`);
    }
    if (resource.type === "security_group" && (await groupInUse(db, resource.id)))
      throw new NetworkTemplateInstanceInUse(id, `security group ${resource.id} is in use by ports`);
  }
}

async function visibleInstance(
  deps: NetworkDeps,
  caller: AuthContext,
  id: string,
): Promise<store.TemplateInstanceRow> {
  return seenByProject(
    caller,
    await store.selectInstance(reader(deps), id),
    () => new NetworkTemplateInstanceNotFound(id),
  );
}
