import type { FastifyInstance, FastifyRequest } from "fastify";
import { selectFields } from "../../lib/attributes.ts";
import { pageLinks, parseListQuery, type QueryParams } from "../../lib/list-query.ts";
import type { NetworkDeps } from "../deps.ts";
import { baseUrl, registerCollection } from "../routes/wire.ts";
import { deleteInstance, getInstance, instantiateTemplate, listInstances } from "./instances.ts";
import { networkTemplateAttributes, templateInstanceAttributes } from "./schemas.ts";
import * as templates from "./templates.ts";

const id = (request: FastifyRequest) => (request.params as { id?: string }).id ?? "";

/**
 * [network-templates] /v2.0/network-templates (with /{id}/instantiate) and
 * /v2.0/network-template-instances (list, show, delete). Seeds the shipped examples first.
 */
export async function registerTemplateRoutes(app: FastifyInstance, deps: NetworkDeps): Promise<void> {
  await templates.seedTemplates(deps);
  registerCollection(app, {
    member: "network_template",
    collection: "network_templates",
    path: "network-templates",
    attributes: networkTemplateAttributes,
    create: (auth, inputs) => templates.createTemplates(deps, auth, inputs),
    get: (auth, templateId) => templates.getTemplate(deps, auth, templateId),
    list: (auth, query) => templates.listTemplates(deps, auth, query),
    update: (auth, templateId, input, ifMatch) =>
      templates.updateTemplate(deps, auth, templateId, input, ifMatch),
    remove: (auth, templateId) => templates.deleteTemplate(deps, auth, templateId),
    changeTags: (auth, templateId, change) => templates.changeTemplateTags(deps, auth, templateId, change),
  });
  app.post("/v2.0/network-templates/:id/instantiate", async (request, reply) =>
    reply.code(201).send({
      network_template_instance: await instantiateTemplate(deps, request.auth, id(request), request.body),
    }),
  );

  const base = "/v2.0/network-template-instances";
  app.get(base, async (request) => {
    const query = parseListQuery(
      templateInstanceAttributes,
      request.query as QueryParams,
      [],
      deps.paginationMaxLimit ?? -1,
    );
    const items = await listInstances(deps, request.auth, query);
    const links = pageLinks(
      `${baseUrl(request)}${request.url.replace(/^\/networking/, "")}`,
      query,
      items.map((item) => item.id),
    );
    return {
      network_template_instances: items.map((item) => selectFields(item, query.fields)),
      ...(links && links.length > 0 ? { network_template_instances_links: links } : {}),
    };
  });
  app.get(`${base}/:id`, async (request) => {
    const { fields } = parseListQuery(templateInstanceAttributes, {
      fields: (request.query as QueryParams).fields,
    });
    return {
      network_template_instance: selectFields(await getInstance(deps, request.auth, id(request)), fields),
    };
  });
  app.delete(`${base}/:id`, async (request, reply) => {
    await deleteInstance(deps, request.auth, id(request));
    return reply.code(204).send();
  });
}
