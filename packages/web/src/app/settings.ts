/**
 * The person's notification preferences, in localStorage (they say nothing
 * about messages or contacts). Everything is off until chosen: the browser
 * asks for notification permission only when the person turns them on.
 */
import { useState } from 'preact/hooks';

export interface Settings {
  /** Desktop notifications for new messages (needs the browser's permission). */
  readonly notify: boolean;
  /** Name the sender in notifications; by default they say only "New message". */
  readonly notifyName: boolean;
  /** A short tone when a message arrives. */
  readonly sound: boolean;
}

const KEY = 'tacet:settings';
const DEFAULTS: Settings = { notify: false, notifyName: false, sound: false };

export function loadSettings(): Settings {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Settings>;
    return {
      notify: v.notify === true,
      notifyName: v.notifyName === true,
      sound: v.sound === true,
    };
  } catch {
    return DEFAULTS;
  }
}

/** The settings and a setter that persists them. */
export function useSettings(): [Settings, (next: Settings) => void] {
  const [settings, setSettings] = useState(loadSettings);
  const save = (next: Settings) => {
    localStorage.setItem(KEY, JSON.stringify(next));
    setSettings(next);
  };
  return [settings, save];
}
