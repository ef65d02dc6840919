import type { AuthContext } from "../http/auth.ts";
import type { ListQuery } from "../lib/list-query.ts";
import type { NetworkDeps } from "./deps.ts";
import { HTTPNotFound } from "./errors.ts";

// Placeholder while the resource is being built: every call answers 404.
export type Subnetpool = { id: string; tags: string[] };
const missing = (): Promise<never> => Promise.reject(new HTTPNotFound());

export function createSubnetpools(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<Subnetpool[]> {
  return missing();
}
export function getSubnetpool(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _id: string,
): Promise<Subnetpool> {
  return missing();
}
export function listSubnetpools(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _query: ListQuery,
): Promise<Subnetpool[]> {
  return missing();
}
export function updateSubnetpool(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _id: string,
  _input: Record<string, unknown>,
  _ifMatch: number | undefined,
): Promise<Subnetpool> {
  return missing();
}
export function deleteSubnetpool(_deps: NetworkDeps, _auth: AuthContext | null, _id: string): Promise<void> {
  return missing();
}
export function changeSubnetpoolTags(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _id: string,
  _change: (tags: string[]) => string[],
): Promise<string[]> {
  return missing();
}
