import type { FastifyInstance, FastifyRequest } from "fastify";
import type { NetworkDeps } from "../deps.ts";
import { registerCollection } from "../routes/wire.ts";
import { insertFloatingIps, removeFloatingIps } from "./actions.ts";
import * as bandwidths from "./bandwidths.ts";
import { bandwidthAttributes } from "./schemas.ts";

const id = (request: FastifyRequest) => (request.params as { id?: string }).id ?? "";

/**
 * [bandwidth] /v2.0/bandwidths with insert/remove of floating IPs. The actions answer on PUT (as
 * Stratus' other member actions) and POST (Huawei's verb); both return {"bandwidth": {...}}.
 */
export function registerBandwidthRoutes(app: FastifyInstance, deps: NetworkDeps): void {
  registerCollection(app, {
    member: "bandwidth",
    collection: "bandwidths",
    attributes: bandwidthAttributes,
    create: (auth, inputs) => bandwidths.createBandwidths(deps, auth, inputs),
    get: (auth, bandwidthId) => bandwidths.getBandwidth(deps, auth, bandwidthId),
    list: (auth, query) => bandwidths.listBandwidths(deps, auth, query),
    update: (auth, bandwidthId, input, ifMatch) =>
      bandwidths.updateBandwidth(deps, auth, bandwidthId, input, ifMatch),
    remove: (auth, bandwidthId) => bandwidths.deleteBandwidth(deps, auth, bandwidthId),
    changeTags: (auth, bandwidthId, change) =>
      bandwidths.changeBandwidthTags(deps, auth, bandwidthId, change),
  });
  const actions = { insert: insertFloatingIps, remove: removeFloatingIps } as const;
  for (const [name, action] of Object.entries(actions))
    for (const method of ["PUT", "POST"] as const)
      app.route({
        method,
        url: `/v2.0/bandwidths/:id/${name}`,
        handler: async (request) => ({
          bandwidth: await action(deps, request.auth, id(request), request.body),
        }),
      });
}
