// `npm run bench:digest [-- --users 100000 --tasks-per-user 10]` (also run by `npm run bench`)
//
// The daily digest at scale: seeds a fresh PostgreSQL database with N users (each with a residence of
// their own, their digest hour now in one of several time zones) and N × tasks-per-user tasks — never
// ANALYZEd, so the plan cannot lean on table statistics — then runs one digest tick in a child process,
// as the worker would, and reports the tick's time, digests written per second and the child's peak RSS
// (and its RSS before the tick). Runs niced; numbers go to stdout and bench/results/ (not committed).
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";

const root = resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    users: { type: "string", default: "100000" },
    "tasks-per-user": { type: "string", default: "10" },
    tick: { type: "string" },
    /** Keep the seeded database (its URL is printed) to look at plans afterwards. */
    "keep-db": { type: "boolean", default: false },
    at: { type: "string" },
  },
});

if (args.tick) await tick(args.tick, args.at!);
else await main();

/** The child: one digest tick over the seeded database, like the worker's job handler. */
async function tick(url: string, at: string) {
  const { openDatabase } = await import("@honeydue/db");
  const { runDigestTick } = await import("@honeydue/jobs");
  const { createLogger } = await import("@honeydue/observability");
  const database = await openDatabase({ url, poolMax: 4 });
  const idleRssMb = process.memoryUsage().rss / 2 ** 20;
  const started = process.hrtime.bigint();
  const result = await runDigestTick(
    {
      db: database.db,
      log: createLogger({ level: "silent", role: "worker" }),
    },
    new Date(at),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await database.close();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ...result, seconds, idleRssMb, peakRssMb })}\n`);
}

async function main() {
  const users = Number(args.users);
  const perUser = Number(args["tasks-per-user"]);
  const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `honeydue_bench_digest_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    execFileSync(process.execPath, [join(root, "packages/db/src/cli/migrate.ts")], {
      env: { ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: "warn" },
      stdio: "inherit",
    });
    const at = "2026-06-10T14:00:00Z";
    const seedStarted = Date.now();
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    // Every user's digest hour is their local hour at the tick, in one of five time zones.
    await db.query(
      `INSERT INTO users (id, email, name, password_hash, timezone, digest_hour, email_verified_at, push_enabled)
       SELECT gen_random_uuid(), 'u' || g || '@bench.test', 'User ' || g, 'x', tz,
              extract(hour FROM ($2::timestamptz AT TIME ZONE tz))::int, now(), g % 10 = 0
       FROM generate_series(1, $1::int) g,
            LATERAL (SELECT (ARRAY['UTC','America/New_York','Europe/Berlin','Asia/Tokyo','Australia/Sydney'])[g % 5 + 1] AS tz) z`,
      [users, at],
    );
    await db.query(
      `WITH r AS (
         INSERT INTO residences (id, name, timezone, created_by)
         SELECT gen_random_uuid(), 'Home of ' || u.name, u.timezone, u.id FROM users u RETURNING id, created_by
       )
       INSERT INTO memberships (residence_id, user_id, role) SELECT id, created_by, 'owner' FROM r`,
    );
    // Per residence: one overdue, one due in 3 days, every tenth one due today, the rest months away.
    await db.query(
      `INSERT INTO tasks (residence_id, title, due_on)
       SELECT r.id, 'Task ' || k,
              CASE WHEN k = 1 THEN date '2026-05-31'
                   WHEN k = 2 THEN date '2026-06-13'
                   WHEN k = 3 AND abs(hashtext(r.id::text)) % 10 = 0 THEN ($2::timestamptz AT TIME ZONE r.timezone)::date
                   ELSE date '2026-09-01' + k END
       FROM residences r, generate_series(1, $1::int) k`,
      [perUser, at],
    );
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    const counts = (
      await db.query(`SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM tasks) AS tasks`)
    ).rows[0];
    await db.end();

    const child = spawn(
      "nice",
      ["-n", "10", process.execPath, import.meta.filename, "--tick", url.toString(), "--at", at],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    if (code !== 0) throw new Error(`digest tick exited with ${code}`);
    const result = JSON.parse(out.trim().split("\n").at(-1)!) as {
      sent: number;
      empty: number;
      seconds: number;
      idleRssMb: number;
      peakRssMb: number;
    };
    const report = {
      users: Number(counts.users),
      tasks: Number(counts.tasks),
      seedSeconds,
      digests: result.sent,
      empty: result.empty,
      tickSeconds: Math.round(result.seconds * 10) / 10,
      digestsPerSecond: Math.round(result.sent / result.seconds),
      rssBeforeTickMb: Math.round(result.idleRssMb),
      peakRssMb: Math.round(result.peakRssMb),
    };
    console.log(
      `digest: ${report.users} users, ${report.tasks} tasks → ${report.digests} digests in ${report.tickSeconds} s ` +
        `(${report.digestsPerSecond}/s), peak RSS ${report.peakRssMb} MiB (${report.rssBeforeTickMb} MiB before the tick)`,
    );
    mkdirSync(join(root, "bench/results"), { recursive: true });
    writeFileSync(join(root, "bench/results", `digest-${Date.now()}.json`), JSON.stringify(report, null, 2));
  } finally {
    if (args["keep-db"]) console.log(`kept ${url}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}
