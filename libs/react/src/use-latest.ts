import { useEffect, useRef } from 'react';

/** A ref that always holds the latest `value`, so subscriptions made once can call the current callback. */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useEffect(() => {
    ref.current = value;
  }, [value]);
  return ref;
}
