/**
 * The header of a conversation, 1:1 or group: the way back (narrow screens),
 * the name with what it adds (a verified badge, a member count), the
 * disappearing timer, and the conversation's own buttons.
 */
import type { ComponentChildren } from 'preact';
import { TimerSelect, type TimerSelectProps } from './timer-select.js';

export interface ChatHeaderProps {
  /** Narrow screens: back to the list of conversations. */
  onBack?: (() => void) | undefined;
  /** The contact's or the group's name. */
  name: string;
  /** Shown after the name (a verified badge, a member count). */
  badge?: ComponentChildren;
  timer: TimerSelectProps;
  /** The conversation's buttons (safety number, members, delete). */
  children?: ComponentChildren;
}

/** @example <ChatHeader name="bob" timer={{ seconds: 30, onChange: set }}><button>Safety number</button></ChatHeader> */
export function ChatHeader({ onBack, name, badge, timer, children }: ChatHeaderProps) {
  return (
    <header class="chat-head">
      {onBack && (
        <button type="button" class="back" onClick={onBack} aria-label="Back to conversations">
          ←
        </button>
      )}
      <h2>
        {name} {badge}
      </h2>
      <TimerSelect {...timer} />
      {children}
    </header>
  );
}
