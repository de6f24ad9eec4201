import { randomUUID } from "node:crypto";
import { memberships, type PropertyType, type Role, residences, sessions, users } from "@honeydue/db";
import { eq } from "drizzle-orm";
import { signAccessToken } from "../src/accounts/access-token.ts";
import type { ApiDeps } from "../src/deps.ts";

/**
 * Test fixtures written straight to the database: users with a live session and an access token,
 * residences with their owner, memberships. Fast (no password hashing) and independent of the accounts
 * routes. Use the HTTP routes for the behaviour under test, these only for the world around it.
 */

type FixtureDeps = Pick<ApiDeps, "db" | "keys">;

export interface TestUser {
  id: string;
  email: string;
  name: string;
  sessionId: string;
  token: string;
  /** Spread into `app.inject({ headers })`. */
  auth: { authorization: string };
}

let counter = 0;
/** A unique, valid email address for this process. */
export function uniqueEmail(prefix = "user"): string {
  counter += 1;
  return `${prefix}-${counter}-${randomUUID().slice(0, 8)}@example.test`;
}

/**
 * A user with a signed-in device session and a valid access token (1 hour). The password hash is a
 * placeholder, so this user cannot sign in with a password: sign up through the accounts routes for that.
 */
export async function createUser(
  deps: FixtureDeps,
  options: {
    verified?: boolean;
    name?: string;
    email?: string;
    timezone?: string;
    dueSoonDays?: number;
  } = {},
): Promise<TestUser> {
  const email = options.email ?? uniqueEmail();
  const name = options.name ?? `Test ${email.split("@")[0]}`;
  const [user] = await deps.db
    .insert(users)
    .values({
      email,
      name,
      passwordHash: "!fixture-no-password",
      emailVerifiedAt: options.verified === false ? null : new Date(),
      timezone: options.timezone ?? "UTC",
      ...(options.dueSoonDays ? { dueSoonDays: options.dueSoonDays } : {}),
    })
    .returning({ id: users.id });
  return signIn(deps, { id: user!.id, email, name });
}

/** A new device session and access token for an existing user. */
export async function signIn(
  deps: FixtureDeps,
  user: { id: string; email: string; name: string },
): Promise<TestUser> {
  const [session] = await deps.db
    .insert(sessions)
    .values({ userId: user.id, deviceName: "test", expiresAt: new Date(Date.now() + 30 * 24 * 3600 * 1000) })
    .returning({ id: sessions.id });
  const token = await signAccessToken(
    deps.keys["access-token"],
    { userId: user.id, sessionId: session!.id },
    3600,
  );
  return { ...user, sessionId: session!.id, token, auth: { authorization: `Bearer ${token}` } };
}

export interface TestResidence {
  id: string;
  name: string;
  timezone: string;
}

/** A residence with `ownerId` as its owner. */
export async function createResidence(
  deps: FixtureDeps,
  ownerId: string,
  options: { name?: string; timezone?: string; propertyType?: PropertyType } = {},
): Promise<TestResidence> {
  const [row] = await deps.db
    .insert(residences)
    .values({
      name: options.name ?? "Test House",
      timezone: options.timezone ?? "UTC",
      propertyType: options.propertyType ?? "house",
      createdBy: ownerId,
    })
    .returning({ id: residences.id, name: residences.name, timezone: residences.timezone });
  await deps.db.insert(memberships).values({ residenceId: row!.id, userId: ownerId, role: "owner" });
  return row!;
}

/** Adds (or changes) a user's membership of a residence. */
export async function addMember(
  deps: FixtureDeps,
  residenceId: string,
  userId: string,
  role: Role = "member",
): Promise<void> {
  await deps.db
    .insert(memberships)
    .values({ residenceId, userId, role })
    .onConflictDoUpdate({ target: [memberships.residenceId, memberships.userId], set: { role } });
}

/** Who has which role in a residence, read straight from the database: `{ [userId]: role }`. */
export async function rolesIn(deps: Pick<ApiDeps, "db">, residenceId: string): Promise<Record<string, Role>> {
  const rows = await deps.db
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.residenceId, residenceId));
  return Object.fromEntries(rows.map((r) => [r.userId, r.role]));
}

export interface Household {
  residence: TestResidence;
  owner: TestUser;
  member: TestUser;
  viewer: TestUser;
}

/** A residence with one owner, one member and one viewer, each signed in. */
export async function createHousehold(
  deps: FixtureDeps,
  options: { name?: string; timezone?: string; propertyType?: PropertyType } = {},
): Promise<Household> {
  const [owner, member, viewer] = await Promise.all([
    createUser(deps, { name: "Olivia Owner" }),
    createUser(deps, { name: "Mark Member" }),
    createUser(deps, { name: "Vera Viewer" }),
  ]);
  const residence = await createResidence(deps, owner.id, options);
  await addMember(deps, residence.id, member.id, "member");
  await addMember(deps, residence.id, viewer.id, "viewer");
  return { residence, owner, member, viewer };
}
