/**
 * Notifications and tones in a headless page (which has no desktop): they
 * are recorded instead of shown and played, for a test to read back.
 */
import type { Page } from 'playwright-core';

/** Records notifications and tones instead of showing and playing them. */
export async function recordAnnouncements(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { shown: string[][]; tones: number };
    w.shown = [];
    w.tones = 0;
    const Real = window.Notification;
    class Recorded {
      static get permission() {
        return Real.permission;
      }
      static requestPermission() {
        return Real.requestPermission();
      }
      constructor(title: string, opts?: NotificationOptions) {
        w.shown.push([title, opts?.body ?? '']);
      }
    }
    (window as unknown as { Notification: unknown }).Notification = Recorded;
    const osc = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.tones++;
      return osc.call(this);
    };
  });
}

/** The notifications recorded so far: [title, body] each. */
export function shownNotifications(page: Page): Promise<string[][]> {
  return page.evaluate(() => (window as unknown as { shown: string[][] }).shown);
}
