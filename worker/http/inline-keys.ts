/**
 * HyperBEAM's path syntax binds keys inside a segment (`/~scheduler@1.0/schedule&target=X&from=0`)
 * and types them with `+integer` (`from+integer=5`). This rewrites such URLs into plain query
 * parameters so the routes see one form. Other URLs pass through untouched.
 */
export function normalizeInlineKeys(request: Request): Request {
  const url = new URL(request.url);
  // Routes match the raw path: spell a percent-encoded device (`%7Escheduler%401.0`) plainly.
  if (url.pathname.includes("%")) url.pathname = url.pathname.replace(/%7e/gi, "~").replace(/%40/g, "@");
  if (!url.pathname.includes("&") && !url.search.includes("+")) return url.href === request.url ? request : new Request(url, request);
  const pairs: string[] = [];
  const segments = url.pathname.split("/").map((segment) => {
    const [name, ...inline] = segment.split("&");
    pairs.push(...inline);
    return name;
  });
  pairs.push(...url.search.slice(1).split("&"));
  const params = new URLSearchParams();
  for (const pair of pairs) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    let key = eq < 0 ? pair : pair.slice(0, eq);
    const plus = key.indexOf("+"); // a type annotation, not an encoded space
    if (plus > 0) key = key.slice(0, plus);
    key = decode(key);
    if (!params.has(key)) params.set(key, eq < 0 ? "" : decode(pair.slice(eq + 1))); // the first value counts, as in the query parser
  }
  url.pathname = segments.join("/");
  url.search = params.toString();
  return new Request(url, request);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}
