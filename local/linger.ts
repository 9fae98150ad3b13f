/** How a connection ends after the front answered it: never by half-closing alone. */
import type { Duplex } from "node:stream";

/** How long the front keeps reading (and discarding) after an answer that closes the connection. */
export const LINGER_MS = 2_000;

/**
 * Discards what the client still sends for a moment, then closes, so a client mid-upload reads its
 * answer instead of a reset, and one that keeps its side open does not hold the socket.
 */
export function linger(socket: Duplex): void {
  socket.on("error", () => {});
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
