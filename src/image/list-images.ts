import type { ExpressionBuilder, Expression, SqlBool } from "kysely";
import type { AuthContext } from "../http/auth.ts";
import { isAdmin, reader, requireAuth, type ImageDeps } from "./deps.ts";
import { HTTPBadRequest } from "./errors.ts";
import { imageView, type ImageView } from "./image-view.ts";
import * as store from "./store.ts";
import { storesByImage } from "./stores/locations.ts";
import type { ImageRow, ImageTables } from "./tables.ts";

/** GET /v2/images: Glance's filters, sorting and marker pagination. */

type Query = Readonly<Record<string, string | string[] | undefined>>;
type Eb = ExpressionBuilder<ImageTables, "images">;
type Cond = Expression<SqlBool>;

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;
const SORT_KEYS = [
  "name",
  "status",
  "container_format",
  "disk_format",
  "size",
  "id",
  "created_at",
  "updated_at",
];
const STRING_FILTERS = ["id", "name", "status", "owner", "container_format", "disk_format"] as const;
const BOOLEAN_FILTERS = ["protected", "os_hidden"] as const;
const TIME_OPS: Record<string, string> = { gt: ">", gte: ">=", lt: "<", lte: "<=", eq: "=", neq: "<>" };
/** Parameters that are not property filters. */
const RESERVED = new Set([
  ...STRING_FILTERS,
  ...BOOLEAN_FILTERS,
  "limit",
  "marker",
  "sort",
  "sort_key",
  "sort_dir",
  "visibility",
  "member_status",
  "tag",
  "size_min",
  "size_max",
  "created_at",
  "updated_at",
]);

export interface ImagePage {
  images: ImageView[];
  first: string;
  next?: string;
  schema: string;
}

export async function listImages(
  deps: ImageDeps,
  authIn: AuthContext | null,
  query: Query,
): Promise<ImagePage> {
  const auth = requireAuth(authIn);
  const limit = parseLimit(one(query, "limit"));
  const sort = parseSort(query);
  const db = reader(deps);
  const rows = await db
    .selectFrom("images")
    .selectAll()
    .where((eb) =>
      eb.and([
        visibilityCondition(eb, auth, query),
        ...filterConditions(eb, query),
        notDeleted(eb, auth, query),
      ]),
    )
    .execute();
  rows.sort(comparator(sort));
  const marker = one(query, "marker");
  let start = 0;
  if (marker !== undefined) {
    start = rows.findIndex((r) => r.id === marker) + 1;
    if (start === 0) throw new HTTPBadRequest(`Invalid marker. Image ${marker} could not be found.`);
  }
  const page = rows.slice(start, start + limit);
  const ids = page.map((r) => r.id);
  const [props, tags, stores] = await Promise.all([
    store.selectProperties(db, ids),
    store.selectTags(db, ids),
    storesByImage(db, ids),
  ]);
  const last = page.at(-1);
  return {
    images: page.map((r) => imageView(r, props.get(r.id) ?? {}, tags.get(r.id) ?? [], stores.get(r.id))),
    first: link(query, {}),
    ...(last !== undefined && start + limit < rows.length ? { next: link(query, { marker: last.id }) } : {}),
    schema: "/v2/schemas/images",
  };
}

