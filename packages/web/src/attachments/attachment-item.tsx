/**
 * An attachment in the conversation: for pictures the thumbnail that rode
 * inside the message (an instant preview, nothing fetched), then the full
 * picture once opened; for every file its name, size and a download button
 * with a progress bar. The file is fetched, checked and decrypted into OPFS
 * only when asked; a refused (tampered) file shows the reason instead.
 */
import type { AttachmentPointer } from '@tacet/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatSize } from './format-size.js';

export interface AttachmentItemProps {
  messageId: string;
  pointer: AttachmentPointer;
  open: (messageId: string, onProgress: (fraction: number) => void) => Promise<string>;
}

function useThumbnail(pointer: AttachmentPointer): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!pointer.thumbnail) return;
    const u = URL.createObjectURL(
      new Blob([pointer.thumbnail as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }),
    );
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [pointer]);
  return url;
}

/** @example <AttachmentItem messageId={m.id} pointer={m.attachment} open={service.openAttachment} /> */
export function AttachmentItem({ messageId, pointer, open }: AttachmentItemProps) {
  const thumb = useThumbnail(pointer);
  const [progress, setProgress] = useState<number | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const link = useRef<HTMLAnchorElement>(null);
  const isImage = pointer.contentType.startsWith('image/');

  const fetchIt = async (): Promise<string | null> => {
    if (url) return url;
    setError(null);
    setProgress(0);
    try {
      const u = await open(messageId, setProgress);
      setUrl(u);
      return u;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return null;
    } finally {
      setProgress(null);
    }
  };
  const download = async () => {
    const u = await fetchIt();
    if (!u || !link.current) return;
    link.current.href = u;
    link.current.click();
  };

  return (
    <div class="attachment" data-testid="attachment" data-file-name={pointer.fileName}>
      {isImage && (url || thumb) && (
        <img
          class={url ? 'picture' : 'thumbnail'}
          src={url ?? thumb ?? ''}
          alt={pointer.fileName}
          width={pointer.width}
          height={pointer.height}
          data-testid={url ? 'picture' : 'thumbnail'}
        />
      )}
      <p class="file">
        <span class="name">{pointer.fileName}</span> <span class="size">{formatSize(pointer.size)}</span>
      </p>
      {progress !== null && <progress max={1} value={progress} data-testid="download-progress" />}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="button" onClick={() => void download()} disabled={progress !== null}>
        Download
      </button>
      <a ref={link} download={pointer.fileName} hidden href="about:blank">
        {pointer.fileName}
      </a>
    </div>
  );
}
