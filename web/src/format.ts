/** Numbers, times and ids as people read them. */
const int = new Intl.NumberFormat("en-US");
const dec = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

export const count = (n: number): string => int.format(n);
export const rate = (perSecond: number): string => `${dec.format(perSecond)}/s`;
export const shortId = (id: string): string => (id.length > 14 ? `${id.slice(0, 6)}…${id.slice(-6)}` : id);

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 10) return `${dec.format(seconds)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function time(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${dec.format(n / 1024)} KiB`;
  return `${dec.format(n / 1024 / 1024)} MiB`;
}

/** A data preview: text when it decodes as UTF-8 without control bytes, hex otherwise. */
export function preview(data: Uint8Array, max = 2048): string {
  const head = data.subarray(0, max);
  const more = data.length > max ? `\n… ${bytes(data.length - max)} more` : "";
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(head);
    if (!/[\u0000-\u0008\u000e-\u001f]/.test(text)) return text + more;
  } catch {
    // not text
  }
  return Array.from(head.subarray(0, 256), (b) => b.toString(16).padStart(2, "0")).join(" ") + (data.length > 256 ? " …" : "");
}
