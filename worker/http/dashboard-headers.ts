/**
 * The dashboard shares the API's origin (D12), so its files are served under a strict policy
 * (docs/security.md): its own scripts and workers only, no inline script or eval, never framed, no
 * sniffing, no referrer. `connect-src` stays open: it mirrors schedules from any scheduler a user
 * names.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  // WebAssembly from its own scripts (the SHA-2 of src/crypto/sha2.wat); still no eval.
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self' http: https: ws: wss:",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const HEADERS: readonly (readonly [string, string])[] = [
  ["content-security-policy", DASHBOARD_CSP],
  ["x-content-type-options", "nosniff"],
  ["referrer-policy", "no-referrer"],
];

/** The asset binding's answer, with the dashboard's headers. */
export function withDashboardHeaders(answer: Response): Response {
  const secured = new Response(answer.body, answer);
  for (const [name, value] of HEADERS) secured.headers.set(name, value);
  return secured;
}
