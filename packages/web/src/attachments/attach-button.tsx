/**
 * Sending files: an attach button (a file picker) and drag-and-drop onto
 * the conversation, both ending in `send`, with an upload progress bar and,
 * for documents, the reminder that they may carry metadata of their own.
 */
import { useState } from 'preact/hooks';
import { PaperclipIcon } from './paperclip-icon.js';

export interface FileSending {
  /** Share uploaded of the file being sent, or null. */
  progress: number | null;
  /** The last outcome (sent, a metadata note, or an error). */
  note: string | null;
  send(files: FileList | File[]): Promise<void>;
}

/** State and action of sending files to one contact. */
export function useFileSending(
  sendFile: (file: File, onProgress: (f: number) => void) => Promise<{ mayCarryMetadata: boolean }>,
): FileSending {
  const [progress, setProgress] = useState<number | null>(null);
  const [note, setNote] = useState<string | null>(null);
  return {
    progress,
    note,
    async send(files) {
      for (const file of [...files]) {
        setNote(null);
        setProgress(0);
        try {
          const { mayCarryMetadata } = await sendFile(file, setProgress);
          setNote(
            mayCarryMetadata
              ? `Sent ${file.name}. Documents may carry metadata of their own (author, edits); only photos are cleaned.`
              : `Sent ${file.name}, without its metadata.`,
          );
        } catch (err) {
          setNote(err instanceof Error ? err.message : String(err));
        } finally {
          setProgress(null);
        }
      }
    },
  };
}

/** The paperclip button of the composer. */
export function AttachButton({ sending, disabled }: { sending: FileSending; disabled: boolean }) {
  return (
    <label class={`attach-button${disabled ? ' disabled' : ''}`} title="Attach a file">
      <PaperclipIcon />
      <span class="visually-hidden">Attach a file</span>
      <input
        type="file"
        multiple
        hidden
        disabled={disabled || sending.progress !== null}
        data-testid="attach-input"
        onChange={(e) => {
          const input = e.currentTarget;
          if (input.files?.length) void sending.send(input.files).then(() => (input.value = ''));
        }}
      />
    </label>
  );
}

/** Progress and outcome of sending, above the composer. */
export function SendingStatus({ sending }: { sending: FileSending }) {
  if (sending.progress !== null)
    return <progress class="upload" max={1} value={sending.progress} data-testid="upload-progress" />;
  return sending.note ? (
    <p class="note" data-testid="upload-note">
      {sending.note}
    </p>
  ) : null;
}

/** Handlers that make an element a drop target for files (the whole conversation). */
export function dropHandlers(sending: FileSending, setOver: (over: boolean) => void) {
  return {
    onDragOver: (e: DragEvent) => {
      e.preventDefault();
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      setOver(false);
      if (e.dataTransfer?.files.length) void sending.send(e.dataTransfer.files);
    },
  };
}
