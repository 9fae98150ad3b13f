/**
 * The dashboard shares the API's origin, so every file of it is served with a strict
 * Content-Security-Policy, nosniff and no referrer (worker/http/dashboard-headers.ts); the API's
 * own answers are not changed.
 */
import { expect, test } from "vitest";
import { call } from "./support.ts";

test.each(["/dashboard/", "/dashboard/index.html", "/dashboard/manifest.webmanifest", "/dashboard/sw.js"])("%s carries the dashboard's security headers", async (path) => {
  const res = await call(path);
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  const csp = res.headers.get("content-security-policy") ?? "";
  const directives = csp.split(";").map((d) => d.trim());
  expect(directives).toEqual(expect.arrayContaining(["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'", "frame-ancestors 'none'"]));
  expect(directives.find((d) => d.startsWith("connect-src"))).toBe("connect-src 'self' http: https: ws: wss:");
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("'unsafe-eval'"); // WebAssembly only ('wasm-unsafe-eval'), never eval
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
});

test("the built dashboard has no inline script: every script element loads a file", async () => {
  const html = await (await call("/dashboard/")).text();
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attrs, body] of scripts) {
    expect(attrs).toMatch(/\bsrc="\/dashboard\/[^"]+\.js"/);
    expect(body.trim()).toBe("");
  }
  expect(html).not.toMatch(/\son[a-z]+\s*=/i); // no inline event handlers either
});

test("the API's answers do not carry the dashboard's policy", async () => {
  const res = await call("/~scheduler@1.0/info");
  await res.arrayBuffer();
  expect(res.headers.get("content-security-policy")).toBeNull();
});
