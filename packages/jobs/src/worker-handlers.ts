import type { PurposeKeys, RecallSettings } from "@honeydue/config";
import type { Database } from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import { createPushProviders, type PushProviders } from "@honeydue/push";
import { runEscalationTick } from "./escalation.ts";
import { runHousekeeping } from "./housekeeping.ts";
import { sendPushJob } from "./push-handler.ts";
import type { Queues } from "./runtime/queues.ts";
import { runRecallCheck } from "./recalls/check.ts";
import { createCpscSource } from "./recalls/sources.ts";
import type { JobHandler } from "./runtime/registry.ts";
import { runDigestTick, runWarrantyTick, tickInstant } from "./reminders.ts";

/** What the reminder, push and housekeeping handlers need besides the database and the logger. */
export interface WorkerHandlerDeps {
  /** Signs unsubscribe links (`deriveKeyRing(settings.authSecrets)["unsubscribe-link"]`). */
  unsubscribeKeys: PurposeKeys | undefined;
  publicApiUrl: string;
  publicWebUrl: string;
  /** Default: push disabled (no connection is ever made). */
  push?: PushProviders;
  metrics?: {
    recordPush(platform: string, outcome: "sent" | "failed" | "skipped"): void;
    recordRecallCheck(source: string, outcome: "succeeded" | "failed"): void;
    recordRecallMatches(count: number): void;
  };
  /** Recall checks (RECALLS_* settings). Default: off. */
  recalls?: RecallSettings;
  outboxRetentionDays?: number;
  failedJobRetentionDays?: number;
  /** The worker's BullMQ queues (housekeeping cleans their failed jobs); absent in embedded mode. */
  queues?: Queues;
  /** After a handler wrote outbox rows (kicks the relay or the embedded runner). */
  notifyOutbox?: () => void;
}

const PUSH_OFF = createPushProviders({
  enabled: false,
  apns: { teamId: "", keyId: "", privateKey: "", bundleId: "", url: "" },
  fcm: { serviceAccount: { projectId: "", clientEmail: "", privateKey: "", tokenUri: "" }, url: "" },
});

export function createWorkerHandlers(deps: { db: Database; log: Logger } & WorkerHandlerDeps) {
  const configured = () => {
    const unsubscribeKeys = deps.unsubscribeKeys;
    if (!unsubscribeKeys)
      throw new Error("reminder jobs need createJobHandlers({ worker: { unsubscribeKeys, ... } })");
    return { ...reminderDeps, unsubscribeKeys };
  };
  const reminderDeps = {
    db: deps.db,
    log: deps.log,
    publicApiUrl: deps.publicApiUrl,
    publicWebUrl: deps.publicWebUrl,
    ...(deps.notifyOutbox ? { notifyOutbox: deps.notifyOutbox } : {}),
  };
  return {
    "push.send": (async (payload, context) => {
      await sendPushJob(
        {
          db: deps.db,
          log: deps.log,
          push: deps.push ?? PUSH_OFF,
          ...(deps.metrics ? { metrics: deps.metrics } : {}),
        },
        payload,
        context,
      );
    }) satisfies JobHandler<"push.send">,
    "reminders.digest-tick": (async (payload) => {
      await runDigestTick(configured(), tickInstant(payload.at));
    }) satisfies JobHandler<"reminders.digest-tick">,
    "reminders.warranty-tick": (async (payload) => {
      await runWarrantyTick(configured(), tickInstant(payload.at));
    }) satisfies JobHandler<"reminders.warranty-tick">,
    "reminders.escalation-tick": (async (payload) => {
      const { db, log } = configured();
      await runEscalationTick(
        { db, log, ...(deps.notifyOutbox ? { notifyOutbox: deps.notifyOutbox } : {}) },
        tickInstant(payload.at),
      );
    }) satisfies JobHandler<"reminders.escalation-tick">,
    "recalls.check": (async (payload) => {
      const { unsubscribeKeys, publicApiUrl, log, db } = configured();
      const settings = deps.recalls;
      await runRecallCheck(
        {
          db,
          log,
          unsubscribeKeys,
          publicApiUrl,
          settings: settings ?? { enabled: false, checkIntervalHours: 24, lookbackDays: 1 },
          sources: settings
            ? [createCpscSource({ url: settings.cpscUrl, timeoutMs: settings.timeoutMs })]
            : [],
          ...(deps.metrics ? { metrics: deps.metrics } : {}),
          ...(deps.notifyOutbox ? { notifyOutbox: deps.notifyOutbox } : {}),
        },
        tickInstant(payload.at),
      );
    }) satisfies JobHandler<"recalls.check">,
    "housekeeping.cleanup": (async () => {
      await runHousekeeping({
        db: deps.db,
        log: deps.log,
        outboxRetentionDays: deps.outboxRetentionDays ?? 14,
        failedJobRetentionDays: deps.failedJobRetentionDays ?? 30,
        ...(deps.queues ? { queues: deps.queues } : {}),
      });
    }) satisfies JobHandler<"housekeeping.cleanup">,
  };
}
