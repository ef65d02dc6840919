import type { FastifyInstance } from "fastify";
import type { NetworkDeps } from "../deps.ts";
import { registerCollection } from "../routes/wire.ts";
import * as dnat from "./dnat-rules.ts";
import * as gateways from "./gateways.ts";
import { dnatRuleAttributes, natGatewayAttributes, snatRuleAttributes } from "./schemas.ts";
import * as snat from "./snat-rules.ts";

/** /v2.0/nat-gateways, /v2.0/snat-rules, /v2.0/dnat-rules [nat-gateway]. */
export function registerNatRoutes(app: FastifyInstance, deps: NetworkDeps): void {
  registerCollection(app, {
    member: "nat_gateway",
    collection: "nat_gateways",
    path: "nat-gateways",
    attributes: natGatewayAttributes,
    create: (auth, inputs) => gateways.createNatGateways(deps, auth, inputs),
    get: (auth, id) => gateways.getNatGateway(deps, auth, id),
    list: (auth, query) => gateways.listNatGateways(deps, auth, query),
    update: (auth, id, input, ifMatch) => gateways.updateNatGateway(deps, auth, id, input, ifMatch),
    remove: (auth, id) => gateways.deleteNatGateway(deps, auth, id),
    changeTags: (auth, id, change) => gateways.changeNatGatewayTags(deps, auth, id, change),
  });
  registerCollection(app, {
    member: "snat_rule",
    collection: "snat_rules",
    path: "snat-rules",
    attributes: snatRuleAttributes,
    create: (auth, inputs) => snat.createSnatRules(deps, auth, inputs),
    get: (auth, id) => snat.getSnatRule(deps, auth, id),
    list: (auth, query) => snat.listSnatRules(deps, auth, query),
    update: (auth, id, input, ifMatch) => snat.updateSnatRule(deps, auth, id, input, ifMatch),
    remove: (auth, id) => snat.deleteSnatRule(deps, auth, id),
    changeTags: (auth, id, change) => snat.changeSnatRuleTags(deps, auth, id, change),
  });
  registerCollection(app, {
    member: "dnat_rule",
    collection: "dnat_rules",
    path: "dnat-rules",
    attributes: dnatRuleAttributes,
    create: (auth, inputs) => dnat.createDnatRules(deps, auth, inputs),
    get: (auth, id) => dnat.getDnatRule(deps, auth, id),
    list: (auth, query) => dnat.listDnatRules(deps, auth, query),
    update: (auth, id, input, ifMatch) => dnat.updateDnatRule(deps, auth, id, input, ifMatch),
    remove: (auth, id) => dnat.deleteDnatRule(deps, auth, id),
    changeTags: (auth, id, change) => dnat.changeDnatRuleTags(deps, auth, id, change),
  });
}
