import type { AuthContext } from "../http/auth.ts";
import type { ListQuery } from "../lib/list-query.ts";
import type { NetworkDeps } from "./deps.ts";
import { HTTPNotFound } from "./errors.ts";

// Placeholder while the resource is being built: every call answers 404.
export type RbacPolicy = { id: string; tags: string[] };
const missing = (): Promise<never> => Promise.reject(new HTTPNotFound());

export function createRbacPolicies(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<RbacPolicy[]> {
  return missing();
}
export function getRbacPolicy(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _id: string,
): Promise<RbacPolicy> {
  return missing();
}
export function listRbacPolicies(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _query: ListQuery,
): Promise<RbacPolicy[]> {
  return missing();
}
export function updateRbacPolicy(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _id: string,
  _input: Record<string, unknown>,
  _ifMatch: number | undefined,
): Promise<RbacPolicy> {
  return missing();
}
export function deleteRbacPolicy(_deps: NetworkDeps, _auth: AuthContext | null, _id: string): Promise<void> {
  return missing();
}
export function changeRbacPolicyTags(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _id: string,
  _change: (tags: string[]) => string[],
): Promise<string[]> {
  return missing();
}
