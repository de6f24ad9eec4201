import { Notice } from "@honeydue/ui";
import { Anchor, Badge, Button, Grid, GridCol, Group, Paper, Stack, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { retireTemplate, updateTemplate } from "@/actions/templates";
import { Csrf } from "@/components/csrf";
import { TemplateForm } from "@/components/template-form";
import { api, queryOf, requireSession, type SearchParams } from "@/lib/api";

export const metadata: Metadata = { title: "Template" };

export default async function TemplatePage(props: {
  params: Promise<{ templateId: string }>;
  searchParams: SearchParams;
}) {
  const { templateId } = await props.params;
  const q = await queryOf(props.searchParams);
  const session = await requireSession();
  const { data: t } = await (await api()).GET("/v1/admin/templates/{templateId}", {
    params: { path: { templateId } },
  });
  if (!t) notFound();
  const back = `/templates/${t.id}`;
  return (
    <Stack>
      <Anchor href="/templates" size="sm">
        ← Templates
      </Anchor>
      <Group>
        <Title order={1}>{t.title}</Title>
        {t.retiredAt ? <Badge color="gray">retired</Badge> : <Badge color="teal">in the catalog</Badge>}
      </Group>
      <Notice notice={q.notice} error={q.error} />
      <Grid>
        <GridCol span={{ base: 12, md: 7 }}>
          <TemplateForm
            action={updateTemplate}
            csrf={session.csrfToken}
            back={back}
            values={t}
            submit="Save"
          />
        </GridCol>
        <GridCol span={{ base: 12, md: 5 }}>
          <Stack>
            <Title order={2} size="h4">
              Preview
            </Title>
            <Paper withBorder p="md" aria-label="How the apps show this template">
              <Text fw={700}>{t.title}</Text>
              <Text size="sm" c="dimmed">
                {t.category} · {t.priority} priority · {t.recurrenceText}
              </Text>
              <Text size="sm" mt="xs" style={{ whiteSpace: "pre-wrap" }}>
                {t.howTo || "No how-to yet."}
              </Text>
              <Text size="xs" c="dimmed" mt="xs">
                For: {t.propertyTypes.join(", ")} {t.starter ? "· starter set" : ""}
              </Text>
            </Paper>
            <form action={retireTemplate}>
              <Csrf token={session.csrfToken} back={back} />
              <input type="hidden" name="templateId" value={t.id} />
              {t.retiredAt ? <input type="hidden" name="restore" value="1" /> : null}
              <Button type="submit" variant="outline" color={t.retiredAt ? "teal" : "red"}>
                {t.retiredAt ? "Restore to the catalog" : "Retire from the catalog"}
              </Button>
            </form>
          </Stack>
        </GridCol>
      </Grid>
    </Stack>
  );
}
