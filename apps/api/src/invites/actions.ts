import { createHash, randomBytes, randomInt } from "node:crypto";
import {
  type Database,
  invites,
  memberships,
  type Queryable,
  type Role,
  residences,
  shareCodes,
  users,
} from "@honeydue/db";
import { enqueueJob } from "@honeydue/jobs";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Principal } from "../http/auth.ts";
import { conflict, HttpProblem, notFound } from "../http/problem.ts";
import { requireMembership } from "../residences/access.ts";
import { recordActivity } from "../residences/activity.ts";
import { loadResidence, type ResidenceView } from "../residences/presenter.ts";
import { lockResidence } from "../residences/queries.ts";
import { notifyInviteAccepted } from "./notifications.ts";

export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;
/** Invitation emails a residence may send per 24 hours: enough for any household, too few for spam. */
export const INVITES_PER_DAY = 20;
export const SHARE_CODE_TTL_MS = 48 * 3600 * 1000;
/** 31 characters: digits and capitals without 0/O, 1/I/L. 31^8 ≈ 8.5e11 codes. */
export const SHARE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const SHARE_CODE_LENGTH = 8;

export const hashToken = (token: string) => createHash("sha256").update(token).digest();

const gone = (detail: string) =>
  new HttpProblem({ status: 410, title: "Gone", type: "invite-unavailable", detail });

export interface InviteView {
  id: string;
  email: string;
  role: Role;
  invitedBy: { id: string; name: string } | null;
  expiresAt: string;
  createdAt: string;
}

const inviteSelection = {
  id: invites.id,
  email: invites.email,
  role: invites.role,
  invitedById: invites.invitedBy,
  invitedByName: users.name,
  expiresAt: invites.expiresAt,
  createdAt: invites.createdAt,
};

function toInvite(row: {
  id: string;
  email: string;
  role: Role;
  invitedById: string | null;
  invitedByName: string | null;
  expiresAt: Date;
  createdAt: Date;
}): InviteView {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    invitedBy:
      row.invitedById && row.invitedByName !== null ? { id: row.invitedById, name: row.invitedByName } : null,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

const pending = (residenceId: string) =>
  and(
    eq(invites.residenceId, residenceId),
    isNull(invites.acceptedAt),
    isNull(invites.revokedAt),
    gt(invites.expiresAt, sql`now()`),
  );

/**
 * Invites someone by email (owners, verified only). The token is mailed through the outbox and stored only
 * as its SHA-256 hash. Inviting an address that already has a pending invite replaces that invite.
 */
export async function createInvite(
  db: Database,
  residenceId: string,
  inviter: Principal,
  input: { email: string; role: Role },
): Promise<InviteView> {
  await requireMembership(db, residenceId, inviter.userId, "owner");
  if (!inviter.emailVerified) {
    throw new HttpProblem({
      status: 403,
      type: "email-not-verified",
      title: "Email address not verified",
      detail: "Verify your email address before inviting others to a residence",
    });
  }
  const email = input.email.trim();
  // The link is minted when the email is sent (see the invite email); until then the row holds the hash
  // of a secret nobody has.
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
  const invite = await db.transaction(async (tx) => {
    await lockResidence(tx, residenceId);
    await requireMembership(tx, residenceId, inviter.userId, "owner");
    const [residence] = await tx
      .select({ name: residences.name, timezone: residences.timezone, inviterName: users.name })
      .from(residences)
      .innerJoin(users, eq(users.id, inviter.userId))
      .where(eq(residences.id, residenceId));
    const [invitee] = await tx
      .select({ id: users.id, memberRole: memberships.role })
      .from(users)
      .leftJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.residenceId, residenceId)))
      .where(sql`lower(${users.email}) = lower(${email})`)
      .limit(1);
    if (invitee?.memberRole) throw conflict("This person is already a member of the residence");
    const [recent] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(invites)
      .where(and(eq(invites.residenceId, residenceId), gt(invites.createdAt, sql`now() - interval '1 day'`)));
    if (Number(recent?.n ?? 0) >= INVITES_PER_DAY) {
      throw new HttpProblem({
        status: 429,
        title: "Too many requests",
        detail: `A residence can send ${INVITES_PER_DAY} invitations a day; try again tomorrow, or share a code instead`,
        headers: { "retry-after": "3600" },
      });
    }
    // A new invite to the same address replaces the pending one (a "resend" with a fresh link).
    await tx
      .update(invites)
      .set({ revokedAt: new Date() })
      .where(and(pending(residenceId), sql`lower(${invites.email}) = lower(${email})`));
    const [row] = await tx
      .insert(invites)
      .values({
        residenceId,
        email,
        role: input.role,
        tokenHash: hashToken(token),
        invitedBy: inviter.userId,
        expiresAt,
      })
      .returning({ id: invites.id, createdAt: invites.createdAt });
    await enqueueJob(tx, "email.send", { template: "invite", inviteId: row!.id });
    await recordActivity(tx, {
      residenceId,
      actorId: inviter.userId,
      action: "member.invited",
      subjectType: "invite",
      subjectId: row!.id,
      data: { email, role: input.role },
    });
    return toInvite({
      id: row!.id,
      email,
      role: input.role,
      invitedById: inviter.userId,
      invitedByName: residence!.inviterName,
      expiresAt,
      createdAt: row!.createdAt,
    });
  });
  return invite;
}

