import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AuthContext } from "../../http/auth.ts";
import { HTTPBadRequest, InvalidInput, selectFields, type AttributeMap } from "../../lib/attributes.ts";
import { pythonRepr } from "../../lib/validation.ts";
import { pageLinks, parseListQuery, type ListQuery, type QueryParams } from "../../lib/list-query.ts";
import { TAG_FILTERS } from "../schemas/standard.ts";
import { TagNotFound } from "../errors.ts";

/** One Neutron collection's routes, derived from its attribute map and five domain functions. */
/** `tags` is optional because security group rules show none (and cannot be tagged). */
export interface CollectionSpec<Item extends { id: string; tags?: string[] }> {
  member: string;
  /** The body key of a list ("security_groups"). */
  collection: string;
  /** The URL segment when it differs from the key ("security-groups"). */
  path?: string;
  attributes: AttributeMap;
  /** Filters beyond the attribute map's that the collection understands (e.g. `fixed_ips`). */
  extraFilters?: readonly string[];
  create(auth: AuthContext | null, inputs: Array<Record<string, unknown>>): Promise<Item[]>;
  get(auth: AuthContext | null, id: string): Promise<Item>;
  list(auth: AuthContext | null, query: ListQuery): Promise<Item[]>;
  /** Absent for resources that cannot be changed once made (security group rules). */
  update?: (
    auth: AuthContext | null,
    id: string,
    input: Record<string, unknown>,
    ifMatch: number | undefined,
  ) => Promise<Item>;
  remove(auth: AuthContext | null, id: string): Promise<void>;
  changeTags(auth: AuthContext | null, id: string, change: (tags: string[]) => string[]): Promise<string[]>;
}

export function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/networking`;
}

const MAX_TAG_LENGTH = 255;

const params = (request: FastifyRequest) => request.params as Record<string, string>;

/** Each Neutron plugin instance's `pagination_max_limit` (a test may run several apps at once). */
const pageCaps = new WeakMap<FastifyInstance, number>();

/** Caps the pages of every collection registered on `app` afterwards (see parseListQuery). */
export function setPaginationMaxLimit(app: FastifyInstance, maxLimit: number): void {
  pageCaps.set(app, maxLimit);
}

export function registerCollection<Item extends { id: string; tags?: string[] }>(
  app: FastifyInstance,
  spec: CollectionSpec<Item>,
): void {
  const { member, collection } = spec;
  const base = `/v2.0/${spec.path ?? collection}`;
  const maxLimit = pageCaps.get(app) ?? -1;
  const fieldsOf = (request: FastifyRequest) =>
    parseListQuery(spec.attributes, {
      fields: (request.query as QueryParams).fields,
    }).fields;

  app.get(base, async (request) => {
    const query = parseListQuery(
      spec.attributes,
      request.query as QueryParams,
      [...TAG_FILTERS, ...(spec.extraFilters ?? [])],
      maxLimit,
    );
    const items = await spec.list(request.auth, query);
    const links = pageLinks(
      `${baseUrl(request)}${request.url.replace(/^\/networking/, "")}`,
      query,
      items.map((i) => i.id),
    );
    return {
      [collection]: items.map((item) => selectFields(item, query.fields)),
      // Neutron leaves the key out when there is no link to give.
      ...(links && links.length > 0 ? { [`${collection}_links`]: links } : {}),
    };
  });
  app.get(`${base}/:id`, async (request) => ({
    [member]: selectFields(await spec.get(request.auth, params(request).id ?? ""), fieldsOf(request)),
  }));
  app.post(base, async (request, reply) => {
    const body = request.body as Record<string, unknown> | null;
    if (body !== null && typeof body === "object" && Array.isArray(body[collection])) {
      const inputs = (body[collection] as unknown[]).map((entry) => objectBody(entry, member));
      return reply.code(201).send({ [collection]: await spec.create(request.auth, inputs) });
    }
    const [created] = await spec.create(request.auth, [objectBody(body?.[member], member)]);
    return reply.code(201).send({ [member]: created });
  });
  const update = spec.update;
  if (update) {
    app.put(`${base}/:id`, async (request) => {
      const body = request.body as Record<string, unknown> | null;
      const input = objectBody(body?.[member], member);
      return { [member]: await update(request.auth, params(request).id ?? "", input, ifMatch(request)) };
    });
  }
  app.delete(`${base}/:id`, async (request, reply) => {
    await spec.remove(request.auth, params(request).id ?? "");
    return reply.code(204).send();
  });

  app.get(`${base}/:id/tags`, async (request) => ({
    tags: (await spec.get(request.auth, params(request).id ?? "")).tags ?? [],
  }));
  app.put(`${base}/:id/tags`, async (request) => {
    const tags = tagsOf(request.body);
    return { tags: await spec.changeTags(request.auth, params(request).id ?? "", () => tags) };
  });
  app.delete(`${base}/:id/tags`, async (request, reply) => {
    await spec.changeTags(request.auth, params(request).id ?? "", () => []);
    return reply.code(204).send();
  });
  app.get(`${base}/:id/tags/:tag`, async (request, reply) => {
    const { id = "", tag = "" } = params(request);
    if (!((await spec.get(request.auth, id)).tags ?? []).includes(tag)) throw new TagNotFound(tag);
    return reply.code(204).send();
  });
  app.put(`${base}/:id/tags/:tag`, async (request, reply) => {
    const { id = "", tag = "" } = params(request);
    checkTag(tag);
    await spec.changeTags(request.auth, id, (tags) => [...tags, tag]);
    return reply.code(201).send();
  });
  app.delete(`${base}/:id/tags/:tag`, async (request, reply) => {
    const { id = "", tag = "" } = params(request);
    await spec.changeTags(request.auth, id, (tags) => {
      if (!tags.includes(tag)) throw new TagNotFound(tag);
      return tags.filter((t) => t !== tag);
    });
    return reply.code(204).send();
  });
}

/** Python's str() of a JSON value, as Neutron's messages print it. */
const pyStr = (value: unknown) => (typeof value === "string" ? value : pythonRepr(value));

/** neutron-lib's tag checks: a string of at most 255 characters (empty is allowed). */
function checkTag(tag: unknown): string {
  if (typeof tag !== "string") throw new InvalidInput(`'${pyStr(tag)}' is not a valid string`);
  if (tag.length > MAX_TAG_LENGTH) throw new InvalidInput(`'${tag}' exceeds maximum length of 255`);
  return tag;
}

/** The body of PUT .../tags, checked as Neutron does: {"tags": [unique strings]}. */
function tagsOf(body: unknown): string[] {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !("tags" in body))
    throw new InvalidInput("Invalid tags body");
  const { tags } = body;
  if (!Array.isArray(tags)) throw new InvalidInput(`'${pyStr(tags)}' is not a list`);
  const checked = tags.map(checkTag);
  const duplicates = [...new Set(checked)].filter((tag) => checked.indexOf(tag) !== checked.lastIndexOf(tag));
  if (duplicates.length > 0)
    throw new InvalidInput(`Duplicate items in the list: '${duplicates.join(", ")}'`);
  return checked;
}

function objectBody(value: unknown, member: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HTTPBadRequest(`Unable to find '${member}' in request body`);
  }
  return value as Record<string, unknown>;
}

/** `If-Match: revision_number=N` (revision-if-match). */
function ifMatch(request: FastifyRequest): number | undefined {
  const header = request.headers["if-match"];
  if (typeof header !== "string") return undefined;
  const match = /revision_number=(\d+)/.exec(header);
  if (match === null) throw new HTTPBadRequest(`Invalid If-Match header: ${header}`);
  return Number(match[1]);
}
