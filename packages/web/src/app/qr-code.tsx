/**
 * A QR code drawn as one SVG path: no canvas, no data URL, nothing for the
 * CSP to allow. Encoding comes from the `qrcode` package.
 */
import { create } from 'qrcode';

/** Props: the payload and an accessible label saying what it encodes. */
export interface QrCodeProps {
  value: string | Uint8Array;
  label: string;
}

function pathOf(size: number, get: (row: number, col: number) => boolean): string {
  let d = '';
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) if (get(row, col)) d += `M${col + 4} ${row + 4}h1v1h-1z`;
  }
  return d;
}

/** @example <QrCode value={accountId} label="QR code of your account id" /> */
export function QrCode({ value, label }: QrCodeProps) {
  const data = typeof value === 'string' ? value : [{ data: value, mode: 'byte' as const }];
  const qr = create(data as string, { errorCorrectionLevel: 'M' });
  const { size } = qr.modules;
  const d = pathOf(size, (r, c) => Boolean(qr.modules.get(r, c)));
  const full = size + 8; // 4-module quiet zone on each side
  return (
    <svg
      class="qr"
      viewBox={`0 0 ${full} ${full}`}
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
    >
      <rect width={full} height={full} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
