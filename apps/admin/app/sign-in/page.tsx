import { Notice } from "@honeydue/ui";
import { Button, Container, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import type { Metadata } from "next";
import { signIn } from "@/actions/session";
import { queryOf, type SearchParams } from "@/lib/api";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const q = await queryOf(searchParams);
  return (
    <Container size={420} py={80} component="main">
      <Title order={1} size="h2" mb="xs">
        honeyDue admin
      </Title>
      <Text c="dimmed" mb="lg">
        Sign in with your admin account.
      </Text>
      <Notice notice={q.notice} error={q.error} />
      <Paper withBorder p="lg" radius="md">
        <form action={signIn}>
          <Stack>
            <TextInput label="Email" name="email" type="email" autoComplete="username" required />
            <PasswordInput label="Password" name="password" autoComplete="current-password" required />
            <TextInput
              label="Authenticator code"
              description="The 6-digit code of your authenticator app, or a recovery code. Leave empty at your first sign-in."
              name="code"
              autoComplete="one-time-code"
              inputMode="text"
              maxLength={16}
            />
            <Button type="submit">Sign in</Button>
          </Stack>
        </form>
      </Paper>
    </Container>
  );
}
