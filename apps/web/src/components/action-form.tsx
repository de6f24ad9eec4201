"use client";
import {
  type FormEvent,
  type ReactNode,
  startTransition,
  useActionState,
  useEffect,
  useRef,
  useState,
  useTransition,
} from "react";
import { type OfflineAct, QUEUE_CHANGED, queueWrite, readMeta, USER_META } from "../lib/offline-store.ts";
import { strings } from "../strings.ts";

/** What an action answers when it does not redirect: a message for the person, or what went wrong. */
export type FormState = { error?: string; message?: string } | undefined;

/** What went wrong with a form's action, announced to screen readers; nothing when all is well. */
export function ErrorNotice({ error }: { error: string | undefined }) {
  return error ? (
    <p role="alert" className="notice error">
      {error}
    </p>
  ) : null;
}

/** A write this form may make offline: queued on the device and replayed later (decision 0019). */
export interface OfflineWrite {
  act: OfflineAct;
  /** The task's title (for a new task: read from the form's title field). */
  label?: string;
}

/** Keeps the form's fields on this device with a fresh Idempotency-Key, for the page to replay later. */
async function queue(offline: OfflineWrite, data: FormData): Promise<FormState> {
  const userId = await readMeta(USER_META);
  if (!userId) return { error: strings.offline.signInAgain };
  const field = (name: string) => {
    const value = data.get(name);
    return typeof value === "string" && value ? value : null;
  };
  data.delete("idempotencyKey");
  await queueWrite({
    key: crypto.randomUUID(),
    userId,
    act: offline.act,
    label: offline.label ?? field("title") ?? "",
    taskId: field("taskId"),
    residenceId: field("residenceId"),
    fields: [...data.entries()],
    queuedAt: Date.now(),
  });
  window.dispatchEvent(new Event(QUEUE_CHANGED));
  return { message: strings.offline.queued };
}

/** A fetch that never reached the server (each browser words it differently). */
function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch|network|load failed/i.test(error.message);
}

async function queueOrSay(offline: OfflineWrite, data: FormData): Promise<FormState> {
  try {
    return await queue(offline, data);
  } catch (error) {
    console.error("offline queue", error);
    return { error: strings.errors.generic };
  }
}

/**
 * A form posting to a server action. Works without JavaScript too (the action's answer re-renders the page);
 * with it, the outcome is announced in place without a reload, and what was typed stays (React would reset
 * a form posted through its `action` prop, wiping the email address after a wrong password). Without a
 * network, a form that may write offline queues its write; any other says it needs a connection.
 */
export function ActionForm({
  action,
  submit,
  children,
  done,
  secondary = false,
  offline,
  resetOnSuccess = false,
  alternative,
}: {
  action: (state: FormState, data: FormData) => Promise<FormState>;
  submit: string;
  children?: ReactNode;
  /** Shown instead of the form once the action reported success. */
  done?: ReactNode;
  /** A lesser action beside a main one (outlined instead of filled). */
  secondary?: boolean;
  offline?: OfflineWrite;
  /** Empty the fields once the action reported success (a form to fill again for the next one: invites). */
  resetOnSuccess?: boolean;
  /**
   * A second button beside the main one, posting `intent=<intent>` without checking the fields (remove the
   * photo beside save a new one): one form, so one notice, always about the latest of the two.
   */
  alternative?: { label: string; intent: string };
}) {
  // The server action itself goes to useActionState, so the form also posts without JavaScript.
  const [state, formAction, pending] = useActionState(action, undefined);
  const [local, setLocal] = useState<FormState>(undefined);
  const [sending, startSending] = useTransition();
  const submitKeepingValues = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // With the button that sent it, so an alternative's intent goes along.
    const data = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    if (!offline) {
      if (navigator.onLine) startTransition(() => formAction(data));
      setLocal(navigator.onLine ? undefined : { error: strings.offline.needsNetwork });
      return;
    }
    // A write that may be queued is sent here, so a network that fails (navigator.onLine is only a hint)
    // queues it instead of breaking the page. Anything else thrown (a redirect too) goes on to Next.
    startSending(async () => {
      if (!navigator.onLine) {
        setLocal(await queueOrSay(offline, data));
        return;
      }
      try {
        setLocal((await action(local ?? state, data)) ?? {});
      } catch (error) {
        if (!isNetworkFailure(error)) throw error;
        setLocal(await queueOrSay(offline, data));
      }
    });
  };
  const shown = local ?? state;
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (resetOnSuccess && shown?.message) form.current?.reset();
  }, [resetOnSuccess, shown]);
  if (shown?.message && done !== undefined) {
    return (
      <div role="status" className="notice success">
        <p>{shown.message}</p>
        {done}
      </div>
    );
  }
  return (
    <form ref={form} action={formAction} onSubmit={submitKeepingValues} className="stack">
      {children}
      <ErrorNotice error={shown?.error} />
      <button
        type="submit"
        className={secondary ? undefined : "primary"}
        disabled={pending || sending}
        aria-busy={pending || sending}
      >
        {submit}
      </button>
      {alternative ? (
        <button
          type="submit"
          name="intent"
          value={alternative.intent}
          formNoValidate
          disabled={pending || sending}
          aria-busy={pending || sending}
        >
          {alternative.label}
        </button>
      ) : null}
      {/* What happened, under the button that did it (a problem stays beside the fields to correct). */}
      {shown?.message ? (
        <p role="status" className="notice success">
          {shown.message}
        </p>
      ) : null}
    </form>
  );
}
