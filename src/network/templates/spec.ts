import { parseCidr, parseCidrLoose, parseIp } from "../../lib/ip.ts";
import { NEXTHOP_TYPES } from "../vpc/cidrs.ts";
import { InvalidNetworkTemplate } from "./errors.ts";

/**
 * The template language: parameters (name -> {type, default?, description}) and an ordered list of
 * typed resource specs whose strings may hold `{{param}}` and whose references name earlier
 * resources by their local name. The same checks run on the template as written (placeholders
 * skip format checks) and on the substituted specs before an instantiation creates anything.
 */

export const PARAMETER_TYPES = ["string", "cidr", "integer"] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];
export interface ParameterSpec {
  type: ParameterType;
  default?: string | number;
  description: string;
}

/** A resource spec as stored: a `type`, a local `name`, and fields checked per type below. */
export type ResourceSpec = Record<string, unknown> & { type: string; name: string };

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

interface Ctx {
  params: ReadonlyMap<string, ParameterSpec>;
  /** After substitution: every value must be concrete. */
  concrete: boolean;
  /** Local names seen so far, by resource type ("subnet" -> {"web"}). */
  names: Map<string, Set<string>>;
}

type Check = (value: unknown, ctx: Ctx, path: string) => void;
interface Field {
  check: Check;
  required?: boolean;
}

const fail = (path: string, reason: string): never => {
  throw new InvalidNetworkTemplate(path, reason);
};
const show = (value: unknown) => JSON.stringify(value);

/** A string holding placeholders: they must be declared; true when its format cannot be checked yet. */
function placeheld(value: string, ctx: Ctx, path: string): boolean {
  const used = [...value.matchAll(PLACEHOLDER)].map((match) => match[1] ?? "");
  for (const name of used) if (!ctx.params.has(name)) fail(path, `unknown parameter '${name}'`);
  if (used.length > 0 && ctx.concrete) fail(path, `unresolved placeholder in ${show(value)}`);
  return used.length > 0;
}

const text =
  (max = 255): Check =>
  (value, ctx, path) => {
    if (typeof value !== "string") return fail(path, `${show(value)} is not a string`);
    placeheld(value, ctx, path);
    if (value.length > max) fail(path, `longer than ${max} characters`);
  };

/** A string in a format, unless it is (partly) a placeholder still. */
const formatted =
  (what: string, ok: (text: string) => boolean): Check =>
  (value, ctx, path) => {
    if (typeof value !== "string") return fail(path, `${show(value)} is not a string`);
    if (!placeheld(value, ctx, path) && !ok(value)) fail(path, `${show(value)} is not a valid ${what}`);
  };

const cidr = formatted("CIDR", (value) => parseCidr(value) !== undefined);
const ipOrCidr = formatted(
  "IP address or CIDR",
  (value) => parseIp(value) !== undefined || parseCidrLoose(value) !== undefined,
);
const uuidText = formatted("UUID", (value) => /^[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}$/i.test(value));
const ipAddress = formatted("IP address", (value) => parseIp(value) !== undefined);
const portRange = formatted("port range", (value) => /^\d{1,5}(:\d{1,5})?$/.test(value));

const oneOf =
  (...allowed: ReadonlyArray<string | null>): Check =>
  (value, ctx, path) => {
    if (typeof value === "string" && placeheld(value, ctx, path)) return;
    if (!allowed.includes(value as string | null))
      fail(path, `${show(value)} is not one of ${allowed.map(show).join(", ")}`);
  };

const integer =
  (min: number, max: number): Check =>
  (value, ctx, path) => {
    if (typeof value === "string" && WHOLE_PLACEHOLDER.test(value)) return void placeheld(value, ctx, path);
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
      fail(path, `${show(value)} is not an integer in [${min}, ${max}]`);
  };

const boolean: Check = (value, _ctx, path) => {
  if (typeof value !== "boolean") fail(path, `${show(value)} is not a boolean`);
};

/** The local name of an earlier resource of one of `types`. */
const ref =
  (...types: string[]): Check =>
  (value, ctx, path) => {
    if (typeof value !== "string") return fail(path, `${show(value)} is not a string`);
    if (!types.some((type) => ctx.names.get(type)?.has(value)))
      fail(path, `no earlier ${types.join(" or ")} named ${show(value)}`);
  };

const listOf =
  (item: Check): Check =>
  (value, ctx, path) => {
    if (!Array.isArray(value)) return fail(path, `${show(value)} is not a list`);
    value.forEach((entry, i) => item(entry, ctx, `${path}[${i}]`));
  };

