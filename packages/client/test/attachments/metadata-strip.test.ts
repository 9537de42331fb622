/**
 * Pictures with GPS tags go in; what comes out is scanned by an independent
 * parser (exifr) and by bytes for every planted marker, and decoded to check
 * the pixels are upright.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import exifr from 'exifr';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readOrientation } from '../../src/attachments/metadata/exif-orientation.js';
import { nodeOrienter } from '../../src/attachments/metadata/node-orienter.node.js';
import { cleanImage } from '../../src/attachments/metadata/strip.js';
import { ClientError } from '../../src/errors.js';

const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', name)));
const ALL = {
  tiff: true,
  ifd1: true,
  exif: true,
  gps: true,
  xmp: true,
  iptc: true,
  icc: false,
  jfif: true,
  ihdr: false,
};

async function metadata(b: Uint8Array): Promise<Record<string, unknown>> {
  return ((await exifr.parse(Buffer.from(b), ALL)) ?? {}) as Record<string, unknown>;
}

const PLANTED = ['SOURCE-', 'TacetCam', 'GPS', 'http://ns.adobe.com', 'xmpmeta', 'Photoshop', 'JFXX'];

function expectNoPlanted(b: Uint8Array): void {
  const text = Buffer.from(b).toString('latin1');
  for (const s of PLANTED) expect(text, `"${s}" left in the output`).not.toContain(s);
}

/** Checks the 24x16 fixture came out 16x24 with red/green quadrants where a rotation puts them. */
function expectUpright(rgba: { width: number; height: number; data: Uint8Array }, orientation: 6 | 8): void {
  expect([rgba.width, rgba.height]).toEqual([16, 24]);
  const px = (x: number, y: number) => {
    const i = (y * rgba.width + x) * 4;
    return [(rgba.data[i] as number) > 128, (rgba.data[i + 1] as number) > 128];
  };
  // Stored: red = left half, green = top half. Orientation 6 (shown turned 90° clockwise): red on top,
  // green on the right. Orientation 8 (turned 90° counter-clockwise): red at the bottom, green on the left.
  if (orientation === 6) {
    expect(px(2, 2)).toEqual([true, false]);
    expect(px(13, 2)).toEqual([true, true]);
    expect(px(2, 21)).toEqual([false, false]);
  } else {
    expect(px(2, 21)).toEqual([true, true]);
    expect(px(13, 21)).toEqual([true, false]);
    expect(px(2, 2)).toEqual([false, true]);
  }
}

describe('metadata stripping', () => {
  it('the fixtures really carry GPS (so the checks below can fail)', async () => {
    for (const f of ['gps.jpg', 'gps-rotated.jpg', 'gps-rotated.png']) {
      const m = await metadata(fixture(f));
      expect(m.latitude, f).toBeCloseTo(52.520008, 4);
    }
    expect(Buffer.from(fixture('gps-rotated.webp')).toString('latin1')).toContain('SOURCE-MODEL');
  });

  it('JPEG: EXIF (GPS, maker, IFD1 thumbnail), XMP, IPTC and comments are gone; orientation applied', async () => {
    const out = await cleanImage(fixture('gps-rotated.jpg'), nodeOrienter);
    expect(out).toMatchObject({ kind: 'jpeg', width: 16, height: 24, reoriented: true });
    const bytes = (out as { bytes: Uint8Array }).bytes;
    expect(await metadata(bytes)).not.toHaveProperty('latitude');
    expect(
      Object.keys(await metadata(bytes)).filter(
        (k) => !/^(JFIF|Resolution|Units|[XY]Resolution|JFIFVersion|ThumbnailWidth|ThumbnailHeight)/i.test(k),
      ),
    ).toEqual([]);
    expectNoPlanted(bytes);
    const text = Buffer.from(bytes).toString('latin1');
    expect(text).not.toContain('Exif');
    expectUpright(jpeg.decode(bytes, { useTArray: true }), 6);
  });

  it('JPEG without orientation: only metadata segments removed, pixels byte-identical', async () => {
    const input = fixture('gps.jpg');
    const out = await cleanImage(input, nodeOrienter);
    expect(out?.reoriented).toBe(false);
    const bytes = (out as { bytes: Uint8Array }).bytes;
    expectNoPlanted(bytes);
    expect(await metadata(bytes)).not.toHaveProperty('latitude');
    const a = jpeg.decode(input, { useTArray: true });
    const b = jpeg.decode(bytes, { useTArray: true });
    expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
  });

  it('PNG: tEXt, zTXt, iTXt (XMP) and eXIf are gone; orientation applied losslessly', async () => {
    const out = await cleanImage(fixture('gps-rotated.png'), nodeOrienter);
    expect(out).toMatchObject({ kind: 'png', width: 16, height: 24, reoriented: true });
    const bytes = (out as { bytes: Uint8Array }).bytes;
    expectNoPlanted(bytes);
    const text = Buffer.from(bytes).toString('latin1');
    for (const chunk of ['tEXt', 'zTXt', 'iTXt', 'eXIf']) expect(text).not.toContain(chunk);
    expect(await metadata(bytes)).not.toHaveProperty('latitude');
    expectUpright(PNG.sync.read(Buffer.from(bytes)), 6);
  });

  it('WebP: EXIF and XMP chunks are gone; orientation kept as a one-tag EXIF (no pure-JS WebP encoder)', async () => {
    const out = await cleanImage(fixture('gps-rotated.webp'), nodeOrienter);
    expect(out).toMatchObject({ kind: 'webp', width: 16, height: 24, reoriented: false });
    const bytes = (out as { bytes: Uint8Array }).bytes;
    expectNoPlanted(bytes);
    const chunks: string[] = [];
    const v = Buffer.from(bytes);
    expect(v.readUInt32LE(4)).toBe(v.length - 8);
    for (let at = 12; at < v.length; at += 8 + v.readUInt32LE(at + 4) + (v.readUInt32LE(at + 4) & 1)) {
      chunks.push(`${v.toString('latin1', at, at + 4)}:${v.readUInt32LE(at + 4)}`);
    }
    expect(chunks.map((c) => c.split(':')[0])).toEqual(['VP8X', 'VP8L', 'EXIF']);
    expect(chunks[2]).toBe('EXIF:26');
    expect(v[20]).toBe(0x08); // VP8X flags: EXIF only, XMP flag cleared
    const tiff = v.subarray(v.length - 26);
    expect(readOrientation(tiff)).toBe(8);
    expect(tiff.readUInt16BE(8)).toBe(1); // one IFD entry: Orientation, nothing else
  });

  it('without an orienter, orientation travels as a one-tag EXIF and nothing else', async () => {
    const out = await cleanImage(fixture('gps-rotated.jpg'));
    const bytes = (out as { bytes: Uint8Array }).bytes;
    expectNoPlanted(bytes);
    const m = await metadata(bytes);
    expect(m.Orientation).toBeDefined();
    expect(m).not.toHaveProperty('latitude');
    expect(m).not.toHaveProperty('Make');
  });

  it('refuses a damaged picture instead of sending it uncleaned; leaves other files alone', async () => {
    const jpg = fixture('gps.jpg');
    for (const cut of [3, 30, 300, jpg.length - 3]) {
      await expect(cleanImage(jpg.subarray(0, cut))).rejects.toBeInstanceOf(ClientError);
    }
    await expect(cleanImage(fixture('gps-rotated.png').subarray(0, 100))).rejects.toThrow(/metadata/);
    expect(await cleanImage(new TextEncoder().encode('%PDF-1.7 not a picture'))).toBeUndefined();
  });
});
