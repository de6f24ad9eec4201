"use client";
import { Alert, Button, Code, Group, List, Stack, TextInput } from "@mantine/core";
import { useActionState } from "react";
import { type RecoveryState, replaceRecoveryCodes } from "@/actions/session";

export function RecoveryCodesForm({ csrf }: { csrf: string }) {
  const [state, action, pending] = useActionState<RecoveryState, FormData>(replaceRecoveryCodes, {});
  return (
    <form action={action}>
      <input type="hidden" name="csrf" value={csrf} />
      <Stack>
        {state.error ? (
          <Alert variant="outline" color="red" role="alert">
            {state.error}
          </Alert>
        ) : null}
        {state.recoveryCodes ? (
          <Alert
            color="teal"
            role="status"
            title="New recovery codes (shown only now; the old ones stopped working)"
          >
            <List>
              {state.recoveryCodes.map((c) => (
                <List.Item key={c}>
                  <Code>{c}</Code>
                </List.Item>
              ))}
            </List>
          </Alert>
        ) : null}
        <Group align="end">
          <TextInput
            label="Current code from your app"
            name="code"
            required
            inputMode="numeric"
            maxLength={6}
            autoComplete="one-time-code"
          />
          <Button type="submit" loading={pending} variant="outline">
            Replace recovery codes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
