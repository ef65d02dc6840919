import { validString, validUuid, type AttributeMap } from "../../lib/attributes.ts";
import { standardAttributes } from "../schemas/standard.ts";
import { isDict, pyStr } from "../schemas/subnet.ts";

const VPC_INFO_KEYS = ["vpc_id", "tenant_id"];

/** Huawei's vpc_info: {"vpc_id": uuid, "tenant_id"?: project id}. */
function validVpcInfo(value: unknown): string | undefined {
  if (!isDict(value)) return `'${pyStr(value)}' is not a dictionary`;
  const unknown = Object.keys(value).filter((key) => !VPC_INFO_KEYS.includes(key));
  if (unknown.length > 0) return `Unrecognized attribute(s) '${unknown.join(", ")}'`;
  const badId = validUuid(value.vpc_id);
  if (badId !== undefined) return badId;
  return value.tenant_id === undefined ? undefined : validString(255)(value.tenant_id);
}

/** Shown, filtered and sorted on; never written by the caller. */
const readOnly = (column: string) => ({
  allow_post: false,
  allow_put: false,
  is_visible: true,
  is_filter: true,
  is_sort_key: true,
  column,
});

const vpcInfo = { allow_post: true, allow_put: false, validate: validVpcInfo, is_visible: true };

/** POST/PUT /v2.0/vpc/peerings [vpc-peering], Huawei's shape; only name and description change. */
export const peeringAttributes: AttributeMap = {
  ...standardAttributes,
  // The owner is the request VPC's project: never named in the body.
  project_id: readOnly("project_id"),
  tenant_id: readOnly("project_id"),
  request_vpc_info: vpcInfo,
  accept_vpc_info: vpcInfo,
  status: readOnly("status"),
};

/** Huawei's list filter for a VPC on either side. */
export const PEERING_EXTRA_FILTERS = ["vpc_id"] as const;

export interface VpcInfo {
  vpc_id: string;
  tenant_id?: string;
}
