/**
 * `ws` (pinned in package.json) ships no types. Node 20 has no global WebSocket, so the scripts,
 * the bench and the end-to-end tests use `ws`: through its WHATWG-style API, typed as the DOM's,
 * or its Node-style events.
 */
declare module "ws" {
  interface NodeEvents {
    on(event: string, listener: (...args: any[]) => void): this;
    once(event: string, listener: (...args: any[]) => void): this;
    off(event: string, listener: (...args: any[]) => void): this;
  }
  const WebSocket: {
    new (url: string, options?: Record<string, unknown>): globalThis.WebSocket & NodeEvents;
    readonly prototype: globalThis.WebSocket;
    readonly OPEN: number;
  };
  export default WebSocket;
}
