import { Type, type Static, type TSchema } from "@sinclair/typebox";

/** Keystone's request bodies. Unknown attributes are kept where Keystone keeps them (users). */
const Name = Type.String({ minLength: 1, maxLength: 255 });
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Description = Type.Union([Type.String(), Type.Null()]);
const Tag = Type.String({ minLength: 1, maxLength: 255, pattern: "^[^,/]*$" });

const wrap = <K extends string, T extends TSchema>(key: K, schema: T) =>
  Type.Object({ [key]: schema } as { [P in K]: T });

export const DomainCreate = Type.Object({
  name: Name,
  description: Type.Optional(Description),
  enabled: Type.Optional(Type.Boolean()),
});
export const DomainUpdate = Type.Partial(DomainCreate);

export const ProjectCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  domain_id: Type.Optional(Id),
  parent_id: Type.Optional(Type.Union([Id, Type.Null()])),
  description: Type.Optional(Description),
  enabled: Type.Optional(Type.Boolean()),
  is_domain: Type.Optional(Type.Literal(false)),
  tags: Type.Optional(Type.Array(Tag, { maxItems: 80 })),
});
export const ProjectUpdate = Type.Partial(Type.Omit(ProjectCreate, ["domain_id", "parent_id", "is_domain"]));

export const UserCreate = Type.Object(
  {
    name: Name,
    domain_id: Type.Optional(Id),
    password: Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Null()])),
    enabled: Type.Optional(Type.Boolean()),
    default_project_id: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: true },
);
export const UserUpdate = Type.Partial(Type.Omit(UserCreate, ["domain_id"]), { additionalProperties: true });
export const PasswordChange = Type.Object({
  password: Type.String({ minLength: 1, maxLength: 4096 }),
  original_password: Type.String({ maxLength: 4096 }),
});

export const GroupCreate = Type.Object({
  name: Name,
  domain_id: Type.Optional(Id),
  description: Type.Optional(Description),
});
export const GroupUpdate = Type.Partial(Type.Omit(GroupCreate, ["domain_id"]));

export const RoleCreate = Type.Object({
  name: Name,
  description: Type.Optional(Description),
  domain_id: Type.Optional(Type.Null()),
});
export const RoleUpdate = Type.Partial(Type.Omit(RoleCreate, ["domain_id"]));

export const RegionCreate = Type.Object({
  id: Type.Optional(Id),
  description: Type.Optional(Description),
  parent_region_id: Type.Optional(Type.Union([Id, Type.Null()])),
});
export const RegionUpdate = Type.Partial(Type.Omit(RegionCreate, ["id"]));

export const ServiceCreate = Type.Object({
  type: Type.String({ minLength: 1, maxLength: 255 }),
  name: Type.Optional(Type.String({ maxLength: 255 })),
  description: Type.Optional(Description),
  enabled: Type.Optional(Type.Boolean()),
});
export const ServiceUpdate = Type.Partial(ServiceCreate);

const Interface = Type.Union([Type.Literal("public"), Type.Literal("internal"), Type.Literal("admin")]);
export const EndpointCreate = Type.Object({
  service_id: Id,
  interface: Interface,
  url: Type.String({ minLength: 1, maxLength: 225, pattern: "^[a-zA-Z0-9+.-]+://" }),
  region_id: Type.Optional(Type.Union([Id, Type.Null()])),
  region: Type.Optional(Type.Union([Id, Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
});
export const EndpointUpdate = Type.Partial(EndpointCreate);

const RoleRef = Type.Object({ id: Type.Optional(Id), name: Type.Optional(Name) });
export const AppCredentialCreate = Type.Object({
  name: Name,
  description: Type.Optional(Description),
  secret: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  expires_at: Type.Optional(Type.Union([Type.String({ format: "date-time" }), Type.Null()])),
  roles: Type.Optional(Type.Array(RoleRef)),
  unrestricted: Type.Optional(Type.Boolean()),
  access_rules: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 0 })),
});

const UserRef = Type.Object({
  id: Type.Optional(Id),
  name: Type.Optional(Name),
  domain: Type.Optional(Type.Object({ id: Type.Optional(Id), name: Type.Optional(Name) })),
  password: Type.Optional(Type.String({ maxLength: 4096 })),
});
const DomainRef = Type.Object({ id: Type.Optional(Id), name: Type.Optional(Name) });
export const AuthRequest = Type.Object({
  identity: Type.Object({
    methods: Type.Array(
      Type.Union([Type.Literal("password"), Type.Literal("token"), Type.Literal("application_credential")]),
      { minItems: 1 },
    ),
    password: Type.Optional(Type.Object({ user: UserRef })),
    token: Type.Optional(Type.Object({ id: Type.String({ minLength: 1 }) })),
    application_credential: Type.Optional(
      Type.Object({
        id: Type.Optional(Id),
        name: Type.Optional(Name),
        secret: Type.String({ minLength: 1 }),
        user: Type.Optional(UserRef),
      }),
    ),
  }),
  scope: Type.Optional(
    Type.Union([
      Type.Literal("unscoped"),
      Type.Object({
        project: Type.Optional(
          Type.Object({ id: Type.Optional(Id), name: Type.Optional(Name), domain: Type.Optional(DomainRef) }),
        ),
        domain: Type.Optional(DomainRef),
        system: Type.Optional(Type.Object({ all: Type.Literal(true) })),
      }),
    ]),
  ),
});

export const Bodies = {
  password: wrap("user", PasswordChange),
  role: wrap("role", RoleCreate),
  roleUpdate: wrap("role", RoleUpdate),
  appCredential: wrap("application_credential", AppCredentialCreate),
  auth: wrap("auth", AuthRequest),
};

export type DomainCreate = Static<typeof DomainCreate>;
export type DomainUpdate = Static<typeof DomainUpdate>;
export type ProjectCreate = Static<typeof ProjectCreate>;
export type ProjectUpdate = Static<typeof ProjectUpdate>;
export type UserCreate = Static<typeof UserCreate>;
export type UserUpdate = Static<typeof UserUpdate>;
export type PasswordChange = Static<typeof PasswordChange>;
export type GroupCreate = Static<typeof GroupCreate>;
export type GroupUpdate = Static<typeof GroupUpdate>;
export type RoleCreate = Static<typeof RoleCreate>;
export type RoleUpdate = Static<typeof RoleUpdate>;
export type RegionCreate = Static<typeof RegionCreate>;
export type RegionUpdate = Static<typeof RegionUpdate>;
export type ServiceCreate = Static<typeof ServiceCreate>;
export type ServiceUpdate = Static<typeof ServiceUpdate>;
export type EndpointCreate = Static<typeof EndpointCreate>;
export type EndpointUpdate = Static<typeof EndpointUpdate>;
export type AppCredentialCreate = Static<typeof AppCredentialCreate>;
export type AuthRequest = Static<typeof AuthRequest>;
