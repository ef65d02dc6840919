import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { restoreImage } from "../delayed-delete.ts";
import type { ImageDeps } from "../deps.ts";
import { HTTPUnsupportedMediaType } from "../errors.ts";
import { downloadImageData, uploadImageData } from "../image-data.ts";
import * as images from "../images.ts";
import { listImages } from "../list-images.ts";
import * as members from "../members.ts";
import { parsePatch } from "../patch.ts";
import { projectUsage } from "../usage.ts";

export const JSON_PATCH = "application/openstack-images-v2.1-json-patch";

const params = (req: FastifyRequest) => req.params as Record<string, string>;
const id = (req: FastifyRequest) => params(req).id ?? "";

function requireContentType(req: FastifyRequest, type: string): void {
  const given = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (given !== type) throw new HTTPUnsupportedMediaType();
}

const noContent = (reply: FastifyReply) => reply.code(204).send();

/** /v2/images and everything under it: HTTP only, one domain call per route. */
export function registerImageRoutes(app: FastifyInstance, deps: ImageDeps): void {
  app.post("/v2/images", async (req, reply) =>
    reply.code(201).send(await images.createImage(deps, req.auth, req.body)),
  );
  app.get("/v2/images", async (req) =>
    listImages(deps, req.auth, req.query as Record<string, string | string[]>),
  );
  app.get("/v2/images/:id", async (req) => images.getImage(deps, req.auth, id(req)));
  app.patch("/v2/images/:id", async (req) => {
    requireContentType(req, JSON_PATCH);
    return images.updateImage(deps, req.auth, id(req), parsePatch(req.body));
  });
  app.delete("/v2/images/:id", async (req, reply) => {
    await images.deleteImage(deps, req.auth, id(req));
    return noContent(reply);
  });
  app.put("/v2/images/:id/tags/:tag", async (req, reply) => {
    await images.addTag(deps, req.auth, id(req), params(req).tag ?? "");
    return noContent(reply);
  });
  app.delete("/v2/images/:id/tags/:tag", async (req, reply) => {
    await images.removeTag(deps, req.auth, id(req), params(req).tag ?? "");
    return noContent(reply);
  });
  // Stratus's admin API for what glance-scrubber --restore does.
  app.post("/v2/images/:id/actions/restore", async (req, reply) => {
    await restoreImage(deps, req.auth, id(req));
    return noContent(reply);
  });
  for (const action of ["deactivate", "reactivate"] as const) {
    app.post(`/v2/images/:id/actions/${action}`, async (req, reply) => {
      await images.setActivation(deps, req.auth, id(req), action);
      return noContent(reply);
    });
  }
  app.get("/v2/info/usage", async (req) => projectUsage(deps, req.auth));
  registerDataRoutes(app, deps);
  registerMemberRoutes(app, deps);
}

function registerDataRoutes(app: FastifyInstance, deps: ImageDeps): void {
  app.put("/v2/images/:id/file", async (req, reply) => {
    requireContentType(req, "application/octet-stream");
    const length = req.headers["content-length"];
    const storeId = req.headers["x-image-meta-store"];
    await uploadImageData(
      deps,
      req.auth,
      id(req),
      req.raw,
      length === undefined ? undefined : Number(length),
      typeof storeId === "string" ? storeId : undefined,
    );
    return noContent(reply);
  });
  app.get("/v2/images/:id/file", async (req, reply) => {
    const data = await downloadImageData(deps, req.auth, id(req), req.headers.range);
    if (data === null) return noContent(reply);
    reply.header("content-type", "application/octet-stream");
    if (data.range !== undefined) {
      const { start, end } = data.range;
      reply.code(206).header("content-range", `bytes ${start}-${end}/${data.size}`);
      reply.header("content-length", end - start + 1);
    } else {
      reply.header("content-length", data.size);
      if (data.checksum !== null) reply.header("content-md5", data.checksum);
    }
    return reply.send(data.stream);
  });
}

function registerMemberRoutes(app: FastifyInstance, deps: ImageDeps): void {
  const member = (req: FastifyRequest) => params(req).member ?? "";
  app.post("/v2/images/:id/members", async (req) => members.addMember(deps, req.auth, id(req), req.body));
  app.get("/v2/images/:id/members", async (req) => ({
    members: await members.listMembers(deps, req.auth, id(req)),
    schema: "/v2/schemas/members",
  }));
  app.get("/v2/images/:id/members/:member", async (req) =>
    members.getMember(deps, req.auth, id(req), member(req)),
  );
  app.put("/v2/images/:id/members/:member", async (req) =>
    members.updateMember(deps, req.auth, id(req), member(req), req.body),
  );
  app.delete("/v2/images/:id/members/:member", async (req, reply) => {
    await members.deleteMember(deps, req.auth, id(req), member(req));
    return noContent(reply);
  });
}
