"use client";
import { Alert, Button, Stack } from "@mantine/core";

/** A page that could not be built (the API down or answering an error): say so, offer to try again. */
export default function PanelError({ reset }: { error: Error; reset: () => void }) {
  return (
    <Stack maw={560}>
      <Alert variant="outline" color="red" title="This page could not be loaded" role="alert">
        The API did not answer as expected. Try again in a moment; if it keeps failing, check the API's
        health.
      </Alert>
      <Button onClick={reset} w="fit-content">
        Try again
      </Button>
    </Stack>
  );
}
