import { DataTable, Notice, StatCard, TrendChart } from "@honeydue/ui";
import { SimpleGrid, Stack, Title } from "@mantine/core";
import type { Metadata } from "next";
import { api, queryOf, type SearchParams } from "@/lib/api";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage({ searchParams }: { searchParams: SearchParams }) {
  const q = await queryOf(searchParams);
  const { data, error } = await (await api()).GET("/v1/admin/dashboard");
  if (!data)
    return <Notice error={(error as { detail?: string })?.detail ?? "The dashboard could not be loaded"} />;
  const t = data.totals;
  return (
    <Stack>
      <Title order={1}>Dashboard</Title>
      <Notice notice={q.notice} error={q.error} />
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
        <StatCard label="Users" value={t.users} hint={`${t.disabledUsers} disabled`} />
        <StatCard label="Residences" value={t.residences} />
        <StatCard label="Tasks" value={t.tasks} />
        <StatCard label="Completions" value={t.completions} />
        <StatCard label="Emails sent" value={t.emailsSent} hint="last 30 days" />
        <StatCard label="Emails failed" value={t.emailsFailed} hint="last 30 days" />
      </SimpleGrid>
      <Title order={2} size="h3">
        Last 30 days
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        <TrendChart title="Sign-ups" data={data.series.signUps} />
        <TrendChart title="Active users" data={data.series.activeUsers} color="blue.6" />
        <TrendChart title="Tasks created" data={data.series.tasksCreated} color="teal.6" />
        <TrendChart title="Tasks completed" data={data.series.tasksCompleted} color="green.6" />
        <TrendChart title="Emails sent" data={data.series.emailsSent} color="indigo.6" />
        <TrendChart title="Emails failed" data={data.series.emailsFailed} color="red.6" />
      </SimpleGrid>
      <Title order={2} size="h3">
        Queue health
      </Title>
      <DataTable
        caption="Jobs per queue"
        rows={data.queues}
        rowKey={(r) => r.queue}
        columns={[
          { header: "Queue", cell: (r) => r.queue },
          { header: "Waiting", cell: (r) => r.waiting },
          { header: "Delayed", cell: (r) => r.delayed },
          { header: "Active", cell: (r) => r.active },
          { header: "Failed", cell: (r) => (r.failed > 0 ? <a href="/jobs">{r.failed}</a> : 0) },
        ]}
      />
    </Stack>
  );
}
