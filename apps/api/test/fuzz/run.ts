import http from "node:http";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import fc from "fast-check";
import { isCredentialed, securityHeaderProblems } from "../security-header-checks.ts";
import type { Resolve, Schema } from "./arbitraries.ts";
import { type FuzzRequest, type Operation, requestsFor } from "./cases.ts";
import type { FuzzApi } from "./server.ts";
import type { FuzzWorld } from "./world.ts";

// ajv-formats is CommonJS typed with an ES default export: under NodeNext TypeScript sees the module
// object where Node hands over the plugin function itself (module.exports). The one cast for that gap.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export interface FuzzOptions {
  seed: number;
  casesPerOperation: number;
  /** Only the operation with this key ("POST /v1/uploads/presign"), to replay a finding. */
  only?: string;
  concurrency?: number;
  progress?: (message: string) => void;
}

export interface Finding {
  operation: string;
  problem: string;
  request: { kind: string; method: string; url: string; headers: Record<string, string>; body?: string };
  status: number;
  response: string;
}

export interface FuzzReport {
  operations: number;
  cases: number;
  seconds: number;
  statuses: Record<string, number>;
  findings: Finding[];
}

const METHODS = ["get", "post", "put", "patch", "delete"];
const REF_BASE = "https://fuzz.honeydue.test/openapi";

export interface OpenApi {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, Schema> };
}

/** The operations of the document, found from it (not a hand list). */
export function operationsOf(document: OpenApi): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method] as
        | {
            parameters?: Operation["parameters"];
            requestBody?: { content?: Record<string, { schema?: Schema }> };
            security?: unknown[];
            responses?: Operation["responses"];
          }
        | undefined;
      if (!op) continue;
      const content = op.requestBody?.content ?? {};
      const consumesMultipart = path === "/v1/uploads" && method === "post";
      out.push({
        key: `${method.toUpperCase()} ${path}`,
        method,
        path,
        parameters: op.parameters ?? [],
        jsonBody: content["application/json"]?.schema,
        multipart: consumesMultipart || "multipart/form-data" in content,
        secured: (op.security?.length ?? 0) > 0,
        responses: op.responses ?? {},
      });
    }
  }
  return out;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        k === "$ref" && typeof v === "string"
          ? v.replace("#/components/schemas/", `${REF_BASE}#/$defs/`)
          : rewriteRefs(v);
    }
    return out;
  }
  return value;
}

/** Response checks against the document: Ajv (JSON Schema 2020-12, as OpenAPI 3.1) with ajv-formats. */
export function responseChecker(document: OpenApi) {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: REF_BASE, $defs: rewriteRefs(document.components.schemas) as object });
  const cache = new Map<string, ReturnType<typeof ajv.compile>>();
  return (key: string, schema: Schema, data: unknown): string | null => {
    let validate = cache.get(key);
    if (!validate) {
      validate = ajv.compile(rewriteRefs(schema) as object);
      cache.set(key, validate);
    }
    return validate(data) ? null : ajv.errorsText(validate.errors);
  };
}

export interface Answer {
  status: number;
  contentType: string;
  body: string;
  headers: http.IncomingHttpHeaders;
  /** The request carried a bearer token or the admin cookie (so the answer must not be stored). */
  credentialed: boolean;
}

function send(
  api: FuzzApi,
  agent: http.Agent,
  request: FuzzRequest,
  headers: Record<string, string>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: api.port,
        method: request.method,
        path: request.url,
        headers,
        agent,
        timeout: 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
            headers: res.headers,
            credentialed: isCredentialed(headers),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer within 60 s")));
    req.on("error", reject);
    req.end(request.body);
  });
}

