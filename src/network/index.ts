import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AuthenticationRequired } from "../identity/errors.ts";
import { HTTPBadRequest } from "../lib/attributes.ts";
import { StratusError } from "../lib/errors.ts";
import type { NetworkDeps } from "./deps.ts";
import { HTTPNotFound } from "./errors.ts";
import { extensions, extensionView } from "./extensions.ts";
import { listAvailabilityZones } from "./availability-zones.ts";
import * as networks from "./networks.ts";
import * as floatingIps from "./floating-ips.ts";
import * as ports from "./ports.ts";
import * as rbacPolicies from "./rbac-policies.ts";
import * as routers from "./routers.ts";
import * as subnetpools from "./subnetpools.ts";
import * as quotas from "./quotas.ts";
import * as securityGroupRules from "./security-group-rules.ts";
import * as securityGroups from "./security-groups.ts";
import * as subnets from "./subnets.ts";
import { baseUrl, registerCollection, setPaginationMaxLimit } from "./routes/wire.ts";
import { registerL3Routes } from "./routes/l3.ts";
import { registerQosRoutes } from "./routes/qos.ts";
import { registerFwaasRoutes } from "./fwaas/routes.ts";
import { registerTopologyRoutes } from "./topology/routes.ts";
import { registerVdcRoutes } from "./vdc/routes.ts";
import { registerVpcRoutes } from "./vpc/routes.ts";
import { registerTemplateRoutes } from "./templates/routes.ts";
import { registerPeeringRoutes } from "./peering/routes.ts";
import { registerNatRoutes } from "./nat/routes.ts";
import { registerBandwidthRoutes } from "./bandwidths/routes.ts";
import { tracePacket, type Tracer } from "./traces.ts";
import { floatingIpStatistics, portStatistics } from "./traffic-counters.ts";
import { networkAttributes } from "./schemas/network.ts";
import { portAttributes } from "./schemas/port.ts";
import { securityGroupAttributes, securityGroupRuleAttributes } from "./schemas/security-group.ts";
import { subnetAttributes } from "./schemas/subnet.ts";
import { floatingIpAttributes } from "./schemas/floating-ip.ts";
import { rbacPolicyAttributes } from "./schemas/rbac-policy.ts";
import { routerAttributes } from "./schemas/router.ts";
import { subnetpoolAttributes } from "./schemas/subnetpool.ts";

