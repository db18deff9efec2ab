// The one JSON call to the provenance API from a page (same origin, session cookie). Pages whose paths are relative
// pass `root` (the way back to the site root, "../" for pages one folder deep).

/** An API answer: its status and JSON body (problem documents included), or `offline` when nothing answered. */
export interface ApiAnswer<T> {
  status: number;
  body: T;
}

/** Calls the API; a body makes it a JSON write. Throws only when the network fails (status 0 is never returned). */
export async function apiCall<T>(
  root: string,
  path: string,
  options: { method?: "GET" | "POST" | "PUT" | "DELETE"; body?: unknown } = {},
): Promise<ApiAnswer<T>> {
  const method = options.method ?? (options.body === undefined ? "GET" : "POST");
  const response = await fetch(new URL(root + path.replace(/^\//, ""), window.location.href), {
    method,
    credentials: "same-origin",
    headers: options.body === undefined ? { accept: "application/json" } : { "content-type": "application/json" },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body: body as T };
}
