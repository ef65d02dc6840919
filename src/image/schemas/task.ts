/** Glance's `task` and `tasks` schemas (GET /v2/schemas/task, /v2/schemas/tasks), with v2.12's fields. */
type JsonSchema = Readonly<Record<string, unknown>>;

const UUID_PATTERN =
  "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$";

const taskProperties: Readonly<Record<string, JsonSchema>> = {
  id: { type: "string", description: "An identifier for the task", pattern: UUID_PATTERN },
  type: {
    type: "string",
    description: "The type of task represented by this content",
    enum: ["import", "api_image_import", "export", "clone"],
  },
  status: {
    type: "string",
    description: "The current status of this task",
    enum: ["pending", "processing", "success", "failure"],
  },
  input: { type: ["null", "object"], description: "The parameters required by task, JSON blob" },
  result: { type: ["null", "object"], description: "The result of current task, JSON blob" },
  owner: { type: ["null", "string"], description: "An identifier for the owner of this task" },
  message: {
    type: "string",
    description: "Human-readable informative message only included when appropriate (usually on failure)",
  },
  image_id: { type: ["null", "string"], description: "Image associated with the task", readOnly: true },
  request_id: { type: ["null", "string"], description: "Request ID of the task", readOnly: true },
  user_id: { type: ["null", "string"], description: "User associated with the task", readOnly: true },
  expires_at: {
    type: ["null", "string"],
    description: "Datetime when this resource would be subject to removal",
  },
  created_at: { type: "string", description: "Datetime when this resource was created" },
  updated_at: { type: "string", description: "Datetime when this resource was updated" },
  self: { type: "string" },
  schema: { type: "string" },
};

export function taskSchema(): JsonSchema {
  return {
    name: "task",
    properties: taskProperties,
    links: [
      { rel: "self", href: "{self}" },
      { rel: "describedby", href: "{schema}" },
    ],
  };
}

export function tasksSchema(): JsonSchema {
  return {
    name: "tasks",
    properties: {
      tasks: { type: "array", items: taskSchema() },
      schema: { type: "string" },
      first: { type: "string" },
      next: { type: "string" },
    },
    links: [
      { rel: "first", href: "{first}" },
      { rel: "next", href: "{next}" },
      { rel: "describedby", href: "{schema}" },
    ],
  };
}
