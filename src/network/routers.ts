import type { AuthContext } from "../http/auth.ts";
import type { ListQuery } from "../lib/list-query.ts";
import type { NetworkDeps } from "./deps.ts";
import { HTTPNotFound } from "./errors.ts";

// Placeholder while the resource is being built: every call answers 404.
export type Router = { id: string; tags: string[] };
const missing = (): Promise<never> => Promise.reject(new HTTPNotFound());

export function createRouters(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<Router[]> {
  return missing();
}
export function getRouter(_deps: NetworkDeps, _auth: AuthContext | null, _id: string): Promise<Router> {
  return missing();
}
export function listRouters(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _query: ListQuery,
): Promise<Router[]> {
  return missing();
}
export function updateRouter(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _id: string,
  _input: Record<string, unknown>,
  _ifMatch: number | undefined,
): Promise<Router> {
  return missing();
}
export function deleteRouter(_deps: NetworkDeps, _auth: AuthContext | null, _id: string): Promise<void> {
  return missing();
}
export function changeRouterTags(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _id: string,
  _change: (tags: string[]) => string[],
): Promise<string[]> {
  return missing();
}
