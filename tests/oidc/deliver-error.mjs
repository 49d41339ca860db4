// A browser stand-in for the deep-link case of SECURITY.md A8: instead of signing in, it answers
// the app's authorization URL the way a misbehaving provider could, with its own state and
// issuer but an error whose description is markup and 2,000 characters long, delivered as a
// switchboard:// link to $SWITCHBOARD_APP (a second instance hands it to the running one).
// usage: node deliver-error.mjs AUTHORIZATION_URL
import { spawnSync } from "node:child_process";

const authorize = new URL(process.argv[2]);
const redirect = authorize.searchParams.get("redirect_uri");
const answer = new URL(redirect);
answer.searchParams.set("error", "server_error");
answer.searchParams.set("error_description", `<img src=x onerror=alert(1)><a href="https://evil.example">Call us</a>${"x".repeat(2000)}`);
answer.searchParams.set("state", authorize.searchParams.get("state"));
answer.searchParams.set("iss", authorize.origin);
const delivered = spawnSync(process.env.SWITCHBOARD_APP, [answer.href], { stdio: "ignore", timeout: 20000 });
process.exit(delivered.status ?? 1);
