"use client";

import { startTransition, useActionState, useMemo, useSyncExternalStore, type FormEvent } from "react";
import type { ActionResult } from "@/lib/actions/define-action";

type Bound<T> = (id: number, previous: ActionResult<T> | null, input: FormData) => Promise<ActionResult<T>>;

const noSubscription = () => () => {};

/**
 * A server action bound to one maintenance record or plan, behind a form that keeps what was typed
 * when the server says no. The submit buttons wait for `ready`: before hydration a click would
 * submit the form natively.
 */
export function useBoundAction<T>(action: Bound<T>, id: number) {
  const bound = useMemo(() => action.bind(null, id), [action, id]);
  const [state, dispatch, pending] = useActionState(bound, null);
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => dispatch(data));
  };
  const submit = (data: FormData) => startTransition(() => dispatch(data));
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name]?.[0] : undefined);
  const formError = state && !state.ok && Object.keys(state.fieldErrors ?? {}).length === 0 ? state.error : undefined;
  return { state, onSubmit, submit, pending, ready, fieldError, formError };
}
