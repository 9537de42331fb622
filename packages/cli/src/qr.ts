/** QR codes drawn with block characters, for scanning an id or safety number off a terminal. */
import QRCode from 'qrcode';

export function terminalQr(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}
