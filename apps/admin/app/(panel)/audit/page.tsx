import { DataTable, Notice, Pager } from "@honeydue/ui";
import { Anchor, Button, Code, Group, Stack, TextInput, Title } from "@mantine/core";
import type { Metadata } from "next";
import { api, pageParam, queryOf, type SearchParams } from "@/lib/api";
import { when } from "@/lib/format";

export const metadata: Metadata = { title: "Audit log" };

const targetHref = (type: string | null, id: string | null) =>
  !id ? null : type === "user" ? `/users/${id}` : type === "template" ? `/templates/${id}` : null;

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const q = await queryOf(searchParams);
  const page = pageParam(q.page);
  const { data, error } = await (await api()).GET("/v1/admin/audit", {
    params: {
      query: {
        ...(q.q ? { q: q.q } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.targetType ? { targetType: q.targetType } : {}),
        ...(q.targetId ? { targetId: q.targetId } : {}),
        page,
      },
    },
  });
  return (
    <Stack>
      <Title order={1}>Audit log</Title>
      <Notice
        notice={q.notice}
        error={q.error ?? (data ? undefined : (error as { detail?: string })?.detail)}
      />
      <search aria-label="Filter the audit log">
        <form method="get">
          <Group align="end" wrap="wrap">
            <TextInput label="Admin or target" name="q" defaultValue={q.q ?? ""} w={220} />
            <TextInput
              label="Action"
              description="e.g. user. for every user action"
              name="action"
              defaultValue={q.action ?? ""}
              w={200}
            />
            <TextInput label="Target type" name="targetType" defaultValue={q.targetType ?? ""} w={140} />
            <Button type="submit">Filter</Button>
          </Group>
        </form>
      </search>
      {data ? (
        <>
          <DataTable
            caption="Audit entries"
            rows={data.items}
            rowKey={(e) => String(e.id)}
            empty="No entries match."
            columns={[
              { header: "When", cell: (e) => when(e.at) },
              { header: "Admin", cell: (e) => e.adminEmail },
              { header: "Action", cell: (e) => <Code>{e.action}</Code> },
              {
                header: "Target",
                cell: (e) => {
                  const label = e.targetLabel ?? e.targetId ?? "—";
                  const href = targetHref(e.targetType, e.targetId);
                  return href ? <Anchor href={href}>{label}</Anchor> : label;
                },
              },
              {
                header: "Details",
                cell: (e) => (Object.keys(e.detail).length ? JSON.stringify(e.detail) : ""),
              },
              { header: "From", cell: (e) => e.ip ?? "—" },
            ]}
          />
          <Pager
            page={data.page}
            pageSize={data.pageSize}
            total={data.total}
            path="/audit"
            query={{ q: q.q, action: q.action, targetType: q.targetType, targetId: q.targetId }}
          />
        </>
      ) : null}
    </Stack>
  );
}
