import type { FastifyInstance } from "fastify";
import type { AuthContext } from "./auth.ts";

export interface PipelineOptions {
  /** Resolves a token to its context, or null when it is invalid, expired or revoked. */
  authenticate(token: string): Promise<AuthContext | null>;
}

/**
 * What every service gets for free: the request id header, the caller's context from
 * X-Auth-Token (validated once per request) and one structured log line per request.
 */
export function registerPipeline(app: FastifyInstance, options: PipelineOptions): void {
  app.decorateRequest("auth", null);

  app.addHook("onRequest", async (request, reply) => {
    // A client that hangs up before its body is read (an image upload, say) makes the request
    // stream emit 'error'; unheard, that would end the process. Whoever reads the body still sees it.
    request.raw.on("error", () => undefined);
    void reply.header("x-openstack-request-id", request.id);
    const token = request.headers["x-auth-token"];
    if (typeof token === "string" && token !== "") request.auth = await options.authenticate(token);
  });

  app.addHook("onResponse", async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split("?")[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        user_id: request.auth?.user_id,
        project_id: request.auth?.project_id ?? undefined,
      },
      "request",
    );
  });
}
