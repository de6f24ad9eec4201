"use client";
import { Alert, Button, Code, Image, List, Stack, Text, TextInput } from "@mantine/core";
import { useActionState } from "react";
import { type EnrolState, enrolTotp } from "@/actions/session";

/** Enrolment of an authenticator app: QR code, confirming code, then the recovery codes, shown once. */
export function EnrolTotp({ csrf }: { csrf: string }) {
  const [state, action, pending] = useActionState<EnrolState, FormData>(enrolTotp, { step: "start" });
  if (state.step === "done") {
    return (
      <Stack>
        <Alert variant="outline" color="teal" role="status" title="Authenticator app enrolled">
          Keep these recovery codes somewhere safe. Each signs you in once instead of a code. They are shown
          only now.
        </Alert>
        <List spacing={4} aria-label="Recovery codes">
          {state.recoveryCodes.map((c) => (
            <List.Item key={c}>
              <Code fz="md">{c}</Code>
            </List.Item>
          ))}
        </List>
        <Button component="a" href="/">
          Continue to the dashboard
        </Button>
      </Stack>
    );
  }
  return (
    <form action={action}>
      <input type="hidden" name="csrf" value={csrf} />
      <Stack>
        {state.error ? (
          <Alert variant="outline" color="red" role="alert">
            {state.error}
          </Alert>
        ) : null}
        {state.step === "confirm" ? (
          <>
            <Text>
              Scan this QR code with your authenticator app, or type the secret, then enter the code it shows.
            </Text>
            <Image src={state.qrCode} alt="QR code of the authenticator secret" w={200} h={200} />
            <Text size="sm">
              Secret: <Code data-testid="totp-secret">{state.secret}</Code>
            </Text>
            <TextInput
              label="Code from the app"
              name="code"
              required
              inputMode="numeric"
              pattern="\d{6}"
              maxLength={6}
              autoComplete="one-time-code"
            />
            <Button type="submit" loading={pending}>
              Confirm
            </Button>
          </>
        ) : (
          <Button type="submit" loading={pending}>
            Set up an authenticator app
          </Button>
        )}
      </Stack>
    </form>
  );
}
