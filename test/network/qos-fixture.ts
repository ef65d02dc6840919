import assert from "node:assert/strict";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";

/** What the QoS tests share: two member projects and three admin-made policies. */
export interface QosFixture {
  t: TestApp;
  alpha: string;
  beta: string;
  alphaProject: string;
  /** alpha's own (admin-made), a shared one, and one private to the admin's project. */
  policy: { alpha: string; gold: string; admin: string };
}

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export const netOf = (t: TestApp) => (token: string, method: Method, url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

/** POSTs and expects a 201; returns the one resource in the answer. */
export async function createdOn(
  t: TestApp,
  token: string,
  url: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await netOf(t)(token, "POST", url, body);
  assert.equal(response.statusCode, 201, response.body);
  const answer: Record<string, Record<string, unknown>> = response.json();
  return Object.values(answer)[0]!;
}

export async function startQosFixture(): Promise<QosFixture> {
  const t = await startTestApp();
  const alpha = await userInNewProject(t, "q-alpha");
  const beta = await userInNewProject(t, "q-beta");
  const alphaProject = String(
    (await createdOn(t, alpha, "/networks", { network: { name: "probe" } })).project_id,
  );
  const policyOf = async (body: Record<string, unknown>) =>
    String((await createdOn(t, t.adminToken, "/qos/policies", { policy: body })).id);
  const policy = {
    alpha: await policyOf({ name: "alpha-limit", project_id: alphaProject, description: "for alpha" }),
    gold: await policyOf({ name: "gold", shared: true }),
    admin: await policyOf({ name: "admin-private" }),
  };
  return { t, alpha, beta, alphaProject, policy };
}
