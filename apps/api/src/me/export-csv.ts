import { appliances, completions, contractors, type Database, tasks, users } from "@honeydue/db";
import { todayIn } from "@honeydue/domain";
import { replacementStatus } from "@honeydue/domain/appliances";
import { asc, eq, inArray } from "drizzle-orm";
import {
  type ApplianceDto,
  columns as applianceColumns,
  presentAppliances,
} from "../appliances/presenter.ts";
import { type CompletionDto, selectCompletions, toCompletion } from "../completions/presenter.ts";
import { unauthorized } from "../http/problem.ts";
import { listResidences, type ResidenceView } from "../residences/presenter.ts";
import { residenceTasks } from "./export-document.ts";

/**
 * The spreadsheet exports: the tasks, completions or appliances of the caller's residences as CSV. Each
 * row is read through its resource's presenter; a column is one entry — its header and its cell — in the
 * lists below.
 */

type Cell = string | number | boolean | null | undefined;

/**
 * One RFC 4180 field. Text that a spreadsheet would run as a formula (starting with = + - @, or a tab or
 * carriage return) is prefixed with a single quote (OWASP's CSV-injection guard); numbers we write
 * ourselves are left alone. Fields holding a comma, a quote or a line break are quoted, quotes doubled.
 */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document: a header line, then one line per row, every line ended by CRLF. */
export function toCsv(header: readonly string[], rows: readonly Cell[][]): string {
  return [header, ...rows].map((row) => `${row.map(csvField).join(",")}\r\n`).join("");
}

/** What a cell may need besides its row: the caller's residence it belongs to (name, time zone). */
interface Context {
  residence: (residenceId: string) => ResidenceView;
}
type Column<Row> = readonly [header: string, cell: (row: Row, context: Context) => Cell];

type TaskDto = Awaited<ReturnType<typeof residenceTasks>>[number];

const TASK_COLUMNS: readonly Column<TaskDto>[] = [
  ["residence", (t, c) => c.residence(t.residenceId).name],
  ["taskId", (t) => t.id],
  ["title", (t) => t.title],
  ["category", (t) => t.category],
  ["priority", (t) => t.priority],
  ["status", (t) => (t.archivedAt ? "archived" : t.completedAt ? "completed" : "open")],
  ["dueOn", (t) => t.dueOn],
  ["recurrence", (t) => (t.recurrence ? JSON.stringify(t.recurrence) : "")],
  ["assignee", (t) => t.assignee?.name ?? ""],
  ["estimatedCostCents", (t) => t.estimatedCostCents],
  ["contractor", (t) => t.contractor?.name ?? ""],
  ["notes", (t) => t.notes],
  ["createdAt", (t) => t.createdAt],
];

/** A completion with the names it refers to by id. */
type CompletionCsvRow = CompletionDto & { taskTitle: string; contractorName: string | null };

const COMPLETION_COLUMNS: readonly Column<CompletionCsvRow>[] = [
  ["residence", (x, c) => c.residence(x.residenceId).name],
  ["completionId", (x) => x.id],
  ["taskId", (x) => x.taskId],
  ["task", (x) => x.taskTitle],
  ["completedOn", (x) => x.completedOn],
  ["dueOn", (x) => x.dueOn],
  ["completedBy", (x) => x.completedBy?.name ?? ""],
  ["costCents", (x) => x.costCents],
  ["contractor", (x) => x.contractorName ?? ""],
  ["notes", (x) => x.notes],
  ["createdAt", (x) => x.createdAt],
];

