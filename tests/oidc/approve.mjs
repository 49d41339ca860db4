// Plays the person in the browser: opens an authorization URL of tests/oidc/server.mjs,
// signs in as LOGIN (default "ana"), approves consent, and follows the final redirect to the
// app's loopback redirect URI the way a browser would. Prints each step's status to stderr.
// usage: node approve.mjs URL [LOGIN]
// With APPROVE_STOP_AT_REDIRECT=1 it prints the final redirect URL instead of opening it
// (for deep-link redirects, which a test hands to the app itself). With APPROVE_DECLINE=1 it
// cancels at the first interaction page (oidc-provider answers the app with access_denied).
// With APPROVE_REDIRECT_STAMP=FILE it writes the time (ms) it follows the redirect to the app.
import { writeFileSync } from "node:fs";
import { newBrowser } from "./browser.mjs";

const [url, login = "ana"] = process.argv.slice(2);
if (!url) {
  console.error("usage: node approve.mjs URL [LOGIN]");
  process.exit(2);
}

const origin = new URL(url).origin;
const { step, form } = newBrowser();

let target = url;
for (let hops = 0; hops < 12; hops += 1) {
  const response = await step(target);
  const location = response.headers.get("location");
  if (response.status === 200 && new URL(target).pathname.startsWith("/interaction/")) {
    if (process.env.APPROVE_DECLINE === "1") {
      target = `${target.replace(/\/$/, "")}/abort`;
      continue;
    }
    const page = await response.text();
    const fields = page.includes('name="login"')
      ? { prompt: "login", login, password: "any" }
      : { prompt: "consent" };
    const posted = await step(target, form(fields));
    target = new URL(posted.headers.get("location"), origin).href;
    continue;
  }
  if (!location) {
    console.error(`stopped: ${response.status} without a redirect\n${await response.text()}`);
    process.exit(1);
  }
  const next = new URL(location, target);
  if (next.origin !== origin) {
    if (process.env.APPROVE_STOP_AT_REDIRECT === "1") {
      process.stdout.write(`${next.href}\n`);
      process.exit(0);
    }
    if (process.env.APPROVE_REDIRECT_STAMP) {
      // When the browser hands the answer to the app: the start of "redirect to Connected".
      writeFileSync(process.env.APPROVE_REDIRECT_STAMP, String(Date.now()));
    }
    const landed = await fetch(next.href, { redirect: "manual" });
    console.error(`GET ${next.origin}${next.pathname} -> ${landed.status}`);
    process.exit(landed.ok ? 0 : 1);
  }
  target = next.href;
}
console.error("stopped: too many redirects");
process.exit(1);
