import {
  type Database,
  emailMessages,
  memberships,
  type Role,
  residences,
  type Transaction,
  users,
} from "@honeydue/db";
import { and, asc, eq } from "drizzle-orm";
import Type from "typebox";
import { tooManyRequests } from "../accounts/actions.ts";
import { deviceOf } from "../accounts/device.ts";
import { verifyPassword } from "../accounts/passwords.ts";
import type { LoginThrottle } from "../accounts/throttle.ts";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { HttpProblem, unauthorized } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { NoContent } from "../http/schemas.ts";
import { recordActivity } from "../residences/activity.ts";
import { residenceMembers } from "../residences/queries.ts";

/**
 * DELETE /v1/me — deleting an account, in one transaction, residence by residence:
 *
 * - a residence with nobody else in it is deleted with everything in it (tasks, completions, contractors,
 *   documents, files — their stored objects are removed through the outbox by the files trigger);
 * - a residence with another owner survives; only the membership goes;
 * - a residence where the user is the only owner but others remain survives too: the longest-standing
 *   remaining member (role member before viewer, then earliest joined) becomes its owner. Refusing with a
 *   409 until the user hands ownership over would let an account holder be kept from deleting their data,
 *   and deleting the residence would destroy the other members' list; promotion keeps both promises.
 *
 * Then the user row goes, and with it (ON DELETE CASCADE) every session, refresh token, one-time token,
 * calendar feed and device; what the household keeps (tasks created, completions logged, activity) stays
 * with the author set to null. The address on the user's email delivery records is blanked. Each residence
 * is locked (the row lock `lockResidence` and role changes take) in id order, so two owners deleting their
 * accounts at once cannot leave a residence without an owner.
 */

export interface AccountDeletionSummary {
  deletedResidenceIds: string[];
  leftResidenceIds: string[];
  promoted: { residenceId: string; userId: string; from: Role }[];
}

const PROMOTION_ORDER: Record<Role, number> = { owner: 0, member: 1, viewer: 2 };

export async function deleteAccount(tx: Transaction, userId: string): Promise<AccountDeletionSummary> {
  const summary: AccountDeletionSummary = { deletedResidenceIds: [], leftResidenceIds: [], promoted: [] };
  const mine = await tx
    .select({ residenceId: memberships.residenceId })
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.residenceId));
  for (const { residenceId } of mine) {
    // The same row lock as role changes and member removal (residences/queries.ts lockResidence); a
    // residence deleted meanwhile by its other owner is simply gone.
    const [locked] = await tx
      .select({ id: residences.id })
      .from(residences)
      .where(eq(residences.id, residenceId))
      .for("update");
    if (!locked) continue;
    const members = await residenceMembers(tx, [residenceId]);
    const me = members.find((m) => m.userId === userId);
    if (!me) continue;
    const others = members.filter((m) => m.userId !== userId);
    if (others.length === 0) {
      await tx.delete(residences).where(eq(residences.id, residenceId));
      summary.deletedResidenceIds.push(residenceId);
      continue;
    }
    if (me.role === "owner" && !others.some((m) => m.role === "owner")) {
      const heir = [...others].sort((a, b) => PROMOTION_ORDER[a.role] - PROMOTION_ORDER[b.role])[0]!;
      await tx
        .update(memberships)
        .set({ role: "owner" })
        .where(and(eq(memberships.residenceId, residenceId), eq(memberships.userId, heir.userId)));
      await recordActivity(tx, {
        residenceId,
        actorId: null,
        action: "member.roleChanged",
        subjectType: "member",
        subjectId: heir.userId,
        data: { name: heir.name, from: heir.role, to: "owner", reason: "lastOwnerDeletedAccount" },
      });
      summary.promoted.push({ residenceId, userId: heir.userId, from: heir.role });
    }
    await recordActivity(tx, {
      residenceId,
      actorId: null,
      action: "member.left",
      subjectType: "member",
      subjectId: userId,
      data: { name: me.name, role: me.role, reason: "accountDeleted" },
    });
    summary.leftResidenceIds.push(residenceId);
  }
  await tx
    .update(emailMessages)
    .set({ toAddress: "(deleted account)" })
    .where(eq(emailMessages.userId, userId));
  await tx.delete(users).where(eq(users.id, userId));
  return summary;
}

export function registerDeleteAccountRoutes(
  app: App,
  deps: {
    db: Database;
    /** The sign-in throttle: wrong passwords here count towards the same per-account and per-IP limits. */
    throttle: LoginThrottle;
    notifyOutbox: () => void;
    auth: AuthGuard;
  },
) {
  const { db, auth, throttle } = deps;

  app.delete(
    "/v1/me",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags: ["me"],
        summary: "Delete my account (confirm with the password)",
        description:
          "Residences with nobody else are deleted with everything in them. Residences with another owner " +
          "keep going without me. Where I am the only owner but others remain, the longest-standing member " +
          "(members before viewers) becomes the owner. Every session ends. A wrong password answers 403 " +
          "and changes nothing; repeated wrong passwords answer 429.",
        body: Type.Object(
          { password: Type.String({ minLength: 1, maxLength: 1024 }) },
          { additionalProperties: false },
        ),
        response: { 204: NoContent, ...problems(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const me = principal(request);
      const device = deviceOf(request);
      // The sign-in budget, counted before the password is checked (LoginThrottle).
      const wait = await throttle.attempt(me.email, device.ip);
      if (wait > 0) throw tooManyRequests("Too many wrong passwords; try again later", wait);
      const [user] = await db
        .select({ passwordHash: users.passwordHash })
        .from(users)
        .where(eq(users.id, me.userId))
        .limit(1);
      if (!user) throw unauthorized();
      if (!(await verifyPassword(request.body.password, user.passwordHash))) {
        throw new HttpProblem({
          status: 403,
          type: "wrong-password",
          title: "Wrong password",
          detail: "The password is not correct; nothing was deleted",
        });
      }
      await throttle.recordSuccess(me.email, device.ip);
      const summary = await db.transaction((tx) => deleteAccount(tx, me.userId));
      deps.notifyOutbox();
      request.log.info(
        {
          userId: me.userId,
          residencesDeleted: summary.deletedResidenceIds.length,
          residencesLeft: summary.leftResidenceIds.length,
          ownersPromoted: summary.promoted.length,
        },
        "account deleted",
      );
      return reply.status(204).send(null);
    },
  );
}
