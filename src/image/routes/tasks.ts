import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ImageDeps } from "../deps.ts";
import { taskSchema, tasksSchema } from "../schemas/task.ts";
import type { TaskRunner } from "../tasks/runner.ts";
import { createTask, getTask, listImageTasks, listTasks } from "../tasks/tasks.ts";

const id = (req: FastifyRequest) => (req.params as Record<string, string>).id ?? "";

/** /v2/tasks, /v2/images/{id}/tasks and the task schemas: HTTP only. */
export function registerTaskRoutes(app: FastifyInstance, deps: ImageDeps, runner: TaskRunner): void {
  app.get("/v2/schemas/task", async () => taskSchema());
  app.get("/v2/schemas/tasks", async () => tasksSchema());
  app.get("/v2/tasks", async (req) =>
    listTasks(deps, req.auth, req.query as Record<string, string | string[]>),
  );
  app.get("/v2/tasks/:id", async (req) => getTask(deps, req.auth, id(req)));
  app.post("/v2/tasks", async (req, reply) => {
    const task = await createTask(deps, req.auth, req.body, req.id);
    runner.wake();
    return reply
      .code(201)
      .header("location", `/v2/tasks/${String(task.id)}`)
      .send(task);
  });
  app.get("/v2/images/:id/tasks", async (req) => listImageTasks(deps, req.auth, id(req)));
}