const APPLIANCE_COLUMNS: readonly Column<ApplianceDto>[] = [
  ["residence", (a, c) => c.residence(a.residenceId).name],
  ["applianceId", (a) => a.id],
  ["name", (a) => a.name],
  ["kind", (a) => a.kind],
  ["brand", (a) => a.brand],
  ["model", (a) => a.model],
  ["serialNumber", (a) => a.serialNumber],
  ["purchasedOn", (a) => a.purchasedOn],
  ["installedOn", (a) => a.installedOn],
  ["location", (a) => a.location],
  ["expectedLifespanYears", (a) => a.expectedLifespanYears],
  ["endOfLifeOn", (a) => a.endOfLifeOn],
  [
    "replacementStatus",
    (a, c) => replacementStatus(a.endOfLifeOn, todayIn(c.residence(a.residenceId).timezone)),
  ],
  ["replacementCostCents", (a) => a.replacementCostCents],
  ["recalls", (a) => a.recalls.map((r) => `${r.recallId}: ${r.title}`).join("; ")],
  ["notes", (a) => a.notes],
  ["createdAt", (a) => a.createdAt],
];

export const CSV_KINDS = ["tasks", "completions", "appliances"] as const;
export type CsvKind = (typeof CSV_KINDS)[number];

function csvOf<Row>(columns: readonly Column<Row>[], rows: readonly Row[], context: Context) {
  return toCsv(
    columns.map(([header]) => header),
    rows.map((row) => columns.map(([, cell]) => cell(row, context))),
  );
}

/** The CSV of one kind of record of the user's residences, by residence. */
export async function csvExport(db: Database, userId: string, kind: CsvKind): Promise<string> {
  const homes = await listResidences(db, userId);
  const byId = new Map(homes.map((h) => [h.id, h]));
  const context: Context = { residence: (id) => byId.get(id)! };
  const ids = homes.map((h) => h.id);
  if (kind === "appliances") {
    const rows = ids.length
      ? await db
          .select(applianceColumns)
          .from(appliances)
          .where(inArray(appliances.residenceId, ids))
          .orderBy(asc(appliances.residenceId), asc(appliances.name), asc(appliances.id))
      : [];
    return csvOf(APPLIANCE_COLUMNS, await presentAppliances(db, rows), context);
  }
  if (kind === "tasks") {
    const [user] = await db
      .select({ dueSoonDays: users.dueSoonDays })
      .from(users)
      .where(eq(users.id, userId))
      .limit(1);
    if (!user) throw unauthorized();
    const list = await residenceTasks(db, homes, user);
    // By residence, then soonest due (undated last), then oldest first.
    list.sort(
      (a, b) =>
        compare(a.residenceId, b.residenceId) ||
        compare(a.dueOn ?? "~", b.dueOn ?? "~") ||
        compare(a.createdAt, b.createdAt) ||
        compare(a.id, b.id),
    );
    return csvOf(TASK_COLUMNS, list, context);
  }
  if (ids.length === 0) return csvOf(COMPLETION_COLUMNS, [], context);
  const [rows, titles, firms] = await Promise.all([
    selectCompletions(db, inArray(completions.residenceId, ids), 1_000_000),
    db.select({ id: tasks.id, title: tasks.title }).from(tasks).where(inArray(tasks.residenceId, ids)),
    db
      .select({ id: contractors.id, name: contractors.name })
      .from(contractors)
      .where(inArray(contractors.residenceId, ids)),
  ]);
  const title = new Map(titles.map((t) => [t.id, t.title]));
  const firm = new Map(firms.map((f) => [f.id, f.name]));
  const list = rows.map((row) => {
    const completion = toCompletion(row);
    return {
      ...completion,
      taskTitle: title.get(completion.taskId) ?? "",
      contractorName: completion.contractorId ? (firm.get(completion.contractorId) ?? null) : null,
    };
  });
  // The log as it happened: by completion date, then by when it was logged.
  list.sort(
    (a, b) =>
      compare(a.completedOn, b.completedOn) || compare(a.createdAt, b.createdAt) || compare(a.id, b.id),
  );
  return csvOf(COMPLETION_COLUMNS, list, context);
}

/** Code-unit order, as PostgreSQL sorts uuids and ISO dates (localeCompare would not). */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
