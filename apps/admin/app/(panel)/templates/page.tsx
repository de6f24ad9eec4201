import { DataTable, Notice, Pager } from "@honeydue/ui";
import { Anchor, Badge, Button, Group, NativeSelect, Stack, TextInput, Title } from "@mantine/core";
import type { Metadata } from "next";
import { api, pageParam, queryOf, type SearchParams } from "@/lib/api";

export const metadata: Metadata = { title: "Templates" };

export default async function TemplatesPage({ searchParams }: { searchParams: SearchParams }) {
  const q = await queryOf(searchParams);
  const status = q.status === "active" || q.status === "retired" ? q.status : undefined;
  const page = pageParam(q.page);
  const { data } = await (await api()).GET("/v1/admin/templates", {
    params: { query: { ...(q.q ? { q: q.q } : {}), ...(status ? { status } : {}), page } },
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Templates</Title>
        <Button component="a" href="/templates/new">
          New template
        </Button>
      </Group>
      <Notice notice={q.notice} error={q.error} />
      <search aria-label="Find templates">
        <form method="get">
          <Group align="end">
            <TextInput label="Title or slug" name="q" defaultValue={q.q ?? ""} w={280} />
            <NativeSelect
              label="Status"
              name="status"
              defaultValue={status ?? ""}
              data={[
                { value: "", label: "All" },
                { value: "active", label: "active" },
                { value: "retired", label: "retired" },
              ]}
            />
            <Button type="submit">Search</Button>
          </Group>
        </form>
      </search>
      {data ? (
        <>
          <DataTable
            caption="Task templates"
            rows={data.items}
            rowKey={(t) => t.id}
            empty="No template matches."
            columns={[
              { header: "Title", cell: (t) => <Anchor href={`/templates/${t.id}`}>{t.title}</Anchor> },
              { header: "Category", cell: (t) => t.category },
              { header: "Schedule", cell: (t) => t.recurrenceText },
              { header: "Starter", cell: (t) => (t.starter ? "yes" : "") },
              {
                header: "Status",
                cell: (t) =>
                  t.retiredAt ? <Badge color="gray">retired</Badge> : <Badge color="teal">active</Badge>,
              },
            ]}
          />
          <Pager
            page={data.page}
            pageSize={data.pageSize}
            total={data.total}
            path="/templates"
            query={{ q: q.q, status }}
          />
        </>
      ) : null}
    </Stack>
  );
}
