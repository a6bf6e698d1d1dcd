import { create } from "qrcode";

/**
 * A QR code drawn as one SVG path: crisp at any print size, no canvas, no data URL, and the same
 * markup on the server (the label page) and in the browser (step 5). Error correction M survives a
 * scuffed label in a barn; the 4-module quiet zone is what scanners need around the code.
 */
export function QrCode({ value, size = 192, title, className = "" }: { value: string; size?: number | string; title: string; className?: string }) {
  const { modules } = create(value, { errorCorrectionLevel: "M" });
  const quiet = 4;
  const count = modules.size;
  let path = "";
  for (let row = 0; row < count; row += 1) {
    for (let col = 0; col < count; col += 1) {
      if (modules.get(row, col)) path += `M${col + quiet} ${row + quiet}h1v1h-1z`;
    }
  }
  const box = count + quiet * 2;
  return (
    <svg
      viewBox={`0 0 ${box} ${box}`}
      width={size}
      height={size}
      role="img"
      aria-label={title}
      shapeRendering="crispEdges"
      className={className}
      data-qr-value={value}
    >
      <title>{title}</title>
      <rect width={box} height={box} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
