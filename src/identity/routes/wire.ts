import { Type, type Static, type TSchema } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AuthContext } from "../../http/auth.ts";

/** Helpers that give every Keystone response the same envelope, links and filters. */

export function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/identity`;
}

/** `{key: {...item, links: {self}}}` */
export function one<T extends { id: string }>(request: FastifyRequest, key: string, path: string, item: T) {
  return { [key]: withLink(request, path, item) };
}

/** `{key: [...], links: {self, previous, next}}` */
export function many<T extends { id: string }>(
  request: FastifyRequest,
  key: string,
  path: string,
  items: T[],
) {
  return {
    [key]: items.map((item) => withLink(request, path, item)),
    links: { self: selfUrl(request), previous: null, next: null },
  };
}

/** The request's own URL, query string included, as a list's `links.self`. */
export function selfUrl(request: FastifyRequest): string {
  return `${baseUrl(request)}${request.url.replace(/^\/identity/, "")}`;
}

export function withLink<T extends { id: string }>(request: FastifyRequest, path: string, item: T) {
  return { ...item, links: { self: `${baseUrl(request)}/v3/${path}/${item.id}` } };
}

export type Query = Record<string, string | string[] | undefined>;

export function query(request: FastifyRequest): Query {
  return request.query as Query;
}

/** A single-valued filter (the last one wins when repeated). */
export function text(q: Query, name: string): string | undefined {
  const value = q[name];
  return Array.isArray(value) ? value.at(-1) : value;
}

/** Keystone's boolean query values: true/1/yes and false/0/no; a bare `?effective` is true. */
export function flag(q: Query, name: string): boolean | undefined {
  const value = text(q, name);
  if (value === undefined) return undefined;
  return !["false", "0", "no", "off"].includes(value.toLowerCase());
}

export function list(q: Query, name: string): string[] | undefined {
  const value = text(q, name);
  return value === undefined ? undefined : value.split(",").filter((tag) => tag !== "");
}

export function params(request: FastifyRequest): Record<string, string> {
  return request.params as Record<string, string>;
}

export async function noContent(reply: FastifyReply): Promise<void> {
  await reply.code(204).send();
}

/** One resource's standard routes: POST and GET on the collection, GET/PATCH/DELETE on an item. */
export interface CrudSpec<Create extends TSchema, Update extends TSchema, Item extends { id: string }> {
  /** Singular wire key ("project"); the collection path is `${key}s`. */
  key: string;
  create: { body: Create; run(auth: AuthContext | null, input: Static<Create>): Promise<Item> };
  update: { body: Update; run(auth: AuthContext | null, id: string, input: Static<Update>): Promise<Item> };
  get(auth: AuthContext | null, id: string): Promise<Item>;
  list(auth: AuthContext | null, q: Query): Promise<Item[]>;
  remove(auth: AuthContext | null, id: string): Promise<void>;
}

export function registerCrud<C extends TSchema, U extends TSchema, I extends { id: string }>(
  app: FastifyInstance,
  spec: CrudSpec<C, U, I>,
): void {
  const { key } = spec;
  const path = `${key}s`;
  const unwrap = (body: unknown): unknown => (body as Record<string, unknown>)[key];
  app.post(
    `/v3/${path}`,
    { schema: { body: Type.Object({ [key]: spec.create.body }) } },
    async (req, reply) =>
      reply
        .code(201)
        .send(one(req, key, path, await spec.create.run(req.auth, unwrap(req.body) as Static<C>))),
  );
  app.get(`/v3/${path}`, async (req) => many(req, path, path, await spec.list(req.auth, query(req))));
  app.get(`/v3/${path}/:id`, async (req) =>
    one(req, key, path, await spec.get(req.auth, params(req).id ?? "")),
  );
  app.patch(`/v3/${path}/:id`, { schema: { body: Type.Object({ [key]: spec.update.body }) } }, async (req) =>
    one(req, key, path, await spec.update.run(req.auth, params(req).id ?? "", unwrap(req.body) as Static<U>)),
  );
  app.delete(`/v3/${path}/:id`, async (req, reply) => {
    await spec.remove(req.auth, params(req).id ?? "");
    await noContent(reply);
  });
}
