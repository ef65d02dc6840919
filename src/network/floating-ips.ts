import type { AuthContext } from "../http/auth.ts";
import type { ListQuery } from "../lib/list-query.ts";
import type { NetworkDeps } from "./deps.ts";
import { HTTPNotFound } from "./errors.ts";

// Placeholder while the resource is being built: every call answers 404.
export type FloatingIp = { id: string; tags: string[] };
const missing = (): Promise<never> => Promise.reject(new HTTPNotFound());

export function createFloatingIps(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<FloatingIp[]> {
  return missing();
}
export function getFloatingIp(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _id: string,
): Promise<FloatingIp> {
  return missing();
}
export function listFloatingIps(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _query: ListQuery,
): Promise<FloatingIp[]> {
  return missing();
}
export function updateFloatingIp(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _id: string,
  _input: Record<string, unknown>,
  _ifMatch: number | undefined,
): Promise<FloatingIp> {
  return missing();
}
export function deleteFloatingIp(_deps: NetworkDeps, _auth: AuthContext | null, _id: string): Promise<void> {
  return missing();
}
export function changeFloatingIpTags(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _id: string,
  _change: (tags: string[]) => string[],
): Promise<string[]> {
  return missing();
}
