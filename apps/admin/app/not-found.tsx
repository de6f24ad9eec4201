import { Anchor, Container, Text, Title } from "@mantine/core";

export default function NotFound() {
  return (
    <Container size={520} py={60} component="main">
      <Title order={1} size="h2">
        Not found
      </Title>
      <Text my="md">There is nothing here: it may have been deleted, or the link is wrong.</Text>
      <Anchor href="/">Back to the dashboard</Anchor>
    </Container>
  );
}