/** Everything wrong with one answer, judged by the document alone. */
export function judge(op: Operation, answer: Answer, check: ReturnType<typeof responseChecker>): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`answered ${answer.status}`);
  // Security headers on every answer, no-store on credentialed ones, Retry-After on 429s (issue 16).
  for (const missing of securityHeaderProblems(answer.headers, { ...answer, operation: op.key }))
    problems.push(`security headers: ${missing}`);
  const documented = op.responses[String(answer.status)] ?? op.responses.default;
  if (!documented) {
    problems.push(`status ${answer.status} is not documented`);
    return problems;
  }
  const media = answer.contentType.split(";")[0]!.trim().toLowerCase();
  if (answer.status >= 400) {
    if (media !== "application/problem+json")
      problems.push(`error body is ${media || "untyped"}, not problem+json`);
    let body: { status?: unknown; type?: unknown; title?: unknown } | undefined;
    try {
      body = JSON.parse(answer.body);
    } catch {
      problems.push("error body is not JSON");
    }
    if (
      body &&
      (body.status !== answer.status || typeof body.type !== "string" || typeof body.title !== "string")
    )
      problems.push("error body is not a problem with this status");
  }
  const content = documented.content;
  if (!content || answer.body === "" || [204, 302, 304].includes(answer.status)) return problems;
  const entry = content[media] ?? content["*/*"];
  if (!entry) {
    problems.push(`content type ${media} is not documented for ${answer.status}`);
    return problems;
  }
  if (entry.schema && /json/.test(media)) {
    try {
      const error = check(`${op.key} ${answer.status} ${media}`, entry.schema, JSON.parse(answer.body));
      if (error) problems.push(`body does not match the documented schema: ${error}`);
    } catch {
      problems.push("body is not JSON");
    }
  }
  return problems;
}

function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Runs `casesPerOperation` generated requests against every operation of the served /openapi.json (cases
 * drawn with fast-check from `seed` and the operation's key, so one operation replays alone) and returns
 * what was wrong: 5xx, undocumented statuses or content types, non-problem errors, schema violations.
 */
export async function runFuzz(api: FuzzApi, world: FuzzWorld, options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const document = (await (await fetch(`${api.base}/openapi.json`)).json()) as OpenApi;
  const schemas = document.components.schemas;
  const resolve: Resolve = (schema) => {
    let s = schema;
    for (let i = 0; s.$ref && i < 10; i++) s = schemas[s.$ref.replace("#/components/schemas/", "")] ?? {};
    return s;
  };
  options.progress?.(`document: ${Object.keys(document.paths).length} paths`);
  const check = responseChecker(document);
  options.progress?.("checker ready");
  const operations = operationsOf(document).filter((op) => !options.only || op.key === options.only);
  if (operations.length === 0) throw new Error(`no operation ${options.only ?? ""} in /openapi.json`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency ?? 4 });
  const tokens: Record<FuzzRequest["as"], string | undefined> = {
    owner: world.owner.token,
    member: world.member.token,
    viewer: world.viewer.token,
    victim: world.victim.token,
    none: undefined,
    garbage: "garbage",
  };
  const findings: Finding[] = [];
  const statuses: Record<string, number> = {};
  let cases = 0;
  for (const op of operations) {
    const requests = fc.sample(requestsFor(op, resolve, world.pools), {
      seed: (options.seed ^ fnv(op.key)) | 0,
      numRuns: options.casesPerOperation,
    });
    const queue = [...requests];
    const worker = async () => {
      for (let request = queue.shift(); request; request = queue.shift()) {
        const token = tokens[request.as];
        const headers = {
          "x-forwarded-for": api.clientIp,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...request.headers,
        };
        let answer: Answer;
        try {
          answer = await send(api, agent, request, headers);
        } catch (error) {
          // A connection the server closed on a request it refused at the HTTP level (e.g. 431 written
          // by the client-error handler) is not an answer to judge; a dead process is caught below.
          answer = { status: -1, contentType: "", body: String(error), headers: {}, credentialed: false };
        }
        cases += 1;
        if (process.env.FUZZ_VERBOSE === "2")
          options.progress?.(
            `${request.kind} ${request.method} ${request.url.slice(0, 80)} → ${answer.status}`,
          );
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        const problems = answer.status === -1 ? [] : judge(op, answer, check);
        for (const problem of problems) {
          findings.push({
            operation: op.key,
            problem,
            request: {
              ...request,
              headers: request.headers,
              body: request.body?.subarray(0, 300).toString(),
            },
            status: answer.status,
            response: answer.body.slice(0, 500),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
    options.progress?.(`${op.key}: ${requests.length} requests, ${findings.length} findings so far`);
    if (!api.alive()) {
      findings.push({
        operation: op.key,
        problem: "the API process died",
        request: { kind: "-", method: op.method, url: op.path, headers: {} },
        status: 0,
        response: api.output().slice(-3000),
      });
      break;
    }
  }
  agent.destroy();
  return {
    operations: operations.length,
    cases,
    seconds: (performance.now() - started) / 1000,
    statuses,
    findings,
  };
}
