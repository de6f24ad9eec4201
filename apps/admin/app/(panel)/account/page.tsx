import { Notice } from "@honeydue/ui";
import { Stack, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import { PasswordForm } from "@/components/password-form";
import { RecoveryCodesForm } from "@/components/recovery-codes";
import { queryOf, requireSession, type SearchParams } from "@/lib/api";

export const metadata: Metadata = { title: "My account" };

export default async function AccountPage({ searchParams }: { searchParams: SearchParams }) {
  const session = await requireSession();
  const q = await queryOf(searchParams);
  return (
    <Stack>
      <Title order={1}>My account</Title>
      <Notice notice={q.notice} error={q.error} />
      <Text>
        {session.admin.name} · {session.admin.email} · {session.admin.role}
      </Text>
      <Title order={2} size="h3">
        Password
      </Title>
      <PasswordForm csrf={session.csrfToken} back="/account" current="Current password" />
      <Title order={2} size="h3">
        Recovery codes
      </Title>
      <RecoveryCodesForm csrf={session.csrfToken} />
    </Stack>
  );
}
