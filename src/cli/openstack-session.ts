/**
 * A Keystone session from the usual OS_* variables (an admin-openrc.sh works as it is): a token
 * and the catalog, so CLI commands reach services over HTTP like any OpenStack client.
 */
export interface Session {
  token: string;
  /** The endpoint of a service type, for OS_INTERFACE (default public) and OS_REGION_NAME. */
  endpoint(type: string): string;
}

/** A usage problem (missing variables, bad flags): the CLI exits 2 with the message. */
export class UsageError extends Error {}

interface CatalogEntry {
  type: string;
  endpoints: Array<{ interface: string; region_id?: string; region?: string; url: string }>;
}

export async function openSession(env: NodeJS.ProcessEnv = process.env): Promise<Session> {
  const authUrl = required(env, "OS_AUTH_URL").replace(/\/+$/, "");
  const tokensUrl = `${/\/v3$/.test(authUrl) ? authUrl : `${authUrl}/v3`}/auth/tokens`;
  const response = await fetch(tokensUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ auth: { identity: passwordIdentity(env), scope: projectScope(env) } }),
  });
  const token = response.headers.get("x-subject-token");
  if (response.status !== 201 || token === null) {
    const reason = await response.text();
    throw new Error(`authentication at ${tokensUrl} failed (${response.status}): ${reason.slice(0, 300)}`);
  }
  const catalog = ((await response.json()) as { token: { catalog?: CatalogEntry[] } }).token.catalog ?? [];
  const wanted = env.OS_INTERFACE ?? "public";
  const region = env.OS_REGION_NAME;
  return {
    token,
    endpoint(type) {
      const entry = catalog.find((service) => service.type === type);
      const endpoint = entry?.endpoints.find(
        (e) => e.interface === wanted && (region === undefined || (e.region_id ?? e.region) === region),
      );
      if (endpoint === undefined) throw new Error(`the catalog has no ${wanted} ${type} endpoint`);
      return endpoint.url.replace(/\/+$/, "");
    },
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === "")
    throw new UsageError(`${name} is not set: source an openrc file (e.g. data/admin-openrc.sh) first`);
  return value;
}

function passwordIdentity(env: NodeJS.ProcessEnv) {
  const domain =
    env.OS_USER_DOMAIN_ID !== undefined
      ? { id: env.OS_USER_DOMAIN_ID }
      : { name: env.OS_USER_DOMAIN_NAME ?? "Default" };
  return {
    methods: ["password"],
    password: {
      user: { name: required(env, "OS_USERNAME"), domain, password: required(env, "OS_PASSWORD") },
    },
  };
}

function projectScope(env: NodeJS.ProcessEnv) {
  if (env.OS_PROJECT_ID !== undefined) return { project: { id: env.OS_PROJECT_ID } };
  const domain =
    env.OS_PROJECT_DOMAIN_ID !== undefined
      ? { id: env.OS_PROJECT_DOMAIN_ID }
      : { name: env.OS_PROJECT_DOMAIN_NAME ?? "Default" };
  return { project: { name: required(env, "OS_PROJECT_NAME"), domain } };
}

/** An answer from the API that is not what was asked for: the CLI exits 1 with its message. */
export class ApiError extends Error {}

/** A call to the network service; Neutron's error message becomes an ApiError. */
export async function networkCall<T>(
  session: Session,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${session.endpoint("network")}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      "x-auth-token": session.token,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json().catch(() => ({}))) as T & { NeutronError?: { message: string } };
  if (!response.ok) throw new ApiError(answer.NeutronError?.message ?? `HTTP ${response.status}`);
  return answer;
}
