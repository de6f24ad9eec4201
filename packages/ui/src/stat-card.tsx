import { Paper, Text } from "@mantine/core";

export function StatCard(props: { label: string; value: number | string; hint?: string }) {
  return (
    <Paper withBorder p="md" radius="md" role="group" aria-label={props.label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {props.label}
      </Text>
      <Text fz={28} fw={700}>
        {props.value}
      </Text>
      {props.hint ? (
        <Text size="xs" c="dimmed">
          {props.hint}
        </Text>
      ) : null}
    </Paper>
  );
}
