import type { FastifyInstance, FastifyRequest } from "fastify";
import { HTTPBadRequest, selectFields } from "../../lib/attributes.ts";
import { pageLinks, parseListQuery, type QueryParams } from "../../lib/list-query.ts";
import type { NetworkDeps } from "../deps.ts";
import * as policies from "../qos-policies.ts";
import * as rules from "../qos-rules.ts";
import { getRuleType, listRuleTypes } from "../qos-rule-types.ts";
import { qosPolicyAttributes } from "../schemas/qos.ts";
import { baseUrl, registerCollection } from "./wire.ts";

/** /v2.0/qos [qos, qos-bw-limit-direction, qos-rule-type-details]: policies, their rules, rule types. */
export function registerQosRoutes(app: FastifyInstance, deps: NetworkDeps): void {
  app.get("/v2.0/qos/rule-types", async (req) => ({
    rule_types: listRuleTypes(req.auth, req.query as QueryParams),
  }));
  app.get("/v2.0/qos/rule-types/:type", async (req) => ({
    rule_type: getRuleType(req.auth, params(req).type ?? "", req.query as QueryParams),
  }));
  registerCollection(app, {
    member: "policy",
    collection: "policies",
    path: "qos/policies",
    attributes: qosPolicyAttributes,
    create: (auth, inputs) => policies.createPolicies(deps, auth, inputs),
    get: (auth, id) => policies.getPolicy(deps, auth, id),
    list: (auth, query) => policies.listPolicies(deps, auth, query),
    update: (auth, id, input, ifMatch) => policies.updatePolicy(deps, auth, id, input, ifMatch),
    remove: (auth, id) => policies.deletePolicy(deps, auth, id),
    changeTags: (auth, id, change) => policies.changePolicyTags(deps, auth, id, change),
  });
  registerRules(app, deps, "bandwidth_limit_rule", rules.BANDWIDTH_LIMIT);
  registerRules(app, deps, "dscp_marking_rule", rules.DSCP_MARKING);
}

const params = (req: FastifyRequest) => req.params as Record<string, string>;

/** One rule kind's sub-collection under /v2.0/qos/policies/{policy_id}/<member>s. */
function registerRules(app: FastifyInstance, deps: NetworkDeps, member: string, kind: rules.RuleKind) {
  const collection = `${member}s`;
  const base = `/v2.0/qos/policies/:policy_id/${collection}`;
  const fieldsOf = (req: FastifyRequest) =>
    parseListQuery(kind.attributes, { fields: (req.query as QueryParams).fields }).fields;

  app.get(base, async (req) => {
    const query = parseListQuery(kind.attributes, req.query as QueryParams);
    const items = await rules.listRules(deps, req.auth, kind, params(req).policy_id ?? "", query);
    const self = `${baseUrl(req)}${req.url.replace(/^\/networking/, "")}`;
    const links = pageLinks(
      self,
      query,
      items.map((item) => item.id),
    );
    return {
      [collection]: items.map((item) => selectFields(item, query.fields)),
      ...(links && links.length > 0 ? { [`${collection}_links`]: links } : {}),
    };
  });
  app.get(`${base}/:id`, async (req) => {
    const { policy_id = "", id = "" } = params(req);
    return {
      [member]: selectFields(await rules.getRule(deps, req.auth, kind, policy_id, id), fieldsOf(req)),
    };
  });
  app.post(base, async (req, reply) => {
    const input = bodyOf(req.body, member);
    const created = await rules.createRule(deps, req.auth, kind, params(req).policy_id ?? "", input);
    return reply.code(201).send({ [member]: created });
  });
  app.put(`${base}/:id`, async (req) => {
    const { policy_id = "", id = "" } = params(req);
    return {
      [member]: await rules.updateRule(deps, req.auth, kind, policy_id, id, bodyOf(req.body, member)),
    };
  });
  app.delete(`${base}/:id`, async (req, reply) => {
    const { policy_id = "", id = "" } = params(req);
    await rules.deleteRule(deps, req.auth, kind, policy_id, id);
    return reply.code(204).send();
  });
}

function bodyOf(body: unknown, member: string): Record<string, unknown> {
  const value = (body as Record<string, unknown> | null)?.[member];
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new HTTPBadRequest(`Unable to find '${member}' in request body`);
  return value as Record<string, unknown>;
}
