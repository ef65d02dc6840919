import type { FastifyInstance, FastifyRequest } from "fastify";
import type { NetworkDeps } from "../deps.ts";
import { registerCollection } from "../routes/wire.ts";
import { changeAssociations, changeRoutes } from "./route-table-actions.ts";
import * as routeTables from "./route-tables.ts";
import { routeTableAttributes, vpcAttributes } from "./schemas.ts";
import { createVpcSubnet } from "./vpc-subnets.ts";
import * as vpcs from "./vpcs.ts";

const id = (request: FastifyRequest) => (request.params as { id?: string }).id ?? "";

/** [vpc] /v2.0/vpcs and [vpc-route-tables] /v2.0/route-tables, with their member actions. */
export function registerVpcRoutes(app: FastifyInstance, deps: NetworkDeps): void {
  registerCollection(app, {
    member: "vpc",
    collection: "vpcs",
    attributes: vpcAttributes,
    create: (auth, inputs) => vpcs.createVpcs(deps, auth, inputs),
    get: (auth, vpcId) => vpcs.getVpc(deps, auth, vpcId),
    list: (auth, query) => vpcs.listVpcs(deps, auth, query),
    update: (auth, vpcId, input, ifMatch) => vpcs.updateVpc(deps, auth, vpcId, input, ifMatch),
    remove: (auth, vpcId) => vpcs.deleteVpc(deps, auth, vpcId),
    changeTags: (auth, vpcId, change) => vpcs.changeVpcTags(deps, auth, vpcId, change),
  });
  app.put("/v2.0/vpcs/:id/add_cidr", async (request) => ({
    vpc: await vpcs.addCidr(deps, request.auth, id(request), request.body),
  }));
  app.put("/v2.0/vpcs/:id/remove_cidr", async (request) => ({
    vpc: await vpcs.removeCidr(deps, request.auth, id(request), request.body),
  }));
  app.post("/v2.0/vpcs/:id/subnets", async (request, reply) =>
    reply.code(201).send({ subnet: await createVpcSubnet(deps, request.auth, id(request), request.body) }),
  );

  registerCollection(app, {
    member: "route_table",
    collection: "route_tables",
    path: "route-tables",
    attributes: routeTableAttributes,
    create: (auth, inputs) => routeTables.createRouteTables(deps, auth, inputs),
    get: (auth, tableId) => routeTables.getRouteTable(deps, auth, tableId),
    list: (auth, query) => routeTables.listRouteTables(deps, auth, query),
    update: (auth, tableId, input, ifMatch) =>
      routeTables.updateRouteTable(deps, auth, tableId, input, ifMatch),
    remove: (auth, tableId) => routeTables.deleteRouteTable(deps, auth, tableId),
    changeTags: (auth, tableId, change) => routeTables.changeRouteTableTags(deps, auth, tableId, change),
  });
  for (const change of ["add", "remove"] as const)
    app.put(`/v2.0/route-tables/:id/${change}_routes`, async (request) => ({
      route_table: await changeRoutes(deps, request.auth, id(request), request.body, change),
    }));
  for (const change of ["associate", "disassociate"] as const)
    app.put(`/v2.0/route-tables/:id/${change}_subnets`, async (request) => ({
      route_table: await changeAssociations(deps, request.auth, id(request), request.body, change),
    }));
}
