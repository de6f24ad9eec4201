import { DataTable, Notice } from "@honeydue/ui";
import { Badge, Button, Group, Stack, Title } from "@mantine/core";
import type { Metadata } from "next";
import { deleteAdmin, updateAdmin } from "@/actions/admins";
import { Csrf } from "@/components/csrf";
import { CreateAdminForm, ResetAdminForm } from "@/components/one-time-form";
import { api, queryOf, requireSession, type SearchParams } from "@/lib/api";
import { when } from "@/lib/format";

export const metadata: Metadata = { title: "Admins" };

export default async function AdminsPage({ searchParams }: { searchParams: SearchParams }) {
  const session = await requireSession({ superadmin: true });
  const q = await queryOf(searchParams);
  const { data } = await (await api()).GET("/v1/admin/admins");
  const csrf = session.csrfToken;
  return (
    <Stack>
      <Title order={1}>Admins</Title>
      <Notice notice={q.notice} error={q.error} />
      <Title order={2} size="h3">
        New admin
      </Title>
      <CreateAdminForm csrf={csrf} />
      <Title order={2} size="h3">
        Accounts
      </Title>
      <DataTable
        caption="Admin accounts"
        rows={data?.items ?? []}
        rowKey={(a) => a.id}
        columns={[
          { header: "Email", cell: (a) => a.email },
          { header: "Name", cell: (a) => a.name },
          {
            header: "Role",
            cell: (a) => <Badge color={a.role === "superadmin" ? "grape" : "blue"}>{a.role}</Badge>,
          },
          {
            header: "Status",
            cell: (a) =>
              a.disabledAt ? "disabled" : !a.totpEnabled || a.mustChangePassword ? "setup pending" : "active",
          },
          { header: "Last sign-in", cell: (a) => when(a.lastSignInAt) },
          {
            header: "Actions",
            cell: (a) =>
              a.id === session.admin.id ? (
                "you"
              ) : (
                <Group gap="xs" align="start">
                  <form action={updateAdmin}>
                    <Csrf token={csrf} />
                    <input type="hidden" name="adminId" value={a.id} />
                    <input
                      type="hidden"
                      name="change"
                      value={a.role === "superadmin" ? "support" : "superadmin"}
                    />
                    <Button type="submit" size="xs" variant="outline">
                      Make {a.role === "superadmin" ? "support" : "superadmin"}
                    </Button>
                  </form>
                  <form action={updateAdmin}>
                    <Csrf token={csrf} />
                    <input type="hidden" name="adminId" value={a.id} />
                    <input type="hidden" name="change" value={a.disabledAt ? "enable" : "disable"} />
                    <Button type="submit" size="xs" variant="outline" color="red">
                      {a.disabledAt ? "Enable" : "Disable"}
                    </Button>
                  </form>
                  <ResetAdminForm csrf={csrf} adminId={a.id} email={a.email} />
                  <form action={deleteAdmin}>
                    <Csrf token={csrf} />
                    <input type="hidden" name="adminId" value={a.id} />
                    <Button
                      type="submit"
                      size="xs"
                      variant="outline"
                      color="red"
                      aria-label={`Delete admin ${a.email}`}
                    >
                      Delete
                    </Button>
                  </form>
                </Group>
              ),
          },
        ]}
      />
    </Stack>
  );
}
