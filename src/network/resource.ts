import type { AuthContext } from "../http/auth.ts";
import { parseBody, type AttributeMap } from "../lib/attributes.ts";
import type { Target } from "../policy/index.ts";
import {
  authorize,
  isAdmin,
  owningProject,
  requireAuth,
  write,
  type NetworkDeps,
  type NetworkTx,
} from "./deps.ts";
import { RevisionNumberConstraintFailed } from "./errors.ts";
import * as store from "./store.ts";

/** The steps every Neutron resource takes the same way: bulk create, If-Match, tag changes. */

export interface CreateRequest {
  body: Record<string, unknown>;
  input: Record<string, unknown>;
  projectId: string;
}

export interface CreateSpec<T> {
  attributes: AttributeMap;
  /** "router": the policy action is create_router. */
  resource: string;
  /** Checks that need only the request (admin-only attributes, formats): before anything is written. */
  check?: (caller: AuthContext, body: Record<string, unknown>, input: Record<string, unknown>) => void;
  insert: (tx: NetworkTx, caller: AuthContext, request: CreateRequest) => Promise<T>;
}

/**
 * POST of one resource or a bulk list: every request is checked first, then all are created in
 * one transaction, or none.
 */
export async function createInBulk<T>(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
  spec: CreateSpec<T>,
): Promise<T[]> {
  const caller = requireAuth(auth);
  const requests = inputs.map((input): CreateRequest => {
    const body = parseBody(spec.attributes, input, "create");
    spec.check?.(caller, body, input);
    const projectId = owningProject(caller, input, spec.resource);
    authorize(caller, `create_${spec.resource}`, { project_id: projectId });
    return { body, input, projectId };
  });
  return write(deps, async (tx) => {
    const created: T[] = [];
    for (const request of requests) created.push(await spec.insert(tx, caller, request));
    return created;
  });
}

/** `If-Match: revision_number=N` [revision-if-match]: 412 unless the row is still at N. */
export function checkRevision(current: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== current)
    throw new RevisionNumberConstraintFailed(expected, current);
}

export interface TagSpec<Row> {
  /** The row as the caller may see it (404 otherwise). */
  load: (tx: NetworkTx, caller: AuthContext, id: string) => Promise<Row>;
  /** "update_router" */
  action: string;
  target: (row: Row) => Target;
  /** Saves the row's next revision and announces it. */
  save: (tx: NetworkTx, row: Row) => Promise<unknown>;
}

/** PUT/DELETE .../tags[/{tag}]: `change` maps the current tags to the new ones; a new revision. */
export async function changeTagsOf<Row>(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
  spec: TagSpec<Row>,
): Promise<string[]> {
  const caller = requireAuth(auth);
  return write(deps, async (tx) => {
    const row = await spec.load(tx, caller, id);
    authorize(caller, spec.action, spec.target(row));
    const next = await store.changeTags(tx.db, id, change);
    await spec.save(tx, row);
    return next;
  });
}

/** The usual policy target: the owning project. */
export const ownedBy = (row: { project_id: string }): Target => ({ project_id: row.project_id });

/** A project's row as its project and admins see it: for anyone else it does not exist (404). */
export function seenByProject<Row extends { project_id: string }>(
  caller: AuthContext,
  row: Row | undefined,
  notFound: () => Error,
): Row {
  if (row === undefined || (!isAdmin(caller) && row.project_id !== caller.project_id)) throw notFound();
  return row;
}
