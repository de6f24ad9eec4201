"use client";
import { type FormEvent, type ReactNode, startTransition, useActionState } from "react";

/** What an action answers when it does not redirect: a message for the person, or what went wrong. */
export type FormState = { error?: string; message?: string } | undefined;

/**
 * A form posting to a server action. Works without JavaScript too (the action's answer re-renders the page);
 * with it, the outcome is announced in place without a reload, and what was typed stays (React would reset
 * a form posted through its `action` prop, wiping the email address after a wrong password).
 */
export function ActionForm({
  action,
  submit,
  children,
  done,
  secondary = false,
}: {
  action: (state: FormState, data: FormData) => Promise<FormState>;
  submit: string;
  children?: ReactNode;
  /** Shown instead of the form once the action reported success. */
  done?: ReactNode;
  /** A lesser action beside a main one (outlined instead of filled). */
  secondary?: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, undefined);
  const submitKeepingValues = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  };
  if (state?.message && done !== undefined) {
    return (
      <div role="status" className="notice success">
        <p>{state.message}</p>
        {done}
      </div>
    );
  }
  return (
    <form action={formAction} onSubmit={submitKeepingValues} className="stack">
      {children}
      {state?.error ? (
        <p role="alert" className="notice error">
          {state.error}
        </p>
      ) : null}
      {state?.message ? (
        <p role="status" className="notice success">
          {state.message}
        </p>
      ) : null}
      <button
        type="submit"
        className={secondary ? undefined : "primary"}
        disabled={pending}
        aria-busy={pending}
      >
        {submit}
      </button>
    </form>
  );
}
