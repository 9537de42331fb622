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

/** Announces one new incoming message from `name` as the settings allow. */
export function announce(settings: Settings, name: string): void {
  if (settings.notify && notificationsSupported() && Notification.permission === 'granted') {
    const body = settings.notifyName ? `New message from ${name}` : 'New message';
    // A tag collapses a burst into one notification; nothing in it identifies the sender by default.
    new Notification('tacet', { body, tag: 'tacet-new-message', silent: !settings.sound });
  }
  if (settings.sound) tone();
}
