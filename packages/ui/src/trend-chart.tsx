"use client";
import { AreaChart } from "@mantine/charts";
import { Paper, Text } from "@mantine/core";

/** A 30-day daily series as an area chart (Mantine charts on recharts), with a text total for screen readers. */
export function TrendChart(props: { title: string; data: { day: string; value: number }[]; color?: string }) {
  const total = props.data.reduce((sum, d) => sum + d.value, 0);
  return (
    <Paper withBorder p="md" radius="md">
      <Text fw={600} size="sm">
        {props.title}
      </Text>
      <Text size="xs" c="dimmed" mb="xs">
        {total} in 30 days
      </Text>
      <AreaChart
        h={140}
        data={props.data.map((d) => ({ day: d.day.slice(5), value: d.value }))}
        dataKey="day"
        series={[{ name: "value", label: props.title, color: props.color ?? "yellow.7" }]}
        curveType="monotone"
        withDots={false}
        gridAxis="y"
        tickLine="none"
        role="img"
        aria-label={`${props.title}: ${total} in the last 30 days`}
      />
    </Paper>
  );
}
