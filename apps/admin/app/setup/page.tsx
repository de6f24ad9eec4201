import { Notice } from "@honeydue/ui";
import { Container, Paper, Text, Title } from "@mantine/core";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { EnrolTotp } from "@/components/enrol-totp";
import { PasswordForm } from "@/components/password-form";
import { currentSession, queryOf, type SearchParams } from "@/lib/api";

export const metadata: Metadata = { title: "Finish setting up" };

/** First sign-in: choose your own password, then enrol an authenticator app. */
export default async function SetupPage({ searchParams }: { searchParams: SearchParams }) {
  const session = await currentSession();
  if (!session) redirect("/sign-in");
  const q = await queryOf(searchParams);
  return (
    <Container size={520} py={60} component="main">
      <Title order={1} size="h2" mb="md">
        Finish setting up your admin account
      </Title>
      <Notice notice={q.notice} error={q.error} />
      <Paper withBorder p="lg" radius="md">
        {session.setup.changePassword ? (
          <>
            <Title order={2} size="h4" mb="xs">
              1. Choose your own password
            </Title>
            <Text size="sm" c="dimmed" mb="md">
              You signed in with a one-time password.
            </Text>
            <PasswordForm csrf={session.csrfToken} back="/setup" current="One-time password" />
          </>
        ) : session.setup.enrolTotp ? (
          <>
            <Title order={2} size="h4" mb="md">
              2. Enrol an authenticator app
            </Title>
            <EnrolTotp csrf={session.csrfToken} />
          </>
        ) : (
          <Text>
            All set. <a href="/">Go to the dashboard</a>.
          </Text>
        )}
      </Paper>
    </Container>
  );
}
