/** Glance's member schemas (`GET /v2/schemas/member`, `/members`). */
const member = {
  name: "member",
  properties: {
    created_at: { type: "string", description: "Date and time of image member creation" },
    image_id: {
      type: "string",
      description: "An identifier for the image",
      pattern: "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$",
    },
    member_id: { type: "string", description: "An identifier for the image member (tenantId)" },
    schema: { type: "string", readOnly: true },
    status: {
      type: "string",
      description: "The status of this image member",
      enum: ["pending", "accepted", "rejected"],
    },
    updated_at: { type: "string", description: "Date and time of last modification of image member" },
  },
};

export function memberSchema(): Readonly<Record<string, unknown>> {
  return member;
}

export function membersSchema(): Readonly<Record<string, unknown>> {
  return {
    name: "members",
    properties: { members: { type: "array", items: member }, schema: { type: "string" } },
    links: [{ rel: "describedby", href: "{schema}" }],
  };
}

export const MEMBER_STATUSES = ["pending", "accepted", "rejected"] as const;
