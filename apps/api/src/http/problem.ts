import Type from "typebox";

/** RFC 9457 problem details. `type` is a stable URI per kind of problem, documented in OpenAPI. */
export const PROBLEM_BASE = "https://docs.honeydue.app/problems/";

export interface ProblemFields {
  status: number;
  title: string;
  detail?: string;
  /** Short slug appended to PROBLEM_BASE, e.g. "validation-error". */
  type?: string;
  /** Extension members, e.g. invalid fields or the conflicting state. */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Throw from a handler to answer with a problem+json response. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly type: string;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(fields: ProblemFields) {
    super(fields.detail ?? fields.title);
    this.name = "HttpProblem";
    this.status = fields.status;
    this.title = fields.title;
    this.detail = fields.detail;
    this.type = fields.type ?? defaultType(fields.status);
    this.extensions = fields.extensions ?? {};
    this.headers = fields.headers ?? {};
  }
}

const TYPES: Record<number, [string, string]> = {
  400: ["bad-request", "Bad request"],
  401: ["unauthorized", "Authentication required"],
  403: ["forbidden", "Forbidden"],
  404: ["not-found", "Not found"],
  405: ["method-not-allowed", "Method not allowed"],
  406: ["not-acceptable", "Not acceptable"],
  408: ["request-timeout", "Request timeout"],
  409: ["conflict", "Conflict"],
  410: ["gone", "Gone"],
  412: ["precondition-failed", "Precondition failed"],
  413: ["payload-too-large", "Payload too large"],
  414: ["uri-too-long", "URI too long"],
  415: ["unsupported-media-type", "Unsupported media type"],
  422: ["unprocessable", "Unprocessable content"],
  429: ["too-many-requests", "Too many requests"],
  431: ["request-header-fields-too-large", "Request header fields too large"],
  500: ["internal", "Internal server error"],
  503: ["unavailable", "Service unavailable"],
};

export function defaultType(status: number): string {
  return TYPES[status]?.[0] ?? (status >= 500 ? "internal" : "bad-request");
}
export function defaultTitle(status: number): string {
  return TYPES[status]?.[1] ?? (status >= 500 ? "Internal server error" : "Bad request");
}

export const notFound = (what = "Resource") =>
  new HttpProblem({ status: 404, title: "Not found", detail: `${what} not found` });
export const forbidden = (detail: string) => new HttpProblem({ status: 403, title: "Forbidden", detail });
export const conflict = (detail: string, extensions?: Record<string, unknown>) =>
  new HttpProblem({ status: 409, title: "Conflict", detail, extensions });
export const unauthorized = (detail = "A valid access token is required") =>
  new HttpProblem({
    status: 401,
    title: "Authentication required",
    detail,
    headers: { "www-authenticate": 'Bearer realm="honeydue"' },
  });
/** A 400 naming one invalid field, shaped like a schema validation error. */
export const invalidField = (field: string, message: string) =>
  new HttpProblem({
    status: 400,
    type: "validation-error",
    title: "Your request is not valid",
    detail: `${field}: ${message}`,
    extensions: { errors: [{ field, message }] },
  });

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ format: "uri" }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: "Present on validation errors: one entry per invalid field",
      }),
    ),
  },
  { $id: "Problem", additionalProperties: true, description: "RFC 9457 problem details" },
);
