import type { Migration } from "kysely";
import * as events from "./0001-core-events.ts";
import * as identity from "./0002-identity-core.ts";
import * as network from "./0003-network-core.ts";
import * as subnetsPorts from "./0004-network-subnets-ports.ts";
import * as networkQuotas from "./0005-network-quotas.ts";
import * as securityGroups from "./0006-network-security-groups.ts";
import * as routers from "./0007-network-routers.ts";
import * as subnetpools from "./0008-network-subnetpools.ts";
import * as rbac from "./0009-network-rbac.ts";
import * as networkQos from "./0010-network-qos.ts";
import * as sdnTopology from "./0011-sdn-topology.ts";
import * as networkFwaas from "./0012-network-fwaas.ts";
import * as networkVpc from "./0013-network-vpc.ts";
import * as imageCore from "./0014-image-core.ts";
import * as networkVdc from "./0016-network-vdc.ts";
import * as imageMetadefs from "./0017-image-metadefs.ts";
import * as imageTasks from "./0018-image-tasks.ts";
import * as imageCache from "./0019-image-cache.ts";
import * as networkVpcPeering from "./0020-network-vpc-peering.ts";
import * as networkNatGateways from "./0021-network-nat-gateways.ts";
import * as networkBandwidths from "./0022-network-bandwidths.ts";
import * as networkTemplates from "./0023-network-templates.ts";
import * as imageDelayedDelete from "./0024-image-delayed-delete.ts";

/** Every migration, in order. Frozen once merged: change the schema with a new entry. */
export const migrations: Record<string, Migration> = {
  "0001-core-events": events,
  "0002-identity-core": identity,
  "0003-network-core": network,
  "0004-network-subnets-ports": subnetsPorts,
  "0005-network-quotas": networkQuotas,
  "0006-network-security-groups": securityGroups,
  "0007-network-routers": routers,
  "0008-network-subnetpools": subnetpools,
  "0009-network-rbac": rbac,
  "0010-network-qos": networkQos,
  "0011-sdn-topology": sdnTopology,
  "0012-network-fwaas": networkFwaas,
  "0013-network-vpc": networkVpc,
  "0014-image-core": imageCore,
  "0016-network-vdc": networkVdc,
  "0017-image-metadefs": imageMetadefs,
  "0018-image-tasks": imageTasks,
  "0019-image-cache": imageCache,
  "0020-network-vpc-peering": networkVpcPeering,
  "0021-network-nat-gateways": networkNatGateways,
  "0022-network-bandwidths": networkBandwidths,
  "0023-network-templates": networkTemplates,
  "0024-image-delayed-delete": imageDelayedDelete,
};
