import fc from "fast-check";
import {
  deepJson,
  hostileNumberText,
  hostileString,
  type Pools,
  type Resolve,
  type Schema,
  valid,
  wrongValue,
} from "./arbitraries.ts";

export interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  key: string;
  method: string;
  path: string;
  parameters: Parameter[];
  /** The JSON body schema, when the operation takes a JSON body. */
  jsonBody: Schema | undefined;
  multipart: boolean;
  secured: boolean;
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

/** One generated HTTP request, and what kind of case it is (printed with a finding). */
export interface FuzzRequest {
  kind: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Which seeded user's token is sent: filled in by the runner. */
  as: "owner" | "member" | "viewer" | "victim" | "none" | "garbage";
}

/** Percent-encodes every byte outside the unreserved set (lone surrogates become U+FFFD, as in UTF-8). */
export function pct(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

const text = (v: unknown) => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""));

const SESSION_ENDING = [
  /^POST \/v1\/auth\/logout$/,
  /^DELETE \/v1\/me$/,
  /^DELETE \/v1\/me\/sessions\//,
  /^DELETE \/v1\/residences\/\{residenceId\}$/,
];

const hostileHeaders = fc.oneof(
  fc.constant<Record<string, string>>({ "x-request-id": `../${"x".repeat(300)}` }),
  fc.constant<Record<string, string>>({ "x-request-id": "\u00ff\u00fe" }),
  fc.constant<Record<string, string>>({ accept: "text/html;q=0, */*;q=x" }),
  fc.constant<Record<string, string>>({ "x-forwarded-for": "1.1.1.1, <script>, ::ffff:999.1.1.1" }),
  fc.constant<Record<string, string>>({ "accept-language": "x".repeat(8000) }),
  fc.constant<Record<string, string>>({ cookie: "a=".repeat(2000) }),
  fc.constant<Record<string, string>>({ "if-none-match": '"\u00ff", W/"', "if-match": "*" }),
  fc.constant<Record<string, string>>({ "x-huge": "h".repeat(20_000) }),
  fc.constant<Record<string, string>>({ "transfer-encoding": "chunked" }),
  fc.constant<Record<string, string>>({ "idempotency-key": "k".repeat(300) }),
  fc.constant<Record<string, string>>({ "idempotency-key": "\u00ff bad key" }),
  fc.uuid().map((key): Record<string, string> => ({ "idempotency-key": key })),
  fc.constant<Record<string, string>>({ "if-none-match": "*" }),
  fc.constant<Record<string, string>>({ "if-match": '"stale"' }),
  fc.constant<Record<string, string>>({ "content-encoding": "gzip" }),
);

const badAuth = fc.constantFrom(
  "Bearer",
  "Bearer ",
  "Bearer x",
  "Basic dXNlcjpwYXNz",
  "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
  "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJzaWQiOiIwIn0.AAAA",
  `Bearer ${"a".repeat(5000)}`,
  "bearer \u00ff",
);

const wrongContentTypes = fc.constantFrom(
  "text/plain",
  "application/xml",
  "application/x-www-form-urlencoded",
  "application/octet-stream",
  "multipart/form-data",
  "multipart/form-data; boundary=zzz",
  "application/json; charset=utf-16",
  "application/json; charset=",
  "application/problem+json",
  "image/png",
  "/",
  ";;",
  "*/*",
  "",
);

function truncatedMultipart(): Buffer {
  return Buffer.from(
    '--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\navatar\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n',
    "latin1",
  );
}

/**
 * Requests for one operation: about half valid (built from its schemas and the seeded pools), the rest
 * with one hostile change each — wrong types, non-finite numbers, hostile strings, missing and extra
 * fields, malformed or deep JSON, wrong content types, truncated multipart, bad auth, odd headers.
 */
