/** A modal built on the native <dialog>: focus trapping and Escape for free. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** Props: a title, the content and what closing does. */
export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  testId?: string;
}

/** @example <Dialog title="Your id" onClose={close}>…</Dialog> */
export function Dialog({ title, onClose, children, testId }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="dialog-title" onClose={onClose} data-testid={testId}>
      <h2 id="dialog-title">{title}</h2>
      {children}
      <form method="dialog" class="dialog-actions">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}
