import { Button, PasswordInput, Stack } from "@mantine/core";
import { changePassword } from "@/actions/session";
import { Csrf } from "./csrf";

export function PasswordForm({ csrf, back, current }: { csrf: string; back: string; current: string }) {
  return (
    <form action={changePassword}>
      <Csrf token={csrf} back={back} />
      <Stack maw={420}>
        <PasswordInput label={current} name="currentPassword" autoComplete="current-password" required />
        <PasswordInput
          label="New password"
          description="8 to 128 characters; common passwords are refused"
          name="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={128}
          required
        />
        <Button type="submit">Change password</Button>
      </Stack>
    </form>
  );
}
