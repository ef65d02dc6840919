import type { Credentials } from "../policy/index.ts";

/** Who is calling, as established from X-Auth-Token once per request. */
export interface AuthContext extends Credentials {
  user_name: string;
  user_domain_id: string;
  project_name: string | null;
  project_domain_id: string | null;
  role_ids: readonly string[];
  methods: readonly string[];
  audit_ids: readonly string[];
  expires_at: Date;
  issued_at: Date;
  application_credential_id: string | null;
}

declare module "fastify" {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}