export function requestsFor(op: Operation, resolve: Resolve, pools: Pools): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const queryParams = op.parameters.filter((p) => p.in === "query");
  const paramValue = (p: Parameter) =>
    valid(p.schema ?? { type: "string" }, resolve, pools, p.name).map(text);
  const validPath = fc.tuple(...pathParams.map(paramValue));
  const validQuery = fc.tuple(
    ...queryParams.map((p) =>
      p.required
        ? paramValue(p).map((v) => [p.name, v] as const)
        : fc.option(
            paramValue(p).map((v) => [p.name, v] as const),
            { nil: undefined },
          ),
    ),
  );
  const body = op.jsonBody ? valid(op.jsonBody, resolve, pools) : fc.constant(undefined);
  const ending = SESSION_ENDING.some((r) => r.test(`${op.method.toUpperCase()} ${op.path}`));
  const as = fc.constantFrom<FuzzRequest["as"]>(
    ...(ending
      ? (["victim"] as const)
      : op.secured
        ? (["owner", "owner", "member", "viewer"] as const)
        : (["none"] as const)),
  );

  const build = (
    kind: string,
    path: string[],
    query: (readonly [string, string] | undefined)[],
    json: unknown,
    who: FuzzRequest["as"],
    extra: { headers?: Record<string, string>; raw?: Buffer; contentType?: string | null } = {},
  ): FuzzRequest => {
    let url = op.path;
    pathParams.forEach((p, i) => {
      url = url.replace(`{${p.name}}`, pct(path[i] ?? ""));
    });
    const q = query.filter((x) => x !== undefined).map(([k, v]) => `${pct(k)}=${pct(v)}`);
    if (q.length) url += `?${q.join("&")}`;
    const headers: Record<string, string> = { ...extra.headers };
    let payload: Buffer | undefined = extra.raw;
    if (payload === undefined && json !== undefined) payload = Buffer.from(JSON.stringify(json));
    if (payload !== undefined && extra.contentType !== null)
      headers["content-type"] = extra.contentType ?? "application/json";
    return { kind, method: op.method.toUpperCase(), url, headers, body: payload, as: who };
  };

  const validCase = fc
    .tuple(validPath, validQuery, body, as)
    .map(([p, q, b, who]) => build("valid", p, [...q], b, who));
  const mutations: fc.Arbitrary<FuzzRequest>[] = [
    // Unknown, repeated and missing query parameters.
    fc
      .tuple(validPath, validQuery, body, as, fc.string({ maxLength: 20 }), hostileString)
      .map(([p, q, b, who, k, v]) => {
        const query = [...q, [k || "x", v] as const, ...q.filter((x) => x !== undefined)];
        return build("extra query", p, query, b, who);
      }),
    // Bad or missing credentials.
    fc
      .tuple(validPath, validQuery, body, badAuth)
      .map(([p, q, b, auth]) =>
        build("bad auth", p, [...q], b, "none", { headers: { authorization: auth } }),
      ),
    fc.tuple(validPath, validQuery, body).map(([p, q, b]) => build("no auth", p, [...q], b, "none")),
    // Odd headers.
    fc
      .tuple(validPath, validQuery, body, as, hostileHeaders)
      .map(([p, q, b, who, h]) => build("odd headers", p, [...q], b, who, { headers: h })),
  ];
  if (op.parameters.length > 0) {
    mutations.push(
      // A hostile value in one path or query parameter.
      fc
        .tuple(
          validPath,
          validQuery,
          body,
          as,
          fc.nat(),
          fc.oneof(hostileString, hostileNumberText, wrongValue.map(text)),
        )
        .map(([p, q, b, who, n, bad]) => {
          const i = n % op.parameters.length;
          const target = op.parameters[i]!;
          const path = [...p];
          const query = [...q];
          if (target.in === "path") path[pathParams.indexOf(target)] = bad;
          else query[queryParams.indexOf(target)] = [target.name, bad];
          return build(`hostile ${target.in} ${target.name}`, path, query, b, who);
        }),
    );
  }
  if (["POST", "PUT", "PATCH", "DELETE"].includes(op.method.toUpperCase())) {
    mutations.push(
      // A body of a content type the operation does not take, or none.
      fc
        .tuple(
          validPath,
          validQuery,
          body,
          as,
          wrongContentTypes,
          fc.oneof(hostileString, fc.constant("a=1&b=2")),
        )
        .map(([p, q, _b, who, type, raw]) =>
          build(`content-type ${type || "(none)"}`, p, [...q], undefined, who, {
            raw: Buffer.from(raw || "x"),
            contentType: type || null,
          }),
        ),
      // Malformed, deep, non-object and oversized JSON.
      fc
        .tuple(
          validPath,
          validQuery,
          as,
          fc.oneof(
            fc.constantFrom(
              '{"a":',
              "{'a':1}",
              "nul",
              '{"a":1}}',
              "\u0000",
              '{"a":"\\ud800"}',
              '{"__proto__":{"x":1}}',
              "[]",
              "null",
              '"x"',
              "1e400",
              "-0",
              "{}",
            ),
            fc.constant(deepJson(5000, "array")),
            fc.constant(deepJson(2000, "object")),
            fc.constant(`{"a":"${"x".repeat(1_100_000)}"}`),
          ),
        )
        .map(([p, q, who, raw]) =>
          build("malformed json", p, [...q], undefined, who, { raw: Buffer.from(raw) }),
        ),
      // Truncated multipart.
      fc.tuple(validPath, validQuery, as).map(([p, q, who]) =>
        build("truncated multipart", p, [...q], undefined, who, {
          raw: truncatedMultipart(),
          contentType: "multipart/form-data; boundary=b",
        }),
      ),
    );
  }
  if (op.jsonBody) {
    const props = Object.keys(resolve(op.jsonBody).properties ?? {});
    mutations.push(
      // One field of the wrong type or value, dropped, or an extra one.
      fc
        .tuple(
          validPath,
          validQuery,
          body,
          as,
          fc.nat(),
          fc.oneof(wrongValue, hostileString, fc.constant(1e308)),
          fc.constantFrom("wrong", "drop", "extra"),
        )
        .map(([p, q, b, who, n, bad, how]) => {
          const json =
            b && typeof b === "object" && !Array.isArray(b) ? { ...(b as Record<string, unknown>) } : {};
          const field = props.length ? props[n % props.length]! : "x";
          if (how === "wrong") json[field] = bad;
          else if (how === "drop") delete json[field];
          else json[`${field}Extra`] = bad;
          return build(`body ${how} ${field}`, p, [...q], json, who);
        }),
      // A non-finite number, written as JSON text can carry it.
      fc
        .tuple(validPath, validQuery, body, as, fc.nat(), fc.constantFrom("1e309", "-1e400", "1E999"))
        .map(([p, q, b, who, n, num]) => {
          const json =
            b && typeof b === "object" && !Array.isArray(b) ? { ...(b as Record<string, unknown>) } : {};
          const field = props.length ? props[n % props.length]! : "x";
          json[field] = "__NUMBER__";
          const raw = Buffer.from(JSON.stringify(json).replace('"__NUMBER__"', num));
          return build(`body ${field}=${num}`, p, [...q], undefined, who, { raw });
        }),
    );
  }
  if (op.multipart) {
    mutations.push(
      fc
        .tuple(validPath, validQuery, as, fc.constantFrom("avatar", "document", "bogus", ""), hostileString)
        .map(([p, q, who, purpose, name]) => {
          const raw = Buffer.from(
            `--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n${purpose}\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="${name.replace(/["\r\n]/g, "")}"\r\nContent-Type: image/png\r\n\r\nnot a png\r\n--b--\r\n`,
          );
          return build("multipart", p, [...q], undefined, who, {
            raw,
            contentType: "multipart/form-data; boundary=b",
          });
        }),
    );
  }
  return fc.oneof(
    { weight: mutations.length, arbitrary: validCase },
    ...mutations.map((m) => ({ weight: 1, arbitrary: m })),
  );
}
