import assert from "node:assert/strict";
import type { LightMyRequestResponse } from "fastify";

/**
 * A Neutron error answer: the status, the wire type and, when given, the whole body
 * ({"NeutronError": {type, message, detail: ""}}). The body is printed when the status differs.
 */
export function expectNeutronError(
  response: LightMyRequestResponse,
  status: number,
  type: string,
  message?: string,
): void {
  assert.equal(response.statusCode, status, response.body);
  if (message !== undefined) {
    assert.deepEqual(response.json(), { NeutronError: { type, message, detail: "" } });
    return;
  }
  assert.equal(response.json<{ NeutronError: { type: string } }>().NeutronError.type, type);
}
