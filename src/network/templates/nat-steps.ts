import type { AuthContext } from "../../http/auth.ts";
import { reader, type NetworkDeps } from "../deps.ts";
import { createDnatRules, deleteDnatRule } from "../nat/dnat-rules.ts";
import { createSnatRules, deleteSnatRule } from "../nat/snat-rules.ts";
import { gatewayOfRouter } from "../nat/store.ts";
import type { VpcRow } from "../vpc/store.ts";
import type { ResourceSpec } from "./spec.ts";
import { InvalidNetworkTemplate } from "./errors.ts";
import type { CreatedResource, Run } from "./steps.ts";

/**
 * SNAT and DNAT rules, through the NAT gateway API's own functions. A rule names its gateway with
 * `nat_gateway_id`, or takes the VPC's (the NAT gateway on the VPC's router), looked up before
 * anything is made.
 */

export const NAT_TYPES = ["snat_rule", "dnat_rule"];

/** 400 before anything is made when a NAT rule has no gateway to go to. */
export async function checkNatGateway(deps: NetworkDeps, vpc: VpcRow, specs: readonly ResourceSpec[]) {
  const index = specs.findIndex((spec) => NAT_TYPES.includes(spec.type) && spec.nat_gateway_id === undefined);
  if (index < 0) return;
  if ((await gatewayOfRouter(reader(deps), vpc.router_id)) === undefined)
    throw new InvalidNetworkTemplate(
      `resources[${index}]`,
      `VPC ${vpc.id} has no NAT gateway: create one first or give nat_gateway_id`,
    );
}

async function gatewayId(run: Run, spec: ResourceSpec): Promise<string> {
  if (typeof spec.nat_gateway_id === "string") return spec.nat_gateway_id;
  return (await gatewayOfRouter(reader(run.deps), run.vpc.router_id))?.id ?? "";
}

const pick = (spec: ResourceSpec, ...keys: string[]) =>
  Object.fromEntries(keys.filter((key) => spec[key] !== undefined).map((key) => [key, spec[key]]));

function subnetNetwork(run: Run, name: unknown): string {
  const made = run.created.find((resource) => resource.type === "subnet" && resource.name === name);
  return made?.network_id ?? "";
}

/** Traffic from a template subnet (or a CIDR) leaves through the floating IP. */
async function createSnat(run: Run, spec: ResourceSpec): Promise<void> {
  const [rule] = await createSnatRules(run.deps, run.auth, [
    {
      name: run.prefix + spec.name,
      project_id: run.vpc.project_id,
      nat_gateway_id: await gatewayId(run, spec),
      ...pick(spec, "description", "floating_ip_id", "cidr"),
      ...(spec.subnet !== undefined ? { network_id: subnetNetwork(run, spec.subnet) } : {}),
    },
  ]);
  if (rule !== undefined) run.created.push({ type: "snat_rule", name: spec.name, id: rule.id });
}

/** A floating IP's port forwarded to an address (or port) inside the VPC. */
async function createDnat(run: Run, spec: ResourceSpec): Promise<void> {
  const [rule] = await createDnatRules(run.deps, run.auth, [
    {
      name: run.prefix + spec.name,
      project_id: run.vpc.project_id,
      nat_gateway_id: await gatewayId(run, spec),
      ...pick(
        spec,
        "description",
        "floating_ip_id",
        "protocol",
        "private_ip",
        "port_id",
        "internal_service_port",
        "external_service_port",
      ),
    },
  ]);
  if (rule !== undefined) run.created.push({ type: "dnat_rule", name: spec.name, id: rule.id });
}

export const CREATE_NAT: Record<string, (run: Run, spec: ResourceSpec) => Promise<void>> = {
  snat_rule: createSnat,
  dnat_rule: createDnat,
};

type Undo = (deps: NetworkDeps, auth: AuthContext | null, made: CreatedResource) => Promise<void>;
export const UNDO_NAT: Record<string, Undo> = {
  snat_rule: (deps, auth, made) => deleteSnatRule(deps, auth, made.id),
  dnat_rule: (deps, auth, made) => deleteDnatRule(deps, auth, made.id),
};
