/**
 * Inline SVG icons: they render the same everywhere (no emoji font needed)
 * and need nothing from the network. Decorative: hidden from screen readers,
 * the surrounding text says what they mean.
 */

/** A small clock: the disappearing timer. */
export function TimerIcon() {
  return (
    <svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <circle cx="8" cy="9" r="6" fill="none" stroke="currentColor" stroke-width="1.5" />
      <path
        d="M8 5.5V9l2.2 1.6M6 1.5h4"
        fill="none"
        stroke="currentColor"
        stroke-width="1.5"
        stroke-linecap="round"
      />
    </svg>
  );
}

/** An hourglass-like mark: not yet acknowledged by the server. */
export function PendingIcon() {
  return (
    <svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <circle
        cx="8"
        cy="8"
        r="6"
        fill="none"
        stroke="currentColor"
        stroke-width="1.5"
        stroke-dasharray="3 2"
      />
    </svg>
  );
}
