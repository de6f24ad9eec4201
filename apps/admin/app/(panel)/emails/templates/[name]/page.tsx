import { Anchor, Code, Paper, Stack, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { api } from "@/lib/api";

export const metadata: Metadata = { title: "Email preview" };

export default async function EmailPreviewPage(props: { params: Promise<{ name: string }> }) {
  const { name } = await props.params;
  const { data } = await (await api()).GET("/v1/admin/email-templates/{name}/preview", {
    params: { path: { name } },
  });
  if (!data) notFound();
  return (
    <Stack>
      <Anchor href="/emails" size="sm">
        ← Emails
      </Anchor>
      <Title order={1}>Template: {data.name}</Title>
      <Text>
        <b>Subject:</b> {data.subject}
      </Text>
      <Paper withBorder>
        {/* The HTML comes from its own URL with a CSP of its own; the frame may run nothing. */}
        <iframe
          title={`HTML preview of ${data.name}`}
          src={`/emails/templates/${encodeURIComponent(data.name)}/html`}
          sandbox=""
          style={{ width: "100%", height: 560, border: 0 }}
        />
      </Paper>
      <Title order={2} size="h4">
        Plain text
      </Title>
      <Code block>{data.text}</Code>
    </Stack>
  );
}