/** Pending invites of a residence (not accepted, revoked or expired), newest first. */
export async function listInvites(db: Queryable, residenceId: string): Promise<InviteView[]> {
  const rows = await db
    .select(inviteSelection)
    .from(invites)
    .leftJoin(users, eq(users.id, invites.invitedBy))
    .where(pending(residenceId))
    .orderBy(sql`${invites.createdAt} DESC`, invites.id);
  return rows.map(toInvite);
}

/** Revokes a pending invite (owners); its link stops working. */
export async function revokeInvite(db: Database, residenceId: string, actorId: string, inviteId: string) {
  await requireMembership(db, residenceId, actorId, "owner");
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(invites)
      .set({ revokedAt: new Date() })
      .where(and(eq(invites.id, inviteId), pending(residenceId)))
      .returning({ email: invites.email });
    if (!row) throw notFound("Invite");
    await recordActivity(tx, {
      residenceId,
      actorId,
      action: "invite.revoked",
      subjectType: "invite",
      subjectId: inviteId,
      data: { email: row.email },
    });
  });
}

/** What an invitation link leads to; 404 for an unknown token, 410 when it can no longer be used. */
export async function previewInvite(db: Queryable, token: string) {
  const [row] = await db
    .select({
      residenceName: residences.name,
      inviterName: users.name,
      email: invites.email,
      role: invites.role,
      expiresAt: invites.expiresAt,
      acceptedAt: invites.acceptedAt,
      revokedAt: invites.revokedAt,
    })
    .from(invites)
    .innerJoin(residences, eq(residences.id, invites.residenceId))
    .leftJoin(users, eq(users.id, invites.invitedBy))
    .where(eq(invites.tokenHash, hashToken(token)))
    .limit(1);
  if (!row) throw notFound("Invite");
  assertUsable(row);
  return {
    residenceName: row.residenceName,
    inviterName: row.inviterName,
    email: row.email,
    role: row.role,
    expiresAt: row.expiresAt.toISOString(),
  };
}

function assertUsable(row: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }) {
  if (row.acceptedAt) throw gone("This invitation has already been used");
  if (row.revokedAt) throw gone("This invitation was withdrawn; ask for a new one");
  if (row.expiresAt.getTime() <= Date.now()) throw gone("This invitation has expired; ask for a new one");
}

/** Adds the user to a residence in one transaction with its activity entry; 409 when already a member. */
async function join(
  tx: Queryable,
  residenceId: string,
  userId: string,
  role: Role,
  via: Record<string, unknown>,
): Promise<void> {
  const inserted = await tx
    .insert(memberships)
    .values({ residenceId, userId, role })
    .onConflictDoNothing()
    .returning({ userId: memberships.userId });
  if (inserted.length === 0) throw conflict("You are already a member of this residence");
  const [user] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
  await recordActivity(tx, {
    residenceId,
    actorId: userId,
    action: "member.joined",
    subjectType: "member",
    subjectId: userId,
    data: { name: user?.name ?? null, role, ...via },
  });
}

/**
 * Accepts an invitation. The rule: any signed-in user holding the link may accept it, whatever their
 * account's email address (people often sign up with another address than the one they were invited at).
 * The link is the credential: single-use, 7 days, revocable, and the join shows in the activity feed.
 */
export async function acceptInvite(db: Database, token: string, userId: string): Promise<ResidenceView> {
  const hash = hashToken(token);
  const [found] = await db
    .select({ residenceId: invites.residenceId })
    .from(invites)
    .where(eq(invites.tokenHash, hash))
    .limit(1);
  if (!found) throw notFound("Invite");
  return db.transaction(async (tx) => {
    // Same lock order as every membership change: the residence first, then the invite.
    await lockResidence(tx, found.residenceId);
    const [invite] = await tx
      .select()
      .from(invites)
      .where(eq(invites.tokenHash, hash))
      .limit(1)
      .for("update");
    if (!invite) throw notFound("Invite");
    assertUsable(invite);
    await join(tx, invite.residenceId, userId, invite.role, {
      via: "invite",
      inviteId: invite.id,
      email: invite.email,
    });
    await tx
      .update(invites)
      .set({ acceptedAt: new Date(), acceptedBy: userId })
      .where(eq(invites.id, invite.id));
    const residence = await loadResidence(tx, invite.residenceId, userId);
    const [member] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId)).limit(1);
    // The inviter hears that their invitation was taken up (in-app, and a push when enabled).
    await notifyInviteAccepted(tx, {
      inviteId: invite.id,
      residenceId: invite.residenceId,
      residenceName: residence.name,
      invitedBy: invite.invitedBy,
      memberName: member?.name ?? "Someone",
    });
    return residence;
  });
}

