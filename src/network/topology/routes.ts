import type { FastifyInstance } from "fastify";
import type { NetworkDeps } from "../deps.ts";
import { registerCollection } from "../routes/wire.ts";
import { noTags } from "./common.ts";
import * as devices from "./devices.ts";
import * as hosts from "./hosts.ts";
import * as links from "./links.ts";
import { deviceAttributes, hostAttributes, linkAttributes, zoneAttributes } from "./schemas.ts";
import { getTopology } from "./tree.ts";
import * as zones from "./zones.ts";

/** [sdn-topology] /v2.0/sdn/{zones,hosts,devices,links} and /v2.0/sdn/topology, admin-only. */
export function registerTopologyRoutes(app: FastifyInstance, deps: NetworkDeps): void {
  app.get("/v2.0/sdn/topology", async (req) => ({ topology: await getTopology(deps, req.auth) }));
  registerCollection(app, {
    member: "zone",
    collection: "zones",
    path: "sdn/zones",
    attributes: zoneAttributes,
    create: (auth, inputs) => zones.createZones(deps, auth, inputs),
    get: (auth, id) => zones.getZone(deps, auth, id),
    list: (auth, query) => zones.listZones(deps, auth, query),
    update: (auth, id, input) => zones.updateZone(deps, auth, id, input),
    remove: (auth, id) => zones.deleteZone(deps, auth, id),
    changeTags: noTags,
  });
  registerCollection(app, {
    member: "host",
    collection: "hosts",
    path: "sdn/hosts",
    attributes: hostAttributes,
    create: (auth, inputs) => hosts.createHosts(deps, auth, inputs),
    get: (auth, id) => hosts.getHost(deps, auth, id),
    list: (auth, query) => hosts.listHosts(deps, auth, query),
    update: (auth, id, input) => hosts.updateHost(deps, auth, id, input),
    remove: (auth, id) => hosts.deleteHost(deps, auth, id),
    changeTags: noTags,
  });
  registerCollection(app, {
    member: "device",
    collection: "devices",
    path: "sdn/devices",
    attributes: deviceAttributes,
    create: (auth, inputs) => devices.createDevices(deps, auth, inputs),
    get: (auth, id) => devices.getDevice(deps, auth, id),
    list: (auth, query) => devices.listDevices(deps, auth, query),
    update: (auth, id, input) => devices.updateDevice(deps, auth, id, input),
    remove: (auth, id) => devices.deleteDevice(deps, auth, id),
    changeTags: noTags,
  });
  registerCollection(app, {
    member: "link",
    collection: "links",
    path: "sdn/links",
    attributes: linkAttributes,
    create: (auth, inputs) => links.createLinks(deps, auth, inputs),
    get: (auth, id) => links.getLink(deps, auth, id),
    list: (auth, query) => links.listLinks(deps, auth, query),
    update: (auth, id, input) => links.updateLink(deps, auth, id, input),
    remove: (auth, id) => links.deleteLink(deps, auth, id),
    changeTags: noTags,
  });
}
