"use client";
import { Alert, Button, Code, Group, NativeSelect, Stack, TextInput } from "@mantine/core";
import { useActionState } from "react";
import { createAdmin, type OneTimeState, resetAdmin } from "@/actions/admins";

function Result({ state }: { state: OneTimeState }) {
  if (state.error)
    return (
      <Alert variant="outline" color="red" role="alert">
        {state.error}
      </Alert>
    );
  if (!state.password) return null;
  return (
    <Alert variant="outline" color="teal" role="status" title={`One-time password for ${state.email}`}>
      <Code fz="md" data-testid="one-time-password">
        {state.password}
      </Code>{" "}
      — shown only now. They sign in with it, choose their own password and enrol an authenticator app.
    </Alert>
  );
}

export function CreateAdminForm({ csrf }: { csrf: string }) {
  const [state, action, pending] = useActionState<OneTimeState, FormData>(createAdmin, {});
  return (
    <form action={action}>
      <input type="hidden" name="csrf" value={csrf} />
      <Stack>
        <Result state={state} />
        <Group align="end" wrap="wrap">
          <TextInput label="Email" name="email" type="email" required w={260} />
          <TextInput label="Name" name="name" required w={200} />
          <NativeSelect label="Role" name="role" data={["support", "superadmin"]} defaultValue="support" />
          <Button type="submit" loading={pending}>
            Create admin
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ResetAdminForm({ csrf, adminId, email }: { csrf: string; adminId: string; email: string }) {
  const [state, action, pending] = useActionState<OneTimeState, FormData>(resetAdmin, {});
  return (
    <form action={action}>
      <input type="hidden" name="csrf" value={csrf} />
      <input type="hidden" name="adminId" value={adminId} />
      <Stack gap={4}>
        <Button
          type="submit"
          size="xs"
          variant="outline"
          loading={pending}
          aria-label={`Reset sign-in of ${email}`}
        >
          Reset sign-in
        </Button>
        <Result state={state} />
      </Stack>
    </form>
  );
}
