// The floor that `npm run bench` compares honeyDue with: bare Fastify + pg serving the task list and the
// home screen with honeyDue's own SQL (taken from the API's query builders, so it follows every change to
// them) and honeyDue's own JSON (its presenters), as named prepared statements. No validation, no
// logging, no metrics, no tracing, no ORM at run time: the ratio API / this isolates what those layers
// cost. Started by bench/run.ts on the API's database: DATABASE_URL, AUTH_SECRET (to check the access
// token's signature), PORT.
import { createHmac, timingSafeEqual } from "node:crypto";
import { derivePurposeKey } from "@honeydue/config";
import { type Database, prepareRows } from "@honeydue/db";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import Fastify from "fastify";
import pg from "pg";
import { prepareReplacementPlan } from "../apps/api/src/appliances/replacement.ts";
import { dueCountsQuery, toHome } from "../apps/api/src/home/routes.ts";
import { liveSessionWithMembershipQuery, liveSessionWithResidencesQuery } from "../apps/api/src/http/auth.ts";
import { encodeCursor } from "../apps/api/src/http/schemas.ts";
import { boundsFor } from "../apps/api/src/tasks/access.ts";
import { openTasksPageQuery, toTask } from "../apps/api/src/tasks/presenter.ts";
import * as schema from "../packages/db/src/schema/index.ts";

pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
// The API's own statement text and row shape (prepareRows: pg directly, rows as arrays), under other names.
const db = drizzle({ client: pool, schema, casing: "snake_case" }) as unknown as Database;
const sessionAndResidences = prepareRows(db, "bare_session_residences", liveSessionWithResidencesQuery(db));
const sessionAndMembership = prepareRows(db, "bare_session_membership", liveSessionWithMembershipQuery(db));
const tasksPage = prepareRows(db, "bare_tasks", openTasksPageQuery(db));
const replacements = prepareReplacementPlan(db);
const counts = prepareRows(
  db,
  "bare_counts",
  dueCountsQuery(db, sql.placeholder("ids"), sql.placeholder("todays"), sql.placeholder("soonEnds")),
);

// The access-token key the API signs with: derived from the root secret (packages/config/src/keys.ts).
const { key } = derivePurposeKey(process.env.AUTH_SECRET ?? "", "access-token");
const UNAUTHORIZED = '{"type":"about:blank","title":"Unauthorized","status":401}';
const NOT_FOUND = '{"type":"about:blank","title":"Not Found","status":404}';

/** HS256 access token → its user and session (the checks jose makes for the API), or null. */
function claims(header: string | undefined): { userId: string; sessionId: string } | null {
  if (!header?.startsWith("Bearer ")) return null;
  const [h, p, s] = header.slice(7).split(".");
  if (!h || !p || !s) return null;
  const mac = createHmac("sha256", key).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, "base64url");
  if (given.length !== mac.length || !timingSafeEqual(given, mac)) return null;
  const c = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
  if (c.iss !== "honeydue" || c.aud !== "honeydue-api" || c.typ !== "access") return null;
  if (typeof c.exp !== "number" || c.exp * 1000 <= Date.now()) return null;
  return { userId: String(c.sub), sessionId: String(c.sid) };
}

const app = Fastify({ logger: false });
app.get("/v1/residences/:residenceId/tasks", async (request, reply) => {
  const c = claims(request.headers.authorization);
  const { residenceId } = request.params as { residenceId: string };
  // The session and the membership in one statement, as the API's `requiredWithResidence` reads them.
  const [row] = c ? await sessionAndMembership({ ...c, now: new Date(), residenceId }) : [];
  if (!c || !row) return reply.code(401).type("application/problem+json").send(UNAUTHORIZED);
  if (!row.role || !row.residenceTimezone)
    return reply.code(404).type("application/problem+json").send(NOT_FOUND);
  const who = { userId: c.userId, dueSoonDays: row.dueSoonDays };
  const access = { timezone: row.residenceTimezone };
  const limit = Number((request.query as { limit?: string }).limit ?? 50);
  const b = boundsFor(access.timezone, who, new Date());
  const rows = await tasksPage({ residenceId, today: b.today, soonEnd: b.soonEnd, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  reply.type("application/json");
  return JSON.stringify({
    items: page.map((r) => toTask(r)),
    nextCursor: rows.length > limit && last ? encodeCursor({ d: last.dueOn, i: last.id }) : null,
  });
});
app.get("/v1/me/home", async (request, reply) => {
  const c = claims(request.headers.authorization);
  // The session and the caller's residences in one statement, as the API's `requiredWithResidences`.
  const rows = c ? await sessionAndResidences({ ...c, now: new Date() }) : [];
  if (!c || rows.length === 0) return reply.code(401).type("application/problem+json").send(UNAUTHORIZED);
  const who = { userId: c.userId, dueSoonDays: rows[0]!.dueSoonDays };
  const now = new Date();
  const list = rows
    .filter((r) => r.residenceId !== null)
    .map((r) => ({
      id: r.residenceId!,
      name: r.residenceName!,
      timezone: r.residenceTimezone!,
      ...boundsFor(r.residenceTimezone!, who, now),
    }));
  const todayOf = new Map(list.map((r) => [r.id, r.today]));
  const [counted, plan] = await Promise.all([
    list.length
      ? counts({
          ids: list.map((r) => r.id),
          todays: list.map((r) => r.today),
          soonEnds: list.map((r) => r.soonEnd),
        })
      : [],
    replacements(
      list.map((r) => r.id),
      (id) => todayOf.get(id)!,
    ),
  ]);
  const byId = new Map(counted.map((r) => [r.residenceId, r]));
  reply.type("application/json");
  return JSON.stringify(toHome(list, byId, who.dueSoonDays, plan));
});

process.on("SIGTERM", async () => {
  await app.close();
  await pool.end();
  process.exit(0);
});
await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT) });
console.log("bare handler ready");