/** Neutron v2.0 under /networking: discovery, extensions, resources, Neutron's error body. */
export function networkService(deps: NetworkDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler(renderError);
    setPaginationMaxLimit(app, deps.paginationMaxLimit ?? -1);
    app.setNotFoundHandler((_req, reply) => send(reply, new HTTPNotFound()));
    app.get("/", async (req) => ({
      versions: [{ id: "v2.0", status: "CURRENT", links: [{ rel: "self", href: `${baseUrl(req)}/v2.0/` }] }],
    }));
    // Neutron lists its core resources only; the extension collections are found via /extensions.
    app.get("/v2.0/", async (req) => ({
      resources: [
        ["network", "networks"],
        ["subnet", "subnets"],
        ["subnetpool", "subnetpools"],
        ["port", "ports"],
      ].map(([name, collection]) => ({
        name,
        collection,
        links: [{ rel: "self", href: `${baseUrl(req)}/v2.0/${collection}` }],
      })),
    }));
    app.get("/v2.0/extensions", async () => ({ extensions: extensions.map(extensionView) }));
    app.get("/v2.0/extensions/:alias", async (req, reply) => {
      const extension = extensions.find((e) => e.alias === (req.params as { alias: string }).alias);
      return extension ? { extension: extensionView(extension) } : send(reply, new HTTPNotFound());
    });
    registerQuotaRoutes(app, deps);
    const { tracer } = deps;
    if (tracer !== undefined) registerTraceRoutes(app, deps, tracer);
    app.get("/v2.0/availability_zones", async (req) => ({
      availability_zones: await listAvailabilityZones(
        deps,
        req.auth,
        req.query as Record<string, string | string[]>,
      ),
    }));
    registerTopologyRoutes(app, deps);
    registerVpcRoutes(app, deps);
    await registerTemplateRoutes(app, deps);
    registerPeeringRoutes(app, deps);
    registerNatRoutes(app, deps);
    registerBandwidthRoutes(app, deps);
    registerVdcRoutes(app, deps);
    registerCollection(app, {
      member: "network",
      collection: "networks",
      attributes: networkAttributes,
      create: (auth, inputs) => networks.createNetworks(deps, auth, inputs),
      get: (auth, id) => networks.getNetwork(deps, auth, id),
      list: (auth, query) => networks.listNetworks(deps, auth, query),
      update: (auth, id, input, ifMatch) => networks.updateNetwork(deps, auth, id, input, ifMatch),
      remove: (auth, id) => networks.deleteNetwork(deps, auth, id),
      changeTags: (auth, id, change) => networks.changeNetworkTags(deps, auth, id, change),
    });
    registerCollection(app, {
      member: "subnet",
      collection: "subnets",
      attributes: subnetAttributes,
      create: (auth, inputs) => subnets.createSubnets(deps, auth, inputs),
      get: (auth, id) => subnets.getSubnet(deps, auth, id),
      list: (auth, query) => subnets.listSubnets(deps, auth, query),
      update: (auth, id, input, ifMatch) => subnets.updateSubnet(deps, auth, id, input, ifMatch),
      remove: (auth, id) => subnets.deleteSubnet(deps, auth, id),
      changeTags: (auth, id, change) => subnets.changeSubnetTags(deps, auth, id, change),
    });
    registerCollection(app, {
      member: "security_group",
      collection: "security_groups",
      path: "security-groups",
      attributes: securityGroupAttributes,
      create: (auth, inputs) => securityGroups.createSecurityGroups(deps, auth, inputs),
      get: (auth, id) => securityGroups.getSecurityGroup(deps, auth, id),
      list: (auth, query) => securityGroups.listSecurityGroups(deps, auth, query),
      update: (auth, id, input, ifMatch) =>
        securityGroups.updateSecurityGroup(deps, auth, id, input, ifMatch),
      remove: (auth, id) => securityGroups.deleteSecurityGroup(deps, auth, id),
      changeTags: (auth, id, change) => securityGroups.changeSecurityGroupTags(deps, auth, id, change),
    });
    registerCollection(app, {
      member: "security_group_rule",
      collection: "security_group_rules",
      path: "security-group-rules",
      attributes: securityGroupRuleAttributes,
      create: (auth, inputs) => securityGroupRules.createRules(deps, auth, inputs),
      get: (auth, id) => securityGroupRules.getRule(deps, auth, id),
      list: (auth, query) => securityGroupRules.listRules(deps, auth, query),
      remove: (auth, id) => securityGroupRules.deleteRule(deps, auth, id),
      changeTags: () => Promise.reject(new HTTPBadRequest("Tags are not supported on security group rules")),
    });
    registerCollection(app, {
      member: "port",
      collection: "ports",
      attributes: portAttributes,
      extraFilters: ["fixed_ips"],
      create: (auth, inputs) => ports.createPorts(deps, auth, inputs),
      get: (auth, id) => ports.getPort(deps, auth, id),
      list: (auth, query) => ports.listPorts(deps, auth, query),
      update: (auth, id, input, ifMatch) => ports.updatePort(deps, auth, id, input, ifMatch),
      remove: (auth, id) => ports.deletePort(deps, auth, id),
      changeTags: (auth, id, change) => ports.changePortTags(deps, auth, id, change),
    });
    registerCollection(app, {
      member: "router",
      collection: "routers",
      attributes: routerAttributes,
      create: (auth, inputs) => routers.createRouters(deps, auth, inputs),
      get: (auth, id) => routers.getRouter(deps, auth, id),
      list: (auth, query) => routers.listRouters(deps, auth, query),
      update: (auth, id, input, ifMatch) => routers.updateRouter(deps, auth, id, input, ifMatch),
      remove: (auth, id) => routers.deleteRouter(deps, auth, id),
      changeTags: (auth, id, change) => routers.changeRouterTags(deps, auth, id, change),
    });
    registerL3Routes(app, deps);
    registerQosRoutes(app, deps);
    registerFwaasRoutes(app, deps);
    registerCollection(app, {
      member: "floatingip",
      collection: "floatingips",
      attributes: floatingIpAttributes,
      create: (auth, inputs) => floatingIps.createFloatingIps(deps, auth, inputs),
      get: (auth, id) => floatingIps.getFloatingIp(deps, auth, id),
      list: (auth, query) => floatingIps.listFloatingIps(deps, auth, query),
      update: (auth, id, input, ifMatch) => floatingIps.updateFloatingIp(deps, auth, id, input, ifMatch),
      remove: (auth, id) => floatingIps.deleteFloatingIp(deps, auth, id),
      changeTags: (auth, id, change) => floatingIps.changeFloatingIpTags(deps, auth, id, change),
    });
    registerCollection(app, {
      member: "subnetpool",
      collection: "subnetpools",
      attributes: subnetpoolAttributes,
      create: (auth, inputs) => subnetpools.createSubnetpools(deps, auth, inputs),
      get: (auth, id) => subnetpools.getSubnetpool(deps, auth, id),
      list: (auth, query) => subnetpools.listSubnetpools(deps, auth, query),
      update: (auth, id, input, ifMatch) => subnetpools.updateSubnetpool(deps, auth, id, input, ifMatch),
      remove: (auth, id) => subnetpools.deleteSubnetpool(deps, auth, id),
      changeTags: (auth, id, change) => subnetpools.changeSubnetpoolTags(deps, auth, id, change),
    });
    registerCollection(app, {
      member: "rbac_policy",
      collection: "rbac_policies",
      path: "rbac-policies",
      attributes: rbacPolicyAttributes,
      create: (auth, inputs) => rbacPolicies.createRbacPolicies(deps, auth, inputs),
      get: (auth, id) => rbacPolicies.getRbacPolicy(deps, auth, id),
      list: (auth, query) => rbacPolicies.listRbacPolicies(deps, auth, query),
      update: (auth, id, input, ifMatch) => rbacPolicies.updateRbacPolicy(deps, auth, id, input, ifMatch),
      remove: (auth, id) => rbacPolicies.deleteRbacPolicy(deps, auth, id),
      changeTags: (auth, id, change) => rbacPolicies.changeRbacPolicyTags(deps, auth, id, change),
    });
  };
}