const object =
  (fields: Readonly<Record<string, Field>>): Check =>
  (value, ctx, path) => {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return fail(path, `${show(value)} is not an object`);
    const given = value as Record<string, unknown>;
    const unknown = Object.keys(given).find((key) => fields[key] === undefined);
    if (unknown !== undefined) fail(`${path}.${unknown}`, "unknown field");
    for (const [key, field] of Object.entries(fields)) {
      if (given[key] === undefined) {
        if (field.required === true) fail(`${path}.${key}`, "required");
        continue;
      }
      field.check(given[key], ctx, `${path}.${key}`);
    }
  };

const req = (check: Check): Field => ({ check, required: true });
const opt = (check: Check): Field => ({ check });

const routeFields = {
  destination: req(cidr),
  nexthop_type: req(oneOf(...NEXTHOP_TYPES.filter((type) => type !== "local"))),
  nexthop: opt(text(64)),
};

const securityGroupRule = object({
  direction: req(oneOf("ingress", "egress")),
  ethertype: opt(oneOf("IPv4", "IPv6")),
  protocol: opt(oneOf(null, "tcp", "udp", "icmp", "icmpv6", "ipv6-icmp", "sctp", "gre", "esp", "ah")),
  port_range_min: opt(integer(0, 65535)),
  port_range_max: opt(integer(0, 65535)),
  remote_ip_prefix: opt(ipOrCidr),
  /** An earlier (or this) security group of the template, by local name. */
  remote_group: opt(text(63)),
  /** An earlier subnet of the template: its CIDR becomes remote_ip_prefix. */
  remote_subnet: opt(ref("subnet")),
  description: opt(text()),
});

const aclRule = object({
  action: req(oneOf("allow", "deny", "reject")),
  protocol: opt(oneOf(null, "tcp", "udp", "icmp")),
  source_ip_address: opt(ipOrCidr),
  destination_ip_address: opt(ipOrCidr),
  source_subnet: opt(ref("subnet")),
  destination_subnet: opt(ref("subnet")),
  source_port: opt(portRange),
  destination_port: opt(portRange),
  description: opt(text()),
});

/** Each resource type's fields, besides `type` and `name`. */
export const RESOURCE_FIELDS: Record<string, Readonly<Record<string, Field>>> = {
  subnet: {
    cidr: req(cidr),
    availability_zone: opt(text()),
    enable_dhcp: opt(boolean),
    gateway_ip: opt(ipAddress),
  },
  security_group: {
    description: opt(text()),
    stateful: opt(boolean),
    rules: opt(listOf(securityGroupRule)),
  },
  route_table: {
    description: opt(text()),
    subnets: opt(listOf(ref("subnet"))),
    routes: opt(listOf(object(routeFields))),
  },
  route: { route_table: req(text(63)), ...routeFields },
  acl: {
    description: opt(text()),
    subnets: req(listOf(ref("subnet"))),
    ingress_rules: opt(listOf(aclRule)),
    egress_rules: opt(listOf(aclRule)),
  },
  /** From a template subnet (or a CIDR) out through a floating IP; the VPC's NAT gateway by default. */
  snat_rule: {
    description: opt(text()),
    nat_gateway_id: opt(uuidText),
    floating_ip_id: req(uuidText),
    subnet: opt(ref("subnet")),
    cidr: opt(cidr),
  },
  dnat_rule: {
    description: opt(text()),
    nat_gateway_id: opt(uuidText),
    floating_ip_id: req(uuidText),
    protocol: req(oneOf("tcp", "udp", "any")),
    internal_service_port: opt(integer(0, 65535)),
    external_service_port: opt(integer(0, 65535)),
    private_ip: opt(ipAddress),
    port_id: opt(uuidText),
  },
};

export const RESOURCE_TYPES = Object.keys(RESOURCE_FIELDS);

/** parameters: {name: {type, default?, description?}}; returns them with descriptions filled. */
export function checkParameters(value: unknown): Record<string, ParameterSpec> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return fail("parameters", `${show(value)} is not an object`);
  const out: Record<string, ParameterSpec> = {};
  for (const [name, spec] of Object.entries(value as Record<string, unknown>)) {
    const path = `parameters.${name}`;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(path, "not a valid parameter name");
    const ctx: Ctx = { params: new Map(), concrete: true, names: new Map() };
    object({
      type: req(oneOf(...PARAMETER_TYPES)),
      default: opt(() => undefined),
      description: opt(text()),
    })(spec, ctx, path);
    const given = spec as { type: ParameterType; default?: unknown; description?: string };
    const param: ParameterSpec = { type: given.type, description: given.description ?? "" };
    if (given.default !== undefined) param.default = checkValue(given.type, given.default, `${path}.default`);
    out[name] = param;
  }
  return out;
}

/** A parameter value of its declared type. */
export function checkValue(type: ParameterType, value: unknown, path: string): string | number {
  if (type === "integer") {
    if (typeof value !== "number" || !Number.isInteger(value)) fail(path, `${show(value)} is not an integer`);
    return value as number;
  }
  if (typeof value !== "string") return fail(path, `${show(value)} is not a string`);
  if (type === "cidr" && parseCidr(value) === undefined) fail(path, `${show(value)} is not a valid CIDR`);
  return value;
}

