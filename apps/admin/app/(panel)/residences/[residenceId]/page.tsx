import { DataTable } from "@honeydue/ui";
import { Anchor, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { api } from "@/lib/api";
import { when } from "@/lib/format";

export const metadata: Metadata = { title: "Residence" };

export default async function ResidencePage(props: { params: Promise<{ residenceId: string }> }) {
  const { residenceId } = await props.params;
  const { data } = await (await api()).GET("/v1/admin/residences/{residenceId}", {
    params: { path: { residenceId } },
  });
  if (!data) notFound();
  const r = data.residence;
  return (
    <Stack>
      <Anchor href="/residences" size="sm">
        ← Residences
      </Anchor>
      <Title order={1}>{r.name}</Title>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Text>
            <b>Address:</b>{" "}
            {[r.addressLine1, r.postalCode, r.city, r.country].filter(Boolean).join(", ") || "—"}
          </Text>
          <Text>
            <b>Type:</b> {r.propertyType}
            {r.yearBuilt ? `, built ${r.yearBuilt}` : ""}
          </Text>
          <Text>
            <b>Time zone:</b> {r.timezone}
          </Text>
        </SimpleGrid>
      </Paper>
      <Title order={2} size="h3">
        Members
      </Title>
      <DataTable
        caption="Members"
        rows={data.members}
        rowKey={(m) => m.userId}
        columns={[
          { header: "Name", cell: (m) => <Anchor href={`/users/${m.userId}`}>{m.name}</Anchor> },
          { header: "Email", cell: (m) => m.email },
          { header: "Role", cell: (m) => m.role },
          { header: "Joined", cell: (m) => when(m.joinedAt) },
        ]}
      />
      <Title order={2} size="h3">
        Tasks (latest 100)
      </Title>
      <DataTable
        caption="Tasks"
        rows={data.tasks}
        rowKey={(t) => t.id}
        empty="No tasks yet."
        columns={[
          { header: "Title", cell: (t) => t.title },
          { header: "Category", cell: (t) => t.category },
          { header: "Priority", cell: (t) => t.priority },
          { header: "Due", cell: (t) => t.dueOn ?? "—" },
          { header: "Done", cell: (t) => t.completionCount },
          {
            header: "State",
            cell: (t) => (t.archivedAt ? "archived" : t.completedAt ? "completed" : "open"),
          },
        ]}
      />
      <Title order={2} size="h3">
        Activity (latest 50)
      </Title>
      <DataTable
        caption="Activity"
        rows={data.activity}
        rowKey={(a) => String(a.id)}
        empty="No activity yet."
        columns={[
          { header: "When", cell: (a) => when(a.createdAt) },
          { header: "Who", cell: (a) => a.actorName ?? "—" },
          { header: "What", cell: (a) => a.action },
        ]}
      />
    </Stack>
  );
}
