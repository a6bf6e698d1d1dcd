"use client";

import { startTransition, useActionState, useSyncExternalStore, type FormEvent } from "react";
import type { ActionResult } from "@/lib/actions/define-action";

type FormAction<T> = (previous: ActionResult<T> | null, input: FormData) => Promise<ActionResult<T>>;

/**
 * A server action behind a form that keeps what was typed when the server says no. React resets a
 * `<form action>` after every submission; a farmer who mistyped one code should not retype the rest.
 */
export function useActionForm<T>(action: FormAction<T>) {
  const [state, dispatch, pending] = useActionState(action, null);
  // Until the page is hydrated a click would submit the form natively (a GET of the fields, and no
  // confirmation before a delete): the submit buttons wait for `ready`.
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => dispatch(data));
  };
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name]?.[0] : undefined);
  /** The failure when no field carries it (a refusal, a lost session); otherwise the fields say it. */
  const formError = state && !state.ok && Object.keys(state.fieldErrors ?? {}).length === 0 ? state.error : undefined;
  return { state, onSubmit, pending, ready, fieldError, formError };
}

const noSubscription = () => () => {};
