import { Anchor, Badge, Box, Button, Container, Group, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { signOut } from "@/actions/session";
import type { SessionShape } from "@/lib/api";
import { Csrf } from "./csrf";

const NAV = [
  ["/", "Dashboard"],
  ["/users", "Users"],
  ["/residences", "Residences"],
  ["/templates", "Templates"],
  ["/jobs", "Jobs"],
  ["/emails", "Emails"],
  ["/audit", "Audit log"],
] as const;

/** The frame of every signed-in page: skip link, navigation, who is signed in, sign out. */
export function Shell({ session, children }: { session: SessionShape; children: ReactNode }) {
  const nav = session.admin.role === "superadmin" ? [...NAV, ["/admins", "Admins"] as const] : NAV;
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Box
        component="header"
        bg="yellow.1"
        py="sm"
        style={{ borderBottom: "1px solid var(--mantine-color-yellow-3)" }}
      >
        <Container size="xl">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Group gap="lg" wrap="wrap">
              <Text fw={800} c="dark">
                honeyDue admin
              </Text>
              <Group component="nav" aria-label="Main" gap="md" wrap="wrap">
                {nav.map(([href, label]) => (
                  <Anchor key={href} href={href} c="dark" fw={500} size="sm">
                    {label}
                  </Anchor>
                ))}
              </Group>
            </Group>
            <Group gap="xs">
              <Anchor href="/account" size="sm" c="dark">
                {session.admin.email}
              </Anchor>
              <Badge variant="outline" color={session.admin.role === "superadmin" ? "grape" : "blue"}>
                {session.admin.role}
              </Badge>
              <form action={signOut}>
                <Csrf token={session.csrfToken} />
                <Button type="submit" variant="subtle" size="xs" color="dark">
                  Sign out
                </Button>
              </form>
            </Group>
          </Group>
        </Container>
      </Box>
      <Container size="xl" py="lg" component="main" id="main">
        {children}
      </Container>
    </>
  );
}
