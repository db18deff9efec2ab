import { create } from "qrcode";

// QR codes for share links, drawn as one SVG path (crisp at any size, printable). Pure: test/web/lots-flow.test.ts
// decodes nothing but checks the symbol's size and its finder patterns.

/** A QR symbol: `size` modules a side, `path` the dark modules as an SVG path in module units (quiet zone of 4). */
export interface QrSymbol {
  size: number;
  /** Side of the drawing, quiet zone included. */
  extent: number;
  path: string;
}

const QUIET_ZONE = 4;

/** The QR symbol of `text` (error correction M, enough for a printed or on-screen link). */
export function qrSymbol(text: string): QrSymbol {
  const { modules } = create(text, { errorCorrectionLevel: "M" });
  const parts: string[] = [];
  for (let row = 0; row < modules.size; row += 1) {
    for (let col = 0; col < modules.size; col += 1) {
      if (modules.get(row, col)) parts.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
    }
  }
  return { size: modules.size, extent: modules.size + 2 * QUIET_ZONE, path: parts.join("") };
}
