import { invites, type Queryable, residences, users, userTokens } from "@honeydue/db";
import { codeHmac, hashToken, randomCode, randomToken } from "@honeydue/domain/tokens";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { EmailLoadContext } from "./template.ts";
import { unsubscribeUrl } from "./unsubscribe.ts";

/** The recipient of a user's email: an account that still exists and is not disabled. */
export async function loadRecipient(db: Queryable, userId: string) {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)));
  return user;
}

/** The reminder emails' one-click unsubscribe link (RFC 8058), signed at send time. */
export function reminderUnsubscribeUrl(context: EmailLoadContext, userId: string): string {
  return unsubscribeUrl(context.publicApiUrl, context.keys["unsubscribe-link"], userId);
}

/**
 * Mints the token (and code) a verification or reset email carries: the token row written with the
 * request holds the hash of a throwaway secret, replaced here by the hash of the token mailed. A row that
 * was used, replaced by a newer one or expired meanwhile mints nothing (null): the email is skipped. A
 * retried send mints again, so only the link of the message last sent works.
 */
export async function mintUserToken(
  context: EmailLoadContext,
  tokenId: string,
  expected: { userId: string; purpose: "verify_email" | "reset_password"; withCode: boolean },
): Promise<{ token: string; code?: string } | null> {
  const token = randomToken();
  const code = expected.withCode ? randomCode() : undefined;
  const minted = await context.db
    .update(userTokens)
    .set({
      tokenHash: hashToken(token),
      ...(code
        ? { codeHash: codeHmac(context.keys["verification-code"].current.key, expected.userId, code) }
        : {}),
    })
    .where(
      and(
        eq(userTokens.id, tokenId),
        eq(userTokens.userId, expected.userId),
        eq(userTokens.purpose, expected.purpose),
        isNull(userTokens.usedAt),
        gt(userTokens.expiresAt, sql`now()`),
      ),
    )
    .returning({ id: userTokens.id });
  if (minted.length === 0) return null;
  return code ? { token, code } : { token };
}

/** Mints an invitation's link token at send time (see mintUserToken); null once it is no longer pending. */
export async function mintInviteToken(context: EmailLoadContext, inviteId: string) {
  const token = randomToken();
  const [invite] = await context.db
    .update(invites)
    .set({ tokenHash: hashToken(token) })
    .where(
      and(
        eq(invites.id, inviteId),
        isNull(invites.acceptedAt),
        isNull(invites.revokedAt),
        gt(invites.expiresAt, sql`now()`),
      ),
    )
    .returning({
      email: invites.email,
      role: invites.role,
      expiresAt: invites.expiresAt,
      residenceId: invites.residenceId,
      invitedBy: invites.invitedBy,
    });
  if (!invite) return null;
  const [residence] = await context.db
    .select({ name: residences.name, timezone: residences.timezone })
    .from(residences)
    .where(eq(residences.id, invite.residenceId));
  return residence ? { token, invite, residence } : null;
}
