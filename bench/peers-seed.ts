// Seeds a running honeyDue API (on PostgreSQL) with the peers' data set for `npm run bench:peers`: the
// accounts, sessions and residences through honeyDue's own API, the 100,000 tasks by SQL with the same
// distribution as ../shared/peers/seed.sql (the SQL below is the peers' honeydue-seed.mjs's). honeyDue's
// sign-up answers 202 without tokens and sign-in needs a verified address (issue 16), which the shared
// seeder predates: here the addresses are marked verified in the database between the two steps.
// Returns the "<accessToken> <residenceId>" lines run-bench.sh reads as THIRD_TOKENS.
import pg from "pg";

const ZONES = [
  "UTC",
  "America/New_York",
  "America/Los_Angeles",
  "Europe/London",
  "Europe/Berlin",
  "Asia/Tokyo",
  "Australia/Sydney",
  "Pacific/Auckland",
  "America/Sao_Paulo",
  "Asia/Kolkata",
  "Pacific/Honolulu",
  "Africa/Johannesburg",
  "Pacific/Kiritimati",
  "Pacific/Pago_Pago",
];

async function post(
  base: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<Record<string, string>> {
  const res = await fetch(base + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, string>;
  if (res.status >= 300) throw new Error(`${path} ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

/** Runs `work(i)` for i in [0, n) with `concurrency` in flight. */
async function each(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

export async function seedPeersData(options: {
  baseUrl: string;
  databaseUrl: string;
  households?: number;
  concurrency?: number;
}): Promise<string[]> {
  const { baseUrl, databaseUrl, households = 2000, concurrency = 4 } = options;
  const stamp = Date.now();
  const account = (i: number) => ({
    email: `bench${i}.${stamp}@peers.test`,
    password: `Bench-password-${i}-horse`,
  });
  const started = Date.now();
  const progress = (what: string, done: number) => {
    if (done % 500 === 0)
      console.error(`${what} ${done}/${households} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  };

  await each(households, concurrency, async (i) => {
    const tz = ZONES[(i + 1) % ZONES.length]!;
    await post(baseUrl, "/v1/auth/register", { ...account(i), name: `User ${i}`, timezone: tz });
    progress("registered", i + 1);
  });
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query("UPDATE users SET email_verified_at = now() WHERE email LIKE $1", [
      `%.${stamp}@peers.test`,
    ]);
    const rows: { token: string; residenceId: string; i: number }[] = new Array(households);
    await each(households, concurrency, async (i) => {
      const tz = ZONES[(i + 1) % ZONES.length]!;
      const { accessToken } = await post(baseUrl, "/v1/auth/login", account(i));
      const residence = await post(
        baseUrl,
        "/v1/residences",
        { name: `Residence ${i}`, propertyType: "house", timezone: tz },
        accessToken,
      );
      rows[i] = { token: accessToken!, residenceId: residence.id!, i: i + 1 };
      progress("signed in with a residence", i + 1);
    });
    const values = rows.map((r) => `('${r.residenceId}'::uuid, ${r.i})`).join(",\n");
    await db.query("BEGIN");
    await db.query("CREATE TEMP TABLE seed_res (residence_id uuid, i int) ON COMMIT DROP");
    await db.query(`INSERT INTO seed_res VALUES ${values}`);
    await db.query(TASKS_SQL);
    await db.query("COMMIT");
    await db.query("ANALYZE tasks");
    console.error(
      `seeded ${households} households, ${households * 50} tasks in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    return rows.map((r) => `${r.token} ${r.residenceId}`);
  } finally {
    await db.end();
  }
}

const TASKS_SQL = `
insert into tasks (residence_id, title, category, priority, due_on, scheduled_on, anchor_on, recurrence, archived_at, created_at)
select s.residence_id,
  (array['Replace HVAC filter','Flush water heater','Test smoke detectors','Clean gutters','Service the furnace',
         'Check roof shingles','Seal deck boards','Clean dryer vent','Descale the "kettle"','Inspect sump pump',
         'Détartrer le chauffe-eau','Reseal bathroom grout','Clean fridge coils','Test GFCI outlets',
         'Winterize sprinklers','Check fire extinguisher','Oil garage door','Clean range hood filter',
         'Inspect attic insulation','Trim trees near the roof'])[1 + (k + s.i) % 20] || ' #' || k,
  (array['hvac','plumbing','electrical','exterior','interior','appliances','safety','yard'])[1 + (k * 3 + s.i) % 8],
  (array['low','normal','high','urgent'])[1 + (k + s.i * 7) % 4],
  d.due, d.due, d.due,
  case when k % 4 = 0 and d.due is not null then jsonb_build_object('kind','fixed','interval', 1 + k % 6, 'unit','month') end,
  case when k % 17 = 5 then now() - interval '3 days' end,
  now() - (k || ' hours')::interval
from seed_res s cross join generate_series(0, 49) as k
cross join lateral (select case
  when k % 10 = 9 then null
  when k = 0 then current_date when k = 1 then current_date - 1 when k = 2 then current_date + 3
  when k = 3 then current_date + 7 when k = 4 then current_date + 8
  else current_date + (((k * 37 + s.i * 11) % 121) - 45) end as due) d`;
