import { queryRows, warrantyReminders } from "@honeydue/db";
import { sql } from "drizzle-orm";
import { remind } from "../push/notify.ts";
import type { ReminderDeps } from "./digest.ts";

interface ExpiringDocument extends Record<string, unknown> {
  id: string;
  title: string;
  expires_on: string;
  residence_id: string;
  residence: string;
  days_left: number;
}

/**
 * Warranty reminders, 30 and 7 days before a warranty document's expiry date (in its residence's timezone).
 * Each (document, 30|7, expiry date) is recorded once, so a tick that runs twice or late sends each
 * reminder once; a warranty added with 10 days left gets only the 7-day one; a changed expiry date counts
 * anew. Every member gets an in-app notification, and those with reminder emails on an email.
 */
export async function runWarrantyTick(deps: ReminderDeps, at: Date): Promise<{ reminders: number }> {
  const iso = at.toISOString();
  const docs = await queryRows<ExpiringDocument>(
    deps.db,
    sql`
    SELECT d.id, d.title, d.expires_on::text AS expires_on, d.residence_id, r.name AS residence,
           (d.expires_on - (${iso}::timestamptz AT TIME ZONE r.timezone)::date) AS days_left
    FROM documents d JOIN residences r ON r.id = d.residence_id
    WHERE d.kind = 'warranty' AND d.expires_on IS NOT NULL
      AND d.expires_on >= (${iso}::timestamptz AT TIME ZONE r.timezone)::date
      AND d.expires_on <= (${iso}::timestamptz AT TIME ZONE r.timezone)::date + 30
      AND NOT EXISTS (
        SELECT 1 FROM warranty_reminders w
        WHERE w.document_id = d.id AND w.expires_on = d.expires_on
          AND w.days_before = CASE WHEN d.expires_on - (${iso}::timestamptz AT TIME ZONE r.timezone)::date <= 7 THEN 7 ELSE 30 END
      )
  `,
  );

  let reminders = 0;
  for (const doc of docs) {
    const daysBefore = doc.days_left <= 7 ? 7 : 30;
    await deps.db.transaction(async (tx) => {
      const claimed = await tx
        .insert(warrantyReminders)
        .values({ documentId: doc.id, daysBefore, expiresOn: doc.expires_on })
        .onConflictDoNothing()
        .returning({ id: warrantyReminders.documentId });
      if (claimed.length === 0) return;
      const members = await queryRows<{
        id: string;
        email: string;
        name: string;
        digest_enabled: boolean;
        verified: boolean;
      }>(
        tx,
        sql`
        SELECT u.id, u.email, u.name, u.digest_enabled, u.email_verified_at IS NOT NULL AS verified
        FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.residence_id = ${doc.residence_id} AND u.disabled_at IS NULL
      `,
      );
      const days = doc.days_left === 1 ? "1 day" : `${doc.days_left} days`;
      for (const member of members) {
        await remind(
          tx,
          member,
          {
            kind: "warranty.expiring",
            title: `The warranty “${doc.title}” expires in ${days}`,
            body: `${doc.residence}: expires on ${doc.expires_on}`,
            residenceId: doc.residence_id,
            subjectType: "document",
            subjectId: doc.id,
            dedupeKey: `warranty.expiring:${doc.id}:${daysBefore}:${doc.expires_on}`,
          },
          {
            template: "warranty-expiring",
            userId: member.id,
            documentTitle: doc.title,
            residenceName: doc.residence,
            expiresOn: doc.expires_on,
            daysLeft: doc.days_left,
            residenceId: doc.residence_id,
            documentId: doc.id,
          },
        );
      }
      reminders++;
    });
  }
  if (reminders) deps.notifyOutbox?.();
  deps.log.info({ at: iso, reminders }, "warranty tick");
  return { reminders };
}
