import { DataTable, Notice, Pager } from "@honeydue/ui";
import { Anchor, Button, Group, Stack, TextInput, Title } from "@mantine/core";
import type { Metadata } from "next";
import { api, pageParam, queryOf, type SearchParams } from "@/lib/api";
import { when } from "@/lib/format";

export const metadata: Metadata = { title: "Residences" };

export default async function ResidencesPage({ searchParams }: { searchParams: SearchParams }) {
  const q = await queryOf(searchParams);
  const page = pageParam(q.page);
  const { data } = await (await api()).GET("/v1/admin/residences", {
    params: { query: { ...(q.q ? { q: q.q } : {}), page } },
  });
  return (
    <Stack>
      <Title order={1}>Residences</Title>
      <Notice notice={q.notice} error={q.error} />
      <search aria-label="Find residences">
        <form method="get">
          <Group align="end">
            <TextInput label="Name, city or a member's email" name="q" defaultValue={q.q ?? ""} w={320} />
            <Button type="submit">Search</Button>
          </Group>
        </form>
      </search>
      {data ? (
        <>
          <DataTable
            caption="Residences"
            rows={data.items}
            rowKey={(r) => r.id}
            empty="No residence matches."
            columns={[
              { header: "Name", cell: (r) => <Anchor href={`/residences/${r.id}`}>{r.name}</Anchor> },
              { header: "City", cell: (r) => r.city ?? "—" },
              { header: "Type", cell: (r) => r.propertyType },
              { header: "Members", cell: (r) => r.memberCount },
              { header: "Open tasks", cell: (r) => r.openTaskCount },
              { header: "Created", cell: (r) => when(r.createdAt) },
            ]}
          />
          <Pager
            page={data.page}
            pageSize={data.pageSize}
            total={data.total}
            path="/residences"
            query={{ q: q.q }}
          />
        </>
      ) : null}
    </Stack>
  );
}
