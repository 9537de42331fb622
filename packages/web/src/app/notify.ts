/**
 * Telling the person a message came in while they look elsewhere: a desktop
 * notification (Notification API) that says only "New message" unless they
 * chose to show the name, and an optional short tone made with Web Audio (no
 * sound file to fetch).
 */
import type { Settings } from './settings.js';

/** Asks for permission; call only from a click (browsers refuse otherwise). */
export async function askNotificationPermission(): Promise<boolean> {
  if (typeof Notification === 'undefined') return false;
  if (Notification.permission === 'granted') return true;
  return (await Notification.requestPermission()) === 'granted';
}

/** Whether the browser can show notifications here at all. */
export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined';
}

let audio: AudioContext | undefined;

function tone(): void {
  audio ??= new AudioContext();
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
  osc.connect(gain).connect(audio.destination);
  osc.start();
  osc.stop(audio.currentTime + 0.25);
}

/** Who a new message is from, as the notification may name it: the sender, and the group it went to. */
export interface Arrival {
  readonly from: string;
  readonly group?: string;
}

/** The notification's words: only "New message" unless the person chose to show names. */
function notificationBody(settings: Settings, { from, group }: Arrival): string {
  if (!settings.notifyName) return 'New message';
  return group === undefined ? `New message from ${from}` : `New message from ${from} in ${group}`;
}

/** Announces one new incoming message as the settings allow. */
export function announce(settings: Settings, arrival: Arrival): void {
  if (settings.notify && notificationsSupported() && Notification.permission === 'granted') {
    const body = notificationBody(settings, arrival);
    // A tag collapses a burst into one notification; nothing in it identifies the sender by default.
    new Notification('tacet', { body, tag: 'tacet-new-message', silent: !settings.sound });
  }
  if (settings.sound) tone();
}
