import { TASK_TEMPLATE_CATALOG, type TaskTemplateSeed } from "@honeydue/domain";

/**
 * The SQL that seeds the template catalog (packages/db/migrations/0030_task_template_catalog.sql) is
 * generated from TASK_TEMPLATE_CATALOG, so the catalog has one source. The migration inserts by slug and
 * never overwrites: once seeded, operators curate the live catalog in the admin panel. A later change to
 * the seed catalog ships as a new migration (templates.test.ts fails until it does).
 *
 *   npx node apps/api/src/templates/catalog-sql.ts > packages/db/migrations/00NN_<name>.sql
 */

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

function row(t: TaskTemplateSeed): string {
  const recurrence = t.recurrence === null ? "NULL" : `${literal(JSON.stringify(t.recurrence))}::jsonb`;
  const types = `ARRAY[${t.propertyTypes.map(literal).join(", ")}]::text[]`;
  return `  (${[
    literal(t.slug),
    literal(t.title),
    literal(t.howTo),
    literal(t.category),
    literal(t.priority),
    recurrence,
    types,
    t.starter ? "true" : "false",
  ].join(", ")})`;
}

export function catalogSeedSql(catalog: readonly TaskTemplateSeed[] = TASK_TEMPLATE_CATALOG): string {
  return [
    "-- The task template catalog, generated from TASK_TEMPLATE_CATALOG (packages/domain) by",
    "-- apps/api/src/templates/catalog-sql.ts. Inserts by slug, never overwrites operator edits.",
    "INSERT INTO task_templates (slug, title, how_to, category, priority, recurrence, property_types, starter)",
    "VALUES",
    `${catalog.map(row).join(",\n")}`,
    "ON CONFLICT (slug) DO NOTHING;",
    "",
  ].join("\n");
}

if (import.meta.main) process.stdout.write(catalogSeedSql());
