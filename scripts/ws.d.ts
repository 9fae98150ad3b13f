/**
 * `ws` (pinned in package.json) ships no types. Node 20 has no global WebSocket, so the scripts,
 * the bench and the end-to-end tests use `ws` through its WHATWG-style API, typed as the DOM's.
 */
declare module "ws" {
  const WebSocket: typeof globalThis.WebSocket;
  export default WebSocket;
}
