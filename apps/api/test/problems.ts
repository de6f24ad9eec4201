import assert from "node:assert/strict";

/**
 * Asserts that `res` is an RFC 9457 problem (application/problem+json) with this status, a title and a
 * documented type; given `field`, that one of its `errors` names that field. Returns the parsed body.
 */
export function assertProblem(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  field?: string,
) {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
  const body = JSON.parse(res.body);
  assert.equal(body.status, status, res.body);
  assert.equal(typeof body.title, "string", res.body);
  assert.match(body.type, /^https:\/\/docs\.honeydue\.app\/problems\//);
  if (field !== undefined) {
    const fields = (body.errors ?? []).map((e: { field: string }) => e.field);
    assert.ok(fields.includes(field), `expected ${field}: ${res.body}`);
  }
  return body;
}
