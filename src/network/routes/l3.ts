import type { FastifyInstance, FastifyRequest } from "fastify";
import { HTTPBadRequest, selectFields } from "../../lib/attributes.ts";
import { parseListQuery, type QueryParams } from "../../lib/list-query.ts";
import type { NetworkDeps } from "../deps.ts";
import * as portForwardings from "../port-forwardings.ts";
import { addRouterInterface, removeRouterInterface } from "../router-interfaces.ts";
import { changeExtraRoutes } from "../router-routes.ts";
import { portForwardingAttributes } from "../schemas/floating-ip.ts";

const params = (request: FastifyRequest) => request.params as Record<string, string>;

/** Router member actions (interfaces, extraroute-atomic) and floating IP port forwardings. */
export function registerL3Routes(app: FastifyInstance, deps: NetworkDeps): void {
  app.put("/v2.0/routers/:id/add_router_interface", async (request) =>
    addRouterInterface(deps, request.auth, params(request).id ?? "", request.body),
  );
  app.put("/v2.0/routers/:id/remove_router_interface", async (request) =>
    removeRouterInterface(deps, request.auth, params(request).id ?? "", request.body),
  );
  app.put("/v2.0/routers/:id/add_extraroutes", async (request) => ({
    router: await changeExtraRoutes(deps, request.auth, params(request).id ?? "", request.body, "add"),
  }));
  app.put("/v2.0/routers/:id/remove_extraroutes", async (request) => ({
    router: await changeExtraRoutes(deps, request.auth, params(request).id ?? "", request.body, "remove"),
  }));

  const base = "/v2.0/floatingips/:fip/port_forwardings";
  app.get(base, async (request) => {
    const query = parseListQuery(portForwardingAttributes, request.query as QueryParams);
    const items = await portForwardings.listPortForwardings(
      deps,
      request.auth,
      params(request).fip ?? "",
      query,
    );
    return { port_forwardings: items.map((item) => selectFields(item, query.fields)) };
  });
  app.get(`${base}/:id`, async (request) => {
    const { fip = "", id = "" } = params(request);
    const { fields } = parseListQuery(portForwardingAttributes, {
      fields: (request.query as QueryParams).fields,
    });
    return {
      port_forwarding: selectFields(
        await portForwardings.getPortForwarding(deps, request.auth, fip, id),
        fields,
      ),
    };
  });
  app.post(base, async (request, reply) => {
    const input = memberBody(request.body);
    const created = await portForwardings.createPortForwarding(
      deps,
      request.auth,
      params(request).fip ?? "",
      input,
    );
    return reply.code(201).send({ port_forwarding: created });
  });
  app.put(`${base}/:id`, async (request) => {
    const { fip = "", id = "" } = params(request);
    const input = memberBody(request.body);
    return {
      port_forwarding: await portForwardings.updatePortForwarding(deps, request.auth, fip, id, input),
    };
  });
  app.delete(`${base}/:id`, async (request, reply) => {
    const { fip = "", id = "" } = params(request);
    await portForwardings.deletePortForwarding(deps, request.auth, fip, id);
    return reply.code(204).send();
  });
}

function memberBody(body: unknown): Record<string, unknown> {
  const value = (body as { port_forwarding?: unknown } | null)?.port_forwarding;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new HTTPBadRequest("Unable to find 'port_forwarding' in request body");
  return value as Record<string, unknown>;
}