/** Normalises what a person typed: case, spaces and dashes do not matter. */
export function normaliseShareCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "");
}

function newShareCode(): string {
  let code = "";
  for (let i = 0; i < SHARE_CODE_LENGTH; i++)
    code += SHARE_CODE_ALPHABET[randomInt(SHARE_CODE_ALPHABET.length)];
  return code;
}

/**
 * A new share code (owners), valid 48 hours for anyone who has it. It replaces the residence's earlier
 * codes for the same role.
 */
export async function createShareCode(
  db: Database,
  residenceId: string,
  actorId: string,
  role: "member" | "viewer",
) {
  await requireMembership(db, residenceId, actorId, "owner");
  return db.transaction(async (tx) => {
    await lockResidence(tx, residenceId);
    await requireMembership(tx, residenceId, actorId, "owner");
    await tx
      .update(shareCodes)
      .set({ revokedAt: new Date() })
      .where(
        and(eq(shareCodes.residenceId, residenceId), eq(shareCodes.role, role), isNull(shareCodes.revokedAt)),
      );
    const expiresAt = new Date(Date.now() + SHARE_CODE_TTL_MS);
    for (let attempt = 0; attempt < 5; attempt++) {
      const [row] = await tx
        .insert(shareCodes)
        .values({ residenceId, code: newShareCode(), role, createdBy: actorId, expiresAt })
        .onConflictDoNothing()
        .returning();
      if (!row) continue;
      await recordActivity(tx, {
        residenceId,
        actorId,
        action: "shareCode.created",
        subjectType: "shareCode",
        subjectId: row.id,
        data: { role },
      });
      return presentShareCode(row);
    }
    throw new Error("could not find a free share code in 5 attempts");
  });
}

/** A share code as the API shows it (to owners only: the code is the credential). */
function presentShareCode(row: {
  code: string;
  role: "member" | "viewer";
  expiresAt: Date;
  createdAt: Date;
}) {
  return {
    code: row.code,
    role: row.role,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * The residence's share codes that work now (owners): not turned off, not expired; at most one per role,
 * since a new code replaces the earlier one for its role. Newest first.
 */
export async function listShareCodes(db: Database, residenceId: string, actorId: string) {
  await requireMembership(db, residenceId, actorId, "owner");
  const rows = await db
    .select()
    .from(shareCodes)
    .where(
      and(
        eq(shareCodes.residenceId, residenceId),
        isNull(shareCodes.revokedAt),
        gt(shareCodes.expiresAt, new Date()),
      ),
    )
    .orderBy(sql`${shareCodes.createdAt} DESC`);
  return rows.map(presentShareCode);
}

/** Revokes every share code of a residence (owners). */
export async function revokeShareCodes(db: Database, residenceId: string, actorId: string): Promise<void> {
  await requireMembership(db, residenceId, actorId, "owner");
  await db.transaction(async (tx) => {
    const revoked = await tx
      .update(shareCodes)
      .set({ revokedAt: new Date() })
      .where(and(eq(shareCodes.residenceId, residenceId), isNull(shareCodes.revokedAt)))
      .returning({ id: shareCodes.id });
    if (revoked.length > 0) {
      await recordActivity(tx, {
        residenceId,
        actorId,
        action: "shareCode.revoked",
        subjectType: "residence",
        subjectId: residenceId,
      });
    }
  });
}

/**
 * Joins a residence with a share code. Unknown, expired and revoked codes all answer the same 404, so the
 * answer tells a guesser nothing.
 */
export async function joinWithShareCode(db: Database, input: string, userId: string): Promise<ResidenceView> {
  const code = normaliseShareCode(input);
  const invalid = () => notFound("Share code");
  if (code.length !== SHARE_CODE_LENGTH || [...code].some((c) => !SHARE_CODE_ALPHABET.includes(c)))
    throw invalid();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(shareCodes)
      .where(
        and(eq(shareCodes.code, code), isNull(shareCodes.revokedAt), gt(shareCodes.expiresAt, sql`now()`)),
      )
      .limit(1);
    if (!row) throw invalid();
    await lockResidence(tx, row.residenceId);
    await join(tx, row.residenceId, userId, row.role, { via: "shareCode" });
    return loadResidence(tx, row.residenceId, userId);
  });
}
