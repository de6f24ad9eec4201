import { type Database, devices, pushDeliveries, users } from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import { createPushProviders, type PushProviders } from "@honeydue/push";
import { and, eq, inArray } from "drizzle-orm";
import type { Static } from "typebox";
import type { HandlersOf, JobContext } from "../../runtime/definition.ts";
import type { PUSH_JOBS, PushSendPayload } from "./definitions.ts";

export interface PushDeps {
  db: Database;
  log: Logger;
  push: PushProviders;
  metrics?: PushMetrics;
}

/** pushes_total by platform and outcome. */
export interface PushMetrics {
  recordPush(platform: string, outcome: "sent" | "failed" | "skipped"): void;
}

const PUSH_OFF = createPushProviders({
  enabled: false,
  apns: { teamId: "", keyId: "", privateKey: "", bundleId: "", url: "" },
  fcm: { serviceAccount: { projectId: "", clientEmail: "", privateKey: "", tokenUri: "" }, url: "" },
});

/** `push.send`; without providers (the API's embedded mode) push is off and no connection is ever made. */
export function createPushHandlers(
  deps: Omit<PushDeps, "push"> & { push?: PushProviders | undefined },
): HandlersOf<typeof PUSH_JOBS> {
  const push = deps.push ?? PUSH_OFF;
  return {
    "push.send": (payload, context) =>
      sendPushJob(
        { db: deps.db, log: deps.log, push, ...(deps.metrics ? { metrics: deps.metrics } : {}) },
        payload,
        context,
      ),
  };
}

type PushJob = Static<typeof PushSendPayload>;

/**
 * Pushes one message to every device of a user, at most once per (job, device): each delivery is claimed in
 * `push_deliveries` before it is sent, so a retried or re-delivered job skips the devices already done.
 * A token the provider reports gone (APNs 410 / BadDeviceToken, FCM UNREGISTERED) removes the device.
 * While push is disabled nothing is attempted and each skipped device is counted.
 */
export async function sendPushJob(deps: PushDeps, job: PushJob, context: JobContext): Promise<void> {
  const [user] = await deps.db
    .select({ pushEnabled: users.pushEnabled, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, job.userId));
  if (!user?.pushEnabled || user.disabledAt) return;
  const targets = await deps.db.select().from(devices).where(eq(devices.userId, job.userId));
  if (!deps.push.enabled) {
    for (const device of targets) deps.metrics?.recordPush(device.platform, "skipped");
    if (targets.length) deps.log.debug({ devices: targets.length }, "push disabled; skipped");
    return;
  }
  let retry: string | undefined;
  for (const device of targets) {
    const claimed = await deps.db
      .insert(pushDeliveries)
      .values({
        jobId: context.jobId,
        deviceId: device.id,
        userId: job.userId,
        platform: device.platform,
        kind: job.kind,
        status: "sending",
      })
      .onConflictDoUpdate({
        target: [pushDeliveries.jobId, pushDeliveries.deviceId],
        set: { status: "sending", error: null },
        setWhere: inArray(pushDeliveries.status, ["sending", "failed"]),
      })
      .returning({ id: pushDeliveries.id });
    if (claimed.length === 0) continue;
    const rowId = claimed[0]!.id;
    const client = device.platform === "ios" ? deps.push.ios : deps.push.android;
    const result = await client.send(device.token, {
      title: job.title,
      body: job.body,
      data: job.data ?? {},
      threadId: job.kind,
    });
    if (result.status === "sent") {
      await deps.db
        .update(pushDeliveries)
        .set({ status: "sent", sentAt: new Date() })
        .where(eq(pushDeliveries.id, rowId));
      deps.metrics?.recordPush(device.platform, "sent");
    } else if (result.status === "gone") {
      await deps.db.transaction(async (tx) => {
        await tx
          .update(pushDeliveries)
          .set({ status: "gone", error: result.reason })
          .where(eq(pushDeliveries.id, rowId));
        await tx.delete(devices).where(and(eq(devices.id, device.id), eq(devices.token, device.token)));
      });
      deps.metrics?.recordPush(device.platform, "failed");
      deps.log.info(
        { deviceId: device.id, platform: device.platform, reason: result.reason },
        "push token gone; device removed",
      );
    } else {
      await deps.db
        .update(pushDeliveries)
        .set({ status: "failed", error: result.reason.slice(0, 500) })
        .where(eq(pushDeliveries.id, rowId));
      deps.metrics?.recordPush(device.platform, "failed");
      if (result.retry) retry = result.reason;
      else deps.log.warn({ deviceId: device.id, reason: result.reason }, "push rejected");
    }
  }
  // Devices that failed temporarily are tried again by the job's retry; the ones done are skipped then.
  if (retry) throw new Error(`push failed, will retry: ${retry}`);
}
