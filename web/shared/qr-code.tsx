import { useMemo } from "preact/hooks";
import { qrSymbol } from "./qr";

/** A QR code of `text` as an SVG image, labelled for screen readers (dark on white, printable). */
export function QrCode({ text, label, size = 176 }: { text: string; label: string; size?: number }) {
  const symbol = useMemo(() => qrSymbol(text), [text]);
  return (
    <svg
      class="qr-code"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${symbol.extent} ${symbol.extent}`}
      shape-rendering="crispEdges"
      data-qr-size={symbol.size}
    >
      <title>{label}</title>
      <rect width={symbol.extent} height={symbol.extent} fill="#ffffff" />
      <path d={symbol.path} fill="#000000" />
    </svg>
  );
}
