// Plays the person on another device in the device flow (RFC 8628) of tests/oidc/server.mjs:
// opens ISSUER/device, enters USER_CODE (with the form's hidden xsrf field), confirms it, signs
// in as LOGIN (default "ana") and approves consent, until the "you may close this page" page.
// With APPROVE_DEVICE_ABORT=1 it declines at the confirmation step instead. Prints each step's
// status to stderr; exits 0 when the page says it is done.
// usage: node approve-device.mjs ISSUER USER_CODE [LOGIN]
import { newBrowser } from "./browser.mjs";

const [issuer, userCode, login = "ana"] = process.argv.slice(2);
if (!issuer || !userCode) {
  console.error("usage: node approve-device.mjs ISSUER USER_CODE [LOGIN]");
  process.exit(2);
}

const origin = new URL(issuer).origin;
const { step, form } = newBrowser();

const asText = (page) =>
  page
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();

function hidden(page, name) {
  const match = page.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!match) {
    console.error(`stopped: no ${name} field in the page\n${page}`);
    process.exit(1);
  }
  return match[1];
}

// 1. The code entry page, then the confirmation page ("is this the code on your device?").
const device = `${issuer}/device`;
const entry = await (await step(device)).text();
const confirmation = await step(device, form({ xsrf: hidden(entry, "xsrf"), user_code: userCode }));
const confirmPage = await confirmation.text();
const decision = process.env.APPROVE_DEVICE_ABORT === "1" ? { abort: "yes" } : { confirm: "yes" };
const confirmed = await step(
  device,
  form({ xsrf: hidden(confirmPage, "xsrf"), user_code: hidden(confirmPage, "user_code"), ...decision }),
);
if (decision.abort) {
  console.error(asText(await confirmed.text()));
  process.exit(0);
}

// 2. Sign-in and consent interactions, then the device resume page that says it is done.
let response = confirmed;
let target = device;
for (let hops = 0; hops < 12; hops += 1) {
  const location = response.headers.get("location");
  const path = new URL(target).pathname;
  if (response.status === 200 && path.startsWith("/interaction/")) {
    const page = await response.text();
    const fields = page.includes('name="login"') ? { prompt: "login", login, password: "any" } : { prompt: "consent" };
    response = await step(target, form(fields));
    target = new URL(response.headers.get("location"), origin).href;
    response = await step(target);
    continue;
  }
  if (response.status === 200 && /^\/device\/[^/]+$/.test(path)) {
    console.error(asText(await response.text()));
    process.exit(0);
  }
  if (!location) {
    console.error(`stopped: ${response.status} at ${path} without a redirect\n${await response.text()}`);
    process.exit(1);
  }
  target = new URL(location, target).href;
  response = await step(target);
}
console.error("stopped: too many redirects");
process.exit(1);
