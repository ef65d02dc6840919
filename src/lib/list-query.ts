import { sql, type RawBuilder, type SqlBool } from "kysely";
import { HTTPBadRequest, type AttributeMap } from "./attributes.ts";
import { BadRequest } from "./errors.ts";

/**
 * A collection GET as OpenStack's list APIs define it: filters (a repeated parameter means OR),
 * `fields`, `sort_key`/`sort_dir`, `limit`/`marker`/`page_reverse`; unknown filters are refused.
 */
export interface ListQuery {
  filters: Array<{ column: string; values: unknown[] }>;
  fields: string[];
  sorts: Array<{ column: string; dir: "asc" | "desc" }>;
  limit: number | undefined;
  marker: string | undefined;
  pageReverse: boolean;
  /** Filters the resource handles itself (tags, substring filters), by name. */
  extra: Record<string, string[]>;
}

export type QueryParams = Record<string, string | string[] | undefined>;

const CONTROL = new Set(["fields", "sort_key", "sort_dir", "limit", "marker", "page_reverse"]);

function all(params: QueryParams, name: string): string[] {
  const value = params[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * `maxLimit` is Neutron's `pagination_max_limit`: a page without a limit, or with a bigger one,
 * holds that many items (and pageLinks then gives it a `next` link); -1 or 0 leaves pages uncapped.
 */
export function parseListQuery(
  map: AttributeMap,
  params: QueryParams,
  extraFilters: readonly string[] = [],
  maxLimit = -1,
): ListQuery {
  const invalid: string[] = [];
  const filters: ListQuery["filters"] = [];
  const extra: ListQuery["extra"] = {};
  for (const name of Object.keys(params)) {
    if (CONTROL.has(name)) continue;
    if (extraFilters.includes(name)) {
      extra[name] = all(params, name);
      continue;
    }
    const spec = map[name];
    if (spec === undefined || !spec.is_filter || spec.column === undefined) {
      invalid.push(name);
      continue;
    }
    const convert = spec.convert ?? ((v: unknown) => v);
    filters.push({ column: spec.column, values: all(params, name).map((v) => storable(convert(v))) });
  }
  if (invalid.length > 0) {
    throw new HTTPBadRequest(
      `[${invalid.map((n) => `'${n}'`).join(", ")}] is invalid attribute for filtering`,
    );
  }
  return {
    filters,
    extra,
    fields: all(params, "fields")
      .flatMap((f) => f.split(","))
      .filter((f) => f !== ""),
    sorts: parseSorts(map, all(params, "sort_key"), all(params, "sort_dir")),
    limit: capLimit(parseLimit(all(params, "limit").at(-1)), maxLimit),
    marker: all(params, "marker").at(-1),
    pageReverse: ["true", "1"].includes((all(params, "page_reverse").at(-1) ?? "").toLowerCase()),
  };
}

/** Booleans are stored as 0/1. */
function storable(value: unknown): unknown {
  return typeof value === "boolean" ? (value ? 1 : 0) : value;
}

/** Python's repr() of a list of strings, as Neutron's sort messages print it. */
const pyList = (items: readonly string[]) => `[${items.map((item) => `'${item}'`).join(", ")}]`;

/**
 * Neutron's get_sorts: a direction for every key (none defaulted), every key sortable, every
 * direction exactly "asc" or "desc"; each message names all the offenders at once.
 */
function parseSorts(map: AttributeMap, keys: string[], dirs: string[]): ListQuery["sorts"] {
  if (dirs.length !== keys.length) {
    throw new HTTPBadRequest("The number of sort_keys and sort_dirs must be same");
  }
  const columnOf = (key: string) => {
    const spec = map[key];
    return spec?.is_sort_key ? spec.column : undefined;
  };
  const absent = keys.filter((key) => columnOf(key) === undefined);
  if (absent.length > 0) throw new HTTPBadRequest(`${pyList(absent)} is invalid attribute for sort_keys`);
  const invalid = dirs.filter((dir) => dir !== "asc" && dir !== "desc");
  if (invalid.length > 0) {
    throw new HTTPBadRequest(
      `${pyList(invalid)} is invalid value for sort_dirs, valid value is 'asc' and 'desc'`,
    );
  }
  return keys.map((key, i) => ({ column: columnOf(key) ?? key, dir: dirs[i] === "desc" ? "desc" : "asc" }));
}

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const limit = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(limit)) {
    throw new BadRequest(`Bad limit request: Limit must be an integer 0 or greater and not '${value}'.`);
  }
  return limit === 0 ? undefined : limit;
}

