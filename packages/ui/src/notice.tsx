import { Alert } from "@mantine/core";

/** The outcome of the last action (from the URL after a redirect), announced to screen readers. */
export function Notice(props: { notice?: string | undefined; error?: string | undefined }) {
  if (props.error) {
    return (
      <Alert variant="outline" color="red" title="That did not work" role="alert" mb="md">
        {props.error}
      </Alert>
    );
  }
  if (props.notice) {
    return (
      <Alert variant="outline" color="teal" role="status" mb="md">
        {props.notice}
      </Alert>
    );
  }
  return null;
}
