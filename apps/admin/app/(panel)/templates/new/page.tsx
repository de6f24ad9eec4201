import { Notice } from "@honeydue/ui";
import { Anchor, Stack, Title } from "@mantine/core";
import type { Metadata } from "next";
import { createTemplate } from "@/actions/templates";
import { TemplateForm } from "@/components/template-form";
import { queryOf, requireSession, type SearchParams } from "@/lib/api";

export const metadata: Metadata = { title: "New template" };

export default async function NewTemplatePage({ searchParams }: { searchParams: SearchParams }) {
  const session = await requireSession();
  const q = await queryOf(searchParams);
  return (
    <Stack>
      <Anchor href="/templates" size="sm">
        ← Templates
      </Anchor>
      <Title order={1}>New template</Title>
      <Notice error={q.error} />
      <TemplateForm
        action={createTemplate}
        csrf={session.csrfToken}
        back="/templates/new"
        submit="Create template"
      />
    </Stack>
  );
}
