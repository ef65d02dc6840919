import type { FastifyReply, FastifyRequest } from "fastify";

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
    links: {
      self: `${baseUrl(request)}${request.url.replace(/^\/identity/, "")}`,
      previous: null,
      next: null,
    },
  };
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
