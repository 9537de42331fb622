/** The "Disappear after" choice of a conversation (1:1 or group). */
import { formatTimer, TIMER_CHOICES } from './format.js';

/** The offered timer values, plus the current one if it was set elsewhere (e.g. `tacet timer bob 2m`). */
function timerChoices(current: number): number[] {
  return TIMER_CHOICES.includes(current)
    ? [...TIMER_CHOICES]
    : [...TIMER_CHOICES, current].sort((a, b) => a - b);
}

export interface TimerSelectProps {
  seconds: number;
  onChange: (seconds: number) => void;
  /** Shown but not changeable (a group member who is not an admin). */
  disabled?: boolean;
  /** Why it is disabled, as a tooltip. */
  title?: string;
}

/** @example <TimerSelect seconds={30} onChange={(s) => service.setTimer(id, s)} /> */
export function TimerSelect({ seconds, onChange, disabled = false, title }: TimerSelectProps) {
  return (
    <label title={title}>
      Disappear after{' '}
      <select
        name="timer"
        value={String(seconds)}
        disabled={disabled}
        onChange={(e) => onChange(Number(e.currentTarget.value))}
      >
        {timerChoices(seconds).map((s) => (
          <option key={s} value={String(s)}>
            {formatTimer(s)}
          </option>
        ))}
      </select>
    </label>
  );
}
