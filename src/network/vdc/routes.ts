import type { FastifyInstance } from "fastify";
import type { NetworkDeps } from "../deps.ts";
import { HTTPNotFound } from "../errors.ts";
import { registerCollection } from "../routes/wire.ts";
import { vdcAttributes } from "./schemas.ts";
import * as vdcs from "./vdcs.ts";

/** [vdc] /v2.0/vdcs. */
export function registerVdcRoutes(app: FastifyInstance, deps: NetworkDeps): void {
  registerCollection(app, {
    member: "vdc",
    collection: "vdcs",
    attributes: vdcAttributes,
    create: (auth, inputs) => vdcs.createVdcs(deps, auth, inputs),
    get: (auth, id) => vdcs.getVdc(deps, auth, id),
    list: (auth, query) => vdcs.listVdcs(deps, auth, query),
    update: (auth, id, input) => vdcs.updateVdc(deps, auth, id, input),
    remove: (auth, id) => vdcs.deleteVdc(deps, auth, id),
    // VDCs carry no tags: the tag routes answer 404 as for a route that does not exist.
    changeTags: () => Promise.reject(new HTTPNotFound()),
  });
}
