/** Assignments over time: a bar per time bucket on a canvas (a few dozen lines, no chart library). */
import { count } from "./format.ts";

const BARS = 60;

/** `timestamps` in order; when the schedule was sampled, `weights[i]` is how many slots timestamp i stands for. */
export function drawAssignments(canvas: HTMLCanvasElement, timestamps: readonly number[], weights?: readonly number[]): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 600;
  const height = canvas.clientHeight || 160;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext("2d");
  if (!g) return;
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  const style = getComputedStyle(document.documentElement);
  g.font = "11px system-ui, sans-serif";
  g.fillStyle = style.getPropertyValue("--muted");
  if (timestamps.length === 0) {
    g.fillText("no assignments yet", 8, height / 2);
    return;
  }
  const first = timestamps[0];
  const last = timestamps[timestamps.length - 1];
  const span = Math.max(1, last - first);
  const buckets = bucketsOf(timestamps, weights);
  const peak = Math.max(...buckets);
  const top = 16;
  const bottom = height - 18;
  const w = width / BARS;
  g.fillStyle = style.getPropertyValue("--accent");
  buckets.forEach((n, i) => {
    const barHeight = ((bottom - top) * n) / peak;
    g.fillRect(i * w + 1, bottom - barHeight, Math.max(1, w - 2), barHeight);
  });
  g.fillStyle = style.getPropertyValue("--muted");
  g.fillText(`peak ${weights ? "≈" : ""}${count(peak)} per ${formatSpan(span / BARS)}`, 4, 11);
  g.fillText(new Date(first).toISOString().slice(0, 19).replace("T", " "), 4, height - 4);
  const end = new Date(last).toISOString().slice(0, 19).replace("T", " ");
  g.fillText(end, width - g.measureText(end).width - 4, height - 4);
}

/** Slots per bar: BARS equal spans of time from the first timestamp to the last. */
export function bucketsOf(timestamps: readonly number[], weights?: readonly number[]): number[] {
  const buckets = new Array<number>(BARS).fill(0);
  if (timestamps.length === 0) return buckets;
  const first = timestamps[0];
  const span = Math.max(1, timestamps[timestamps.length - 1] - first);
  timestamps.forEach((t, i) => (buckets[Math.min(BARS - 1, Math.floor(((t - first) / span) * BARS))] += weights?.[i] ?? 1));
  return buckets;
}

/** What each sampled chunk stands for, given the first slots of the sampled chunks (ascending) and the slots kept: the slots up to the next sample's. */
export const sampleWeights = (firsts: readonly number[], total: number): number[] => firsts.map((f, i) => (firsts[i + 1] ?? total) - f);

function formatSpan(ms: number): string {
  if (ms < 1000) return `${Math.max(1, Math.round(ms))} ms`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}