/** [packet-trace] and [traffic-counters]: the SDN controller's answers. */
function registerTraceRoutes(app: FastifyInstance, deps: NetworkDeps, tracer: Tracer): void {
  const id = (req: FastifyRequest) => (req.params as { id: string }).id;
  app.post("/v2.0/traces", async (req) => ({ trace: await tracePacket(deps, tracer, req.auth, req.body) }));
  app.get("/v2.0/ports/:id/statistics", async (req) => ({
    port_statistics: await portStatistics(deps, tracer, req.auth, id(req)),
  }));
  app.get("/v2.0/floatingips/:id/statistics", async (req) => ({
    floatingip_statistics: await floatingIpStatistics(deps, tracer, req.auth, id(req)),
  }));
}

/** /v2.0/quotas [quotas, quota_details]. */
function registerQuotaRoutes(app: FastifyInstance, deps: NetworkDeps): void {
  const project = (req: FastifyRequest) => (req.params as { project: string }).project;
  app.get("/v2.0/quotas", async (req) => ({ quotas: await quotas.listQuotas(deps, req.auth) }));
  app.get("/v2.0/quotas/:project", async (req) => ({
    quota: await quotas.getQuota(deps, req.auth, project(req)),
  }));
  app.get("/v2.0/quotas/:project/default", async (req) => ({
    quota: await quotas.getDefaultQuota(req.auth, project(req)),
  }));
  app.get("/v2.0/quotas/:project/details", async (req) => ({
    quota: await quotas.getQuotaDetails(deps, req.auth, project(req)),
  }));
  app.put("/v2.0/quotas/:project", async (req) => {
    const body = (req.body as { quota?: unknown } | null)?.quota;
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new HTTPBadRequest("Unable to find 'quota' in request body");
    return { quota: await quotas.updateQuota(deps, req.auth, project(req), body as Record<string, unknown>) };
  });
  app.delete("/v2.0/quotas/:project", async (req, reply) => {
    await quotas.resetQuota(deps, req.auth, project(req));
    return reply.code(204).send();
  });
}

function send(reply: FastifyReply, error: StratusError) {
  return reply
    .code(error.status)
    .send({ NeutronError: { type: error.name, message: error.message, detail: error.detail } });
}

function renderError(error: FastifyError | StratusError, request: FastifyRequest, reply: FastifyReply) {
  // A missing or bad token is rejected before Neutron, by the auth middleware, in Keystone's words.
  if (error instanceof AuthenticationRequired) {
    return reply.code(401).send({ error: { code: 401, title: "Unauthorized", message: error.message } });
  }
  if (error instanceof StratusError) return send(reply, error);
  if (error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error.code === "FST_ERR_CTP_EMPTY_JSON_BODY") {
    return send(reply, new HTTPBadRequest("Body contains invalid data"));
  }
  const status = typeof error.statusCode === "number" ? error.statusCode : 500;
  if (status < 500) return send(reply, new HTTPBadRequest(error.message));
  request.log.error({ err: error }, "unhandled error");
  return reply.code(500).send({
    NeutronError: {
      type: "HTTPInternalServerError",
      message: "Request Failed: internal server error while processing your request.",
      detail: "",
    },
  });
}
