import type { FastifyInstance, FastifyRequest } from "fastify";
import type { NetworkDeps } from "../deps.ts";
import { registerCollection } from "../routes/wire.ts";
import * as peerings from "./peerings.ts";
import { PEERING_EXTRA_FILTERS, peeringAttributes } from "./schemas.ts";

const id = (request: FastifyRequest) => (request.params as { id?: string }).id ?? "";

/** [vpc-peering] /v2.0/vpc/peerings with accept/reject; these answer Huawei's bare peering body. */
export function registerPeeringRoutes(app: FastifyInstance, deps: NetworkDeps): void {
  registerCollection(app, {
    member: "peering",
    collection: "peerings",
    path: "vpc/peerings",
    attributes: peeringAttributes,
    extraFilters: PEERING_EXTRA_FILTERS,
    create: (auth, inputs) => peerings.createPeerings(deps, auth, inputs),
    get: (auth, peeringId) => peerings.getPeering(deps, auth, peeringId),
    list: (auth, query) => peerings.listPeerings(deps, auth, query),
    update: (auth, peeringId, input, ifMatch) =>
      peerings.updatePeering(deps, auth, peeringId, input, ifMatch),
    remove: (auth, peeringId) => peerings.deletePeering(deps, auth, peeringId),
    changeTags: (auth, peeringId, change) => peerings.changePeeringTags(deps, auth, peeringId, change),
  });
  for (const answer of ["accept", "reject"] as const)
    app.put(`/v2.0/vpc/peerings/:id/${answer}`, async (request) =>
      peerings.answerPeering(deps, request.auth, id(request), answer),
    );
}
