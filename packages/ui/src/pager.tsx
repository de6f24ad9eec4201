import { Anchor, Group, Text } from "@mantine/core";

/**
 * Previous/next links for a paged list. Links keep the other query parameters (filters), so every page of
 * a filtered list has a URL that can be shared.
 */
export function Pager(props: {
  page: number;
  pageSize: number;
  total: number;
  path: string;
  query: Record<string, string | undefined>;
}) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const href = (page: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(props.query)) if (v && k !== "page") params.set(k, v);
    if (page > 1) params.set("page", String(page));
    const qs = params.toString();
    return qs ? `${props.path}?${qs}` : props.path;
  };
  return (
    <Group justify="space-between" mt="md" component="nav" aria-label="Pages">
      <Text size="sm" c="dimmed">
        {props.total} in all · page {Math.min(props.page, pages)} of {pages}
      </Text>
      <Group gap="md">
        {props.page > 1 ? <Anchor href={href(props.page - 1)}>← Previous</Anchor> : null}
        {props.page < pages ? <Anchor href={href(props.page + 1)}>Next →</Anchor> : null}
      </Group>
    </Group>
  );
}