/**
 * The resource list: known types, unique local names (per template), fields as RESOURCE_FIELDS
 * says, references to earlier resources only.
 */
export function checkResources(
  value: unknown,
  params: Readonly<Record<string, ParameterSpec>>,
  concrete: boolean,
): ResourceSpec[] {
  if (!Array.isArray(value)) return fail("resources", `${show(value)} is not a list`);
  const ctx: Ctx = { params: new Map(Object.entries(params)), concrete, names: new Map() };
  const seen = new Set<string>();
  value.forEach((spec, i) => {
    const path = `resources[${i}]`;
    if (typeof spec !== "object" || spec === null || Array.isArray(spec))
      return fail(path, `${show(spec)} is not an object`);
    const { type, name, ...rest } = spec as Record<string, unknown>;
    const fields =
      typeof type === "string" && Object.hasOwn(RESOURCE_FIELDS, type) ? RESOURCE_FIELDS[type] : undefined;
    if (fields === undefined)
      return fail(`${path}.type`, `${show(type)} is not one of ${RESOURCE_TYPES.join(", ")}`);
    if (typeof name !== "string" || !NAME.test(name))
      fail(`${path}.name`, `${show(name)} is not a valid local name (letters, digits, '_', '.', '-')`);
    if (seen.has(name as string)) fail(`${path}.name`, `${show(name)} is used twice`);
    seen.add(name as string);
    // A group's rules may name the group itself as their remote group.
    if (type === "security_group") names(ctx, type).add(name as string);
    object(fields)(rest, ctx, path);
    checkLinks(type as string, rest, ctx, path);
    names(ctx, type as string).add(name as string);
  });
  return value as ResourceSpec[];
}

function names(ctx: Ctx, type: string): Set<string> {
  const set = ctx.names.get(type) ?? new Set<string>();
  ctx.names.set(type, set);
  return set;
}

/** References the field table cannot express: a route's table, a rule's remote group. */
function checkLinks(type: string, spec: Record<string, unknown>, ctx: Ctx, path: string): void {
  if (type === "route" && spec.route_table !== "main")
    ref("route_table")(spec.route_table, ctx, `${path}.route_table`);
  if (type === "security_group")
    ((spec.rules ?? []) as Array<Record<string, unknown>>).forEach((rule, i) => {
      if (rule.remote_group !== undefined)
        ref("security_group")(rule.remote_group, ctx, `${path}.rules[${i}].remote_group`);
      const remotes = ["remote_group", "remote_subnet", "remote_ip_prefix"].filter(
        (key) => rule[key] !== undefined,
      );
      if (remotes.length > 1) fail(`${path}.rules[${i}]`, `only one of ${remotes.join(", ")} may be given`);
    });
  if (type === "snat_rule" && (spec.subnet === undefined) === (spec.cidr === undefined))
    fail(path, "a snat_rule takes exactly one of subnet and cidr");
  if (type === "dnat_rule" && (spec.private_ip === undefined) === (spec.port_id === undefined))
    fail(path, "a dnat_rule takes exactly one of private_ip and port_id");
}

/**
 * The specs with every placeholder replaced: a string that is exactly one placeholder takes the
 * value itself (an integer stays an integer), others are interpolated.
 */
export function substitute(value: unknown, values: Readonly<Record<string, string | number>>): unknown {
  if (typeof value === "string") {
    const whole = WHOLE_PLACEHOLDER.exec(value);
    if (whole !== null) return values[whole[1] ?? ""] ?? value;
    return value.replace(PLACEHOLDER, (match, name: string) => String(values[name] ?? match));
  }
  if (Array.isArray(value)) return value.map((entry) => substitute(entry, values));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, substitute(entry, values)]));
  return value;
}

/**
 * An instantiation's parameters: known names only, each of its type, defaults filled; 400 (before
 * anything is created) for a missing or ill-typed one.
 */
export function resolveParameters(
  params: Readonly<Record<string, ParameterSpec>>,
  given: unknown,
): Record<string, string | number> {
  const values = given ?? {};
  if (typeof values !== "object" || Array.isArray(values))
    return fail("parameters", `${show(given)} is not an object`);
  const out: Record<string, string | number> = {};
  const unknown = Object.keys(values).find((name) => !Object.hasOwn(params, name));
  if (unknown !== undefined) fail(`parameters.${unknown}`, "not a parameter of the template");
  for (const [name, spec] of Object.entries(params)) {
    const value = (values as Record<string, unknown>)[name] ?? spec.default;
    if (value === undefined) fail(`parameters.${name}`, "required");
    out[name] = checkValue(spec.type, value, `parameters.${name}`);
  }
  return out;
}