function one(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function all(query: Query, name: string): string[] {
  const value = query[name];
  return value === undefined ? [] : ([] as string[]).concat(value);
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  if (!/^-?\d+$/.test(text)) throw new HTTPBadRequest("limit param must be an integer");
  const limit = Number(text);
  if (limit < 0) throw new HTTPBadRequest("limit param must be positive");
  return Math.min(limit, MAX_LIMIT);
}

/** sort_key/sort_dir (repeatable) or sort=key:dir,...; created_at desc and id desc close the order. */
function parseSort(query: Query): Array<[keyof ImageRow, "asc" | "desc"]> {
  const sort = one(query, "sort");
  const keys = all(query, "sort_key");
  const dirs = all(query, "sort_dir");
  if (sort !== undefined && (keys.length > 0 || dirs.length > 0))
    throw new HTTPBadRequest("The sort and sort_key/sort_dir parameters cannot be used together");
  const pairs: Array<[string, string]> =
    sort !== undefined
      ? sort.split(",").map((item) => {
          const [key = "", dir = "desc"] = item.trim().split(":");
          return [key, dir];
        })
      : keys.map((key, i) => [key, dirs[i] ?? dirs[0] ?? "desc"]);
  if (sort === undefined && keys.length === 0 && dirs.length > 0)
    pairs.push(["created_at", dirs[0] ?? "desc"]);
  for (const [key, dir] of pairs) {
    if (!SORT_KEYS.includes(key))
      throw new HTTPBadRequest(
        `Invalid sort key: ${key}. It must be one of the following: ${SORT_KEYS.join(", ")}.`,
      );
    if (dir !== "asc" && dir !== "desc") throw new HTTPBadRequest(`Invalid sort direction: ${dir}`);
  }
  for (const key of ["created_at", "id"]) if (!pairs.some(([k]) => k === key)) pairs.push([key, "desc"]);
  return pairs as Array<[keyof ImageRow, "asc" | "desc"]>;
}

/** In JS so both dialects order nulls alike (first when ascending). */
function comparator(sort: Array<[keyof ImageRow, "asc" | "desc"]>) {
  return (a: ImageRow, b: ImageRow): number => {
    for (const [key, dir] of sort) {
      const x = a[key];
      const y = b[key];
      if (x === y) continue;
      const order = x == null ? -1 : y == null ? 1 : x < y ? -1 : 1;
      return dir === "asc" ? order : -order;
    }
    return 0;
  };
}

/**
 * Which images the caller lists: without a visibility filter, their own, public ones and those
 * shared with them (member_status, accepted by default); community images only when asked for.
 */
function visibilityCondition(eb: Eb, auth: AuthContext, query: Query): Cond {
  const visibility = one(query, "visibility");
  if (visibility !== undefined && !["public", "private", "shared", "community", "all"].includes(visibility))
    throw new HTTPBadRequest(`Invalid visibility value: ${visibility}`);
  const memberStatus = one(query, "member_status") ?? "accepted";
  if (!["pending", "accepted", "rejected", "all"].includes(memberStatus))
    throw new HTTPBadRequest(`Invalid status value: ${memberStatus}`);
  const project = auth.project_id ?? "";
  const own = eb("images.owner", "=", project);
  const member = eb.exists(
    eb
      .selectFrom("image_members")
      .select("image_members.image_id")
      .whereRef("image_members.image_id", "=", "images.id")
      .where("image_members.member_id", "=", project)
      .$if(memberStatus !== "all", (q) => q.where("image_members.status", "=", memberStatus as "accepted")),
  );
  const sharedWithMe = eb.and([eb("images.visibility", "=", "shared"), member]);
  const admin = isAdmin(auth);
  if (visibility === undefined) {
    if (admin) return eb.or([eb("images.visibility", "<>", "community"), own]);
    return eb.or([own, eb("images.visibility", "=", "public"), sharedWithMe]);
  }
  if (visibility === "all") {
    if (admin) return eb.lit(true);
    return eb.or([own, eb("images.visibility", "in", ["public", "community"]), sharedWithMe]);
  }
  const kind = eb("images.visibility", "=", visibility as "public");
  if (admin || visibility === "public" || visibility === "community") return kind;
  return eb.and([kind, visibility === "shared" ? eb.or([own, member]) : own]);
}

/** Images waiting for the scrubber are listed only to an admin asking for status=pending_delete. */
function notDeleted(eb: Eb, auth: AuthContext, query: Query): Cond {
  if (isAdmin(auth) && one(query, "status") === "pending_delete") return eb.lit(true);
  return eb("images.status", "<>", "pending_delete");
}

function filterConditions(eb: Eb, query: Query): Cond[] {
  const conds: Cond[] = [];
  for (const name of STRING_FILTERS) {
    const value = one(query, name);
    if (value === undefined) continue;
    conds.push(
      value.startsWith("in:")
        ? eb(`images.${name}`, "in", value.slice(3).split(","))
        : eb(`images.${name}`, "=", value),
    );
  }
  for (const name of BOOLEAN_FILTERS) {
    const value = one(query, name);
    if (value !== undefined && value !== "true" && value !== "false")
      throw new HTTPBadRequest(
        `Invalid value '${value}' for '${name}' filter. Valid values are 'true' or 'false'.`,
      );
    // Hidden images are listed only when asked for.
    const wanted = value ?? (name === "os_hidden" ? "false" : undefined);
    if (wanted !== undefined) conds.push(eb(`images.${name}`, "=", wanted === "true" ? 1 : 0));
  }
  for (const [name, op] of [
    ["size_min", ">="],
    ["size_max", "<="],
  ] as const) {
    const value = one(query, name);
    if (value === undefined) continue;
    if (!/^\d+$/.test(value)) throw new HTTPBadRequest(`Invalid value for ${name}: ${value}`);
    conds.push(eb("images.size", op, Number(value)));
  }
  for (const name of ["created_at", "updated_at"] as const)
    for (const value of all(query, name)) conds.push(timeCondition(eb, name, value));
  for (const tag of all(query, "tag")) conds.push(hasRow(eb, "image_tags", "tag", tag));
  for (const [name, value] of Object.entries(query)) {
    if (RESERVED.has(name) || value === undefined) continue;
    conds.push(hasProperty(eb, name, one(query, name) ?? ""));
  }
  return conds;
}

/** `created_at=gte:2026-01-01T00:00:00Z`: an operator and an ISO 8601 time. */
function timeCondition(eb: Eb, name: "created_at" | "updated_at", value: string): Cond {
  const colon = value.indexOf(":");
  const op = TIME_OPS[value.slice(0, colon)];
  if (colon < 0 || op === undefined)
    throw new HTTPBadRequest(`Unable to filter by unknown operator '${value.slice(0, colon)}'.`);
  const time = new Date(value.slice(colon + 1));
  if (Number.isNaN(time.getTime()))
    throw new HTTPBadRequest(`Unable to filter on a date with the value '${value.slice(colon + 1)}'.`);
  return eb(`images.${name}`, op as ">", time.toISOString().replace(/\.\d{3}Z$/, "Z"));
}

function hasRow(eb: Eb, table: "image_tags", column: "tag", value: string): Cond {
  return eb.exists(
    eb
      .selectFrom(table)
      .select(`${table}.image_id`)
      .whereRef(`${table}.image_id`, "=", "images.id")
      .where(`${table}.${column}`, "=", value),
  );
}

function hasProperty(eb: Eb, name: string, value: string): Cond {
  return eb.exists(
    eb
      .selectFrom("image_properties")
      .select("image_properties.image_id")
      .whereRef("image_properties.image_id", "=", "images.id")
      .where("image_properties.name", "=", name)
      .where("image_properties.value", "=", value),
  );
}

/** /v2/images with the request's parameters, the marker replaced. */
function link(query: Query, extra: Record<string, string>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (name === "marker" || value === undefined) continue;
    for (const item of ([] as string[]).concat(value)) params.append(name, item);
  }
  for (const [name, value] of Object.entries(extra)) params.append(name, value);
  const text = params.toString();
  return text === "" ? "/v2/images" : `/v2/images?${text}`;
}
