import { DataTable, Notice } from "@honeydue/ui";
import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { deleteUser, disableUser, enableUser, resendVerification, sendPasswordReset } from "@/actions/users";
import { Csrf } from "@/components/csrf";
import { api, queryOf, requireSession, type SearchParams } from "@/lib/api";
import { when } from "@/lib/format";

export const metadata: Metadata = { title: "User" };

export default async function UserPage(props: {
  params: Promise<{ userId: string }>;
  searchParams: SearchParams;
}) {
  const { userId } = await props.params;
  const q = await queryOf(props.searchParams);
  const session = await requireSession();
  const { data, response } = await (await api()).GET("/v1/admin/users/{userId}", {
    params: { path: { userId } },
  });
  if (response.status === 404 || response.status === 400 || !data) notFound();
  const { user } = data;
  const back = `/users/${user.id}`;
  const superadmin = session.admin.role === "superadmin";
  const hidden = (
    <>
      <Csrf token={session.csrfToken} back={back} />
      <input type="hidden" name="userId" value={user.id} />
    </>
  );
  return (
    <Stack>
      <Anchor href="/users" size="sm">
        ← Users
      </Anchor>
      <Group>
        <Title order={1}>{user.name}</Title>
        {user.disabledAt ? <Badge color="red">disabled</Badge> : null}
        {user.emailVerified ? <Badge color="teal">verified</Badge> : <Badge color="gray">unverified</Badge>}
      </Group>
      <Notice notice={q.notice} error={q.error} />
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Text>
            <b>Email:</b> {user.email}
          </Text>
          <Text>
            <b>Time zone:</b> {user.timezone}
          </Text>
          <Text>
            <b>Signed up:</b> {when(user.createdAt)}
          </Text>
        </SimpleGrid>
      </Paper>
      <Title order={2} size="h3">
        Help this user
      </Title>
      <Group wrap="wrap">
        {!user.emailVerified ? (
          <form action={resendVerification}>
            {hidden}
            <Button type="submit" variant="outline">
              Resend verification email
            </Button>
          </form>
        ) : null}
        <form action={sendPasswordReset}>
          {hidden}
          <Button type="submit" variant="outline">
            Send password reset
          </Button>
        </form>
        {superadmin ? (
          user.disabledAt ? (
            <form action={enableUser}>
              {hidden}
              <Button type="submit" color="teal">
                Enable
              </Button>
            </form>
          ) : (
            <form action={disableUser}>
              {hidden}
              <Button type="submit" color="red">
                Disable and sign out everywhere
              </Button>
            </form>
          )
        ) : null}
      </Group>
      <Title order={2} size="h3">
        Residences
      </Title>
      <DataTable
        caption="Residences of this user"
        rows={data.residences}
        rowKey={(r) => r.id}
        empty="No residences."
        columns={[
          { header: "Name", cell: (r) => <Anchor href={`/residences/${r.id}`}>{r.name}</Anchor> },
          { header: "Role", cell: (r) => r.role },
          { header: "Joined", cell: (r) => when(r.joinedAt) },
        ]}
      />
      <Title order={2} size="h3">
        Signed-in sessions
      </Title>
      <DataTable
        caption="Live sessions"
        rows={data.sessions}
        rowKey={(s) => s.id}
        empty="No live sessions."
        columns={[
          { header: "Device", cell: (s) => s.deviceName ?? s.userAgent ?? "—" },
          { header: "Address", cell: (s) => s.ip ?? "—" },
          { header: "Last used", cell: (s) => when(s.lastUsedAt) },
          { header: "Expires", cell: (s) => when(s.expiresAt) },
        ]}
      />
      <Title order={2} size="h3">
        Push devices
      </Title>
      <DataTable
        caption="Push devices"
        rows={data.devices}
        rowKey={(d) => d.id}
        empty="No push devices."
        columns={[
          { header: "Platform", cell: (d) => d.platform },
          { header: "Name", cell: (d) => d.name ?? "—" },
          { header: "Registered", cell: (d) => when(d.createdAt) },
        ]}
      />
      <Title order={2} size="h3">
        Latest emails
      </Title>
      <DataTable
        caption="Latest emails to this user"
        rows={data.emails}
        rowKey={(m) => m.id}
        empty="No emails."
        columns={[
          { header: "Template", cell: (m) => m.template },
          { header: "Status", cell: (m) => m.status },
          { header: "When", cell: (m) => when(m.createdAt) },
        ]}
      />
      {superadmin ? (
        <Paper withBorder p="md" style={{ borderColor: "var(--mantine-color-red-4)" }}>
          <Title order={2} size="h4" c="red.9">
            Delete this user
          </Title>
          <Text size="sm" mb="sm">
            As if they deleted their own account: residences nobody else uses are deleted with everything in
            them. This cannot be undone.
          </Text>
          <form action={deleteUser}>
            {hidden}
            <Group align="end">
              <TextInput
                label={`Type ${user.email} to confirm`}
                name="confirmEmail"
                required
                autoComplete="off"
                w={320}
              />
              <Button type="submit" color="red">
                Delete user
              </Button>
            </Group>
          </form>
        </Paper>
      ) : null}
    </Stack>
  );
}
