import { DataTable, Notice, Pager } from "@honeydue/ui";
import { Anchor, Badge, Button, Group, NativeSelect, Stack, Text, TextInput, Title } from "@mantine/core";
import type { Metadata } from "next";
import { api, pageParam, queryOf, type SearchParams } from "@/lib/api";
import { when } from "@/lib/format";

export const metadata: Metadata = { title: "Emails" };

const STATUSES = ["sending", "sent", "failed", "skipped"] as const;
const COLOR = { sending: "blue", sent: "teal", failed: "red", skipped: "gray" } as const;

export default async function EmailsPage({ searchParams }: { searchParams: SearchParams }) {
  const q = await queryOf(searchParams);
  const status = STATUSES.find((s) => s === q.status);
  const page = pageParam(q.page);
  const client = await api();
  const [{ data }, { data: templates }] = await Promise.all([
    client.GET("/v1/admin/emails", {
      params: {
        query: {
          ...(q.q ? { q: q.q } : {}),
          ...(status ? { status } : {}),
          ...(q.template ? { template: q.template } : {}),
          page,
        },
      },
    }),
    client.GET("/v1/admin/email-templates"),
  ]);
  return (
    <Stack>
      <Title order={1}>Emails</Title>
      <Notice notice={q.notice} error={q.error} />
      <Group gap="xs" wrap="wrap">
        <Text size="sm">Preview a template:</Text>
        {templates?.items.map((t) => (
          <Anchor key={t.name} href={`/emails/templates/${t.name}`} size="sm">
            {t.name}
          </Anchor>
        ))}
      </Group>
      <search aria-label="Find emails">
        <form method="get">
          <Group align="end" wrap="wrap">
            <TextInput label="Recipient" name="q" defaultValue={q.q ?? ""} w={240} />
            <NativeSelect
              label="Status"
              name="status"
              defaultValue={status ?? ""}
              data={[{ value: "", label: "All" }, ...STATUSES.map((s) => ({ value: s, label: s }))]}
            />
            <NativeSelect
              label="Template"
              name="template"
              defaultValue={q.template ?? ""}
              data={[{ value: "", label: "All" }, ...(templates?.items.map((t) => t.name) ?? [])]}
            />
            <Button type="submit">Filter</Button>
          </Group>
        </form>
      </search>
      {data ? (
        <>
          <DataTable
            caption="Emails sent"
            rows={data.items}
            rowKey={(m) => m.id}
            empty="No email matches."
            columns={[
              { header: "When", cell: (m) => when(m.createdAt) },
              {
                header: "To",
                cell: (m) => (m.userId ? <Anchor href={`/users/${m.userId}`}>{m.to}</Anchor> : m.to),
              },
              { header: "Template", cell: (m) => m.template },
              { header: "Subject", cell: (m) => m.subject },
              { header: "Status", cell: (m) => <Badge color={COLOR[m.status]}>{m.status}</Badge> },
              { header: "Error", cell: (m) => m.error ?? "" },
            ]}
          />
          <Pager
            page={data.page}
            pageSize={data.pageSize}
            total={data.total}
            path="/emails"
            query={{ q: q.q, status, template: q.template }}
          />
        </>
      ) : null}
    </Stack>
  );
}
