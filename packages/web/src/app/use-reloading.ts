import { type Inputs, useEffect, useState } from 'preact/hooks';

/**
 * Loads a value, and loads it again whenever `subscribe` says it changed.
 * Only the newest load may set the value: under load an older read can
 * resolve after a newer one, and must not put stale state back on screen.
 *
 * @example const contacts = useReloading([], () => service.listContacts(), onContactsChange, [service]);
 */
export function useReloading<T>(
  initial: T,
  load: () => Promise<T>,
  subscribe: (reload: () => void) => () => void,
  inputs: Inputs,
): T {
  const [value, setValue] = useState(initial);
  useEffect(() => {
    let newest = 0;
    let live = true;
    const reload = () => {
      const n = ++newest;
      load().then(
        (v) => {
          if (live && n === newest) setValue(v);
        },
        () => undefined, // the next change or visit loads again
      );
    };
    reload();
    const off = subscribe(reload);
    return () => {
      live = false;
      off();
    };
  }, inputs);
  return value;
}
