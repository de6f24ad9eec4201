import { DataTable, Notice, Pager } from "@honeydue/ui";
import { Anchor, Badge, Button, Group, NativeSelect, Stack, TextInput, Title } from "@mantine/core";
import type { Metadata } from "next";
import { api, pageParam, queryOf, type SearchParams } from "@/lib/api";
import { when } from "@/lib/format";

export const metadata: Metadata = { title: "Users" };

const STATUSES = ["active", "disabled", "unverified"] as const;

export default async function UsersPage({ searchParams }: { searchParams: SearchParams }) {
  const q = await queryOf(searchParams);
  const status = STATUSES.find((s) => s === q.status);
  const page = pageParam(q.page);
  const { data, error } = await (await api()).GET("/v1/admin/users", {
    params: { query: { ...(q.q ? { q: q.q } : {}), ...(status ? { status } : {}), page } },
  });
  return (
    <Stack>
      <Title order={1}>Users</Title>
      <Notice
        notice={q.notice}
        error={q.error ?? (data ? undefined : (error as { detail?: string })?.detail)}
      />
      <search aria-label="Find users">
        <form method="get">
          <Group align="end" wrap="wrap">
            <TextInput label="Email or name" name="q" defaultValue={q.q ?? ""} w={280} />
            <NativeSelect
              label="Status"
              name="status"
              defaultValue={status ?? ""}
              data={[{ value: "", label: "All" }, ...STATUSES.map((s) => ({ value: s, label: s }))]}
            />
            <Button type="submit">Search</Button>
          </Group>
        </form>
      </search>
      {data ? (
        <>
          <DataTable
            caption="Users"
            rows={data.items}
            rowKey={(u) => u.id}
            empty="No user matches."
            columns={[
              { header: "Email", cell: (u) => <Anchor href={`/users/${u.id}`}>{u.email}</Anchor> },
              { header: "Name", cell: (u) => u.name },
              {
                header: "Status",
                cell: (u) =>
                  u.disabledAt ? (
                    <Badge color="red">disabled</Badge>
                  ) : u.emailVerified ? (
                    <Badge color="teal">active</Badge>
                  ) : (
                    <Badge color="gray">unverified</Badge>
                  ),
              },
              { header: "Residences", cell: (u) => u.residenceCount },
              { header: "Signed up", cell: (u) => when(u.createdAt) },
              { header: "Last active", cell: (u) => when(u.lastActiveAt) },
            ]}
          />
          <Pager
            page={data.page}
            pageSize={data.pageSize}
            total={data.total}
            path="/users"
            query={{ q: q.q, status }}
          />
        </>
      ) : null}
    </Stack>
  );
}
