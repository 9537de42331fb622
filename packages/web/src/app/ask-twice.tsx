/** An inline second question before a change that cannot be undone: what it does, yes, and no. */
import type { ComponentChildren } from 'preact';

export interface AskTwiceProps {
  children: ComponentChildren;
  yes: string;
  no: string;
  disabled: boolean;
  onYes: () => void;
  onNo: () => void;
}

/** @example <AskTwice yes="Leave for good" no="Stay" disabled={busy} onYes={leave} onNo={cancel}>Leave?</AskTwice> */
export function AskTwice({ children, yes, no, disabled, onYes, onNo }: AskTwiceProps) {
  return (
    <span class="confirm">
      {children}{' '}
      <button type="button" class="danger" disabled={disabled} onClick={onYes}>
        {yes}
      </button>{' '}
      <button type="button" disabled={disabled} onClick={onNo}>
        {no}
      </button>
    </span>
  );
}