/** Neutron's get_limit_and_marker: `min(max_limit, limit) or max_limit` when a cap is set. */
function capLimit(limit: number | undefined, maxLimit: number): number | undefined {
  if (maxLimit <= 0) return limit;
  return limit === undefined ? maxLimit : Math.min(limit, maxLimit);
}

/** `col IN (...)` for every filter, ANDed. */
export function filterConditions(query: ListQuery): Array<RawBuilder<SqlBool>> {
  return query.filters.map(({ column, values }) =>
    values.length === 1 && values[0] === null
      ? sql<SqlBool>`${sql.ref(column)} is null`
      : sql<SqlBool>`${sql.ref(column)} in (${sql.join(values)})`,
  );
}

/** The sort order actually used: the requested keys, then id as the tie-breaker, reversed for page_reverse. */
export function effectiveSorts(query: ListQuery, idColumn = "id"): ListQuery["sorts"] {
  const sorts = [
    ...query.sorts.filter((s) => s.column !== idColumn),
    { column: idColumn, dir: "asc" as const },
  ];
  const idSort = query.sorts.find((s) => s.column === idColumn);
  if (idSort) sorts[sorts.length - 1] = idSort;
  return query.pageReverse ? sorts.map((s) => ({ ...s, dir: s.dir === "asc" ? "desc" : "asc" })) : sorts;
}

export function orderByClause(sorts: ListQuery["sorts"]): RawBuilder<unknown> {
  return sql.join(sorts.map((s) => sql`${sql.ref(s.column)} ${sql.raw(s.dir)}`));
}

/** Rows strictly after the marker row in the given order (keyset pagination). */
export function afterMarker(sorts: ListQuery["sorts"], marker: Record<string, unknown>): RawBuilder<SqlBool> {
  const branches = sorts.map((sort, i) => {
    const equal = sorts.slice(0, i).map((s) => sql`${sql.ref(s.column)} = ${marker[s.column]}`);
    const beyond = sql`${sql.ref(sort.column)} ${sql.raw(sort.dir === "asc" ? ">" : "<")} ${marker[sort.column]}`;
    return sql`(${sql.join([...equal, beyond], sql` and `)})`;
  });
  return sql<SqlBool>`(${sql.join(branches, sql` or `)})`;
}

/** `<collection>_links` as Neutron returns them: next when the page is full, previous after a marker. */
export function pageLinks(
  selfUrl: string,
  query: ListQuery,
  ids: readonly string[],
): Array<{ rel: "next" | "previous"; href: string }> | undefined {
  if (query.limit === undefined) return undefined;
  const link = (marker: string, reverse: boolean) => {
    const url = new URL(selfUrl);
    url.searchParams.delete("marker");
    url.searchParams.delete("page_reverse");
    url.searchParams.set("marker", marker);
    if (reverse) url.searchParams.set("page_reverse", "True");
    return url.toString();
  };
  const first = ids[0];
  const last = ids.at(-1);
  const full = ids.length === query.limit;
  const links: Array<{ rel: "next" | "previous"; href: string }> = [];
  const forward = query.pageReverse ? first !== undefined && query.marker !== undefined : full;
  const backward = query.pageReverse ? full : query.marker !== undefined || full;
  if (forward && last !== undefined) links.push({ rel: "next", href: link(last, false) });
  if (backward && first !== undefined) links.push({ rel: "previous", href: link(first, true) });
  return links;
}
