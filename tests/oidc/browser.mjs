// The approve scripts' browser: a cookie jar, fetches that do not follow redirects, forms.
export function newBrowser() {
  const cookies = new Map();

  async function step(target, init = {}) {
    const headers = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "), ...init.headers };
    const response = await fetch(target, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    console.error(`${init.method ?? "GET"} ${new URL(target).pathname} -> ${response.status}`);
    return response;
  }

  const form = (fields) => ({
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });

  return { step, form };
}
