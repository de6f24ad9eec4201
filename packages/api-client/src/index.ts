// The typed honeyDue API client: paths and bodies generated from the API's OpenAPI document
// (`npm run api-client` writes ./schema.ts; a test fails when it is stale), calls made by openapi-fetch.
import createClient, { type ClientOptions } from "openapi-fetch";
import type { components, paths } from "./schema.ts";

export type { components, paths } from "./schema.ts";

/** An RFC 9457 problem, the body of every error answer. */
export type Problem = components["schemas"]["Problem"];

/** A client for the API at `baseUrl` (e.g. https://api.myhoneydue.com). Pass `fetch` to route requests elsewhere. */
export function createApiClient(baseUrl: string, options: Omit<ClientOptions, "baseUrl"> = {}) {
  return createClient<paths>({ ...options, baseUrl });
}

export type ApiClient = ReturnType<typeof createApiClient>;
