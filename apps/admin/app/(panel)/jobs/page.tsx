import { DataTable, Notice, Pager } from "@honeydue/ui";
import { Button, Code, Group, Stack, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import { discardJob, retryJob } from "@/actions/jobs";
import { Csrf } from "@/components/csrf";
import { api, pageParam, queryOf, requireSession, type SearchParams } from "@/lib/api";
import { when } from "@/lib/format";

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage({ searchParams }: { searchParams: SearchParams }) {
  const q = await queryOf(searchParams);
  const session = await requireSession();
  const page = pageParam(q.page);
  const client = await api();
  const [{ data: overview }, { data: failed }] = await Promise.all([
    client.GET("/v1/admin/jobs"),
    client.GET("/v1/admin/jobs/failed", { params: { query: { ...(q.job ? { job: q.job } : {}), page } } }),
  ]);
  const back = `/jobs${page > 1 ? `?page=${page}` : ""}`;
  return (
    <Stack>
      <Title order={1}>Jobs</Title>
      <Notice notice={q.notice} error={q.error} />
      {overview ? (
        <>
          <Text c="dimmed" size="sm">
            {overview.backlog} waiting to be picked up; the oldest for {Math.round(overview.oldestAgeSeconds)}{" "}
            s.
          </Text>
          <DataTable
            caption="Jobs per queue"
            rows={overview.queues}
            rowKey={(r) => r.queue}
            columns={[
              { header: "Queue", cell: (r) => r.queue },
              { header: "Waiting", cell: (r) => r.waiting },
              { header: "Delayed", cell: (r) => r.delayed },
              { header: "Active", cell: (r) => r.active },
              { header: "Failed", cell: (r) => r.failed },
            ]}
          />
        </>
      ) : null}
      <Title order={2} size="h3">
        Failed jobs
      </Title>
      {failed ? (
        <>
          <DataTable
            caption="Jobs that failed for good"
            rows={failed.items}
            rowKey={(j) => j.id}
            empty="No failed jobs."
            columns={[
              { header: "Job", cell: (j) => j.job },
              {
                header: "Error",
                cell: (j) => (
                  <Text size="sm" c="red.9">
                    {j.lastError ?? "—"}
                  </Text>
                ),
              },
              {
                header: "Payload",
                cell: (j) => <Code block>{JSON.stringify(j.payloadSummary, null, 1)}</Code>,
              },
              { header: "Attempts", cell: (j) => j.attempts },
              { header: "Failed", cell: (j) => when(j.failedAt) },
              {
                header: "Actions",
                cell: (j) => (
                  <Group gap="xs" wrap="nowrap">
                    <form action={retryJob}>
                      <Csrf token={session.csrfToken} back={back} />
                      <input type="hidden" name="jobId" value={j.id} />
                      <Button type="submit" size="xs" aria-label={`Retry job ${j.job} ${j.id}`}>
                        Retry
                      </Button>
                    </form>
                    {session.admin.role === "superadmin" ? (
                      <form action={discardJob}>
                        <Csrf token={session.csrfToken} back={back} />
                        <input type="hidden" name="jobId" value={j.id} />
                        <Button
                          type="submit"
                          size="xs"
                          variant="outline"
                          color="red"
                          aria-label={`Discard job ${j.job} ${j.id}`}
                        >
                          Discard
                        </Button>
                      </form>
                    ) : null}
                  </Group>
                ),
              },
            ]}
          />
          <Pager
            page={failed.page}
            pageSize={failed.pageSize}
            total={failed.total}
            path="/jobs"
            query={{ job: q.job }}
          />
        </>
      ) : null}
    </Stack>
  );
}
