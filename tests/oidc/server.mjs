// A real OpenID Connect server on loopback for the OAuth tests: oidc-provider with a native
// public client (PKCE required), a confidential "desktop" client standing in for Google, refresh
// tokens, revocation, device flow and RFC 9207 `iss`.
// Prints one JSON line {"issuer": ...} once it listens; stops on stdin close or SIGTERM.
// Accounts: any login works; the account id is the login, its email `${login}@example.com`.
import http from "node:http";
import Provider from "oidc-provider";

const CLIENT_ID = process.env.OIDC_CLIENT_ID ?? "switchboard-test";
const GOOGLE_SECRET = "google-test-secret";
const GITHUB_SECRET = "github-test-secret";

const server = http.createServer();
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      application_type: "native",
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
      response_types: ["code"],
      redirect_uris: ["http://127.0.0.1/callback/oidc-test", "switchboard://oauth/callback/oidc-test"],
    },
    // Stands in for Google's "Desktop app" client: a client secret sent in the form body.
    {
      client_id: "switchboard-google",
      client_secret: GOOGLE_SECRET,
      application_type: "native",
      token_endpoint_auth_method: "client_secret_post",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      redirect_uris: ["http://127.0.0.1/callback/google", "switchboard://oauth/callback/google"],
    },
    // Stands in for a GitHub OAuth app (a client secret in the form body; plain OAuth 2.0 scopes).
    {
      client_id: "switchboard-github",
      client_secret: GITHUB_SECRET,
      application_type: "native",
      token_endpoint_auth_method: "client_secret_post",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      redirect_uris: ["http://127.0.0.1/callback/github", "switchboard://oauth/callback/github"],
    },
  ],
  // Google's Drive, Sheets and Calendar scopes too, so a "Google" sign-in here can browse them;
  // not Gmail's, so a sign-in asking for Gmail is granted fewer scopes than it asked (B10).
  scopes: [
    "openid",
    "offline_access",
    "email",
    "profile",
    // GitHub's, for the GitHub client.
    "read:user",
    "repo",
    ...[
      "drive.file",
      "drive.readonly",
      "spreadsheets",
      "calendar.events",
      "calendar.calendarlist.readonly",
    ].map((scope) => `https://www.googleapis.com/auth/${scope}`),
  ],
  claims: { email: ["email", "email_verified"], profile: ["name"] },
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
  },
  findAccount: (_ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, email: `${id}@example.com`, email_verified: true, name: id }),
  }),
  // Refresh tokens for the offline_access scope, rotated on every use.
  issueRefreshToken: (_ctx, client, code) =>
    client.grantTypeAllowed("refresh_token") && code.scopes.has("offline_access"),
  rotateRefreshToken: true,
  // Put the email in the id_token too, as Google does, rather than only at userinfo.
  conformIdTokenClaims: false,
});
provider.proxy = false;

server.on("request", provider.callback());
process.stdout.write(
  `${JSON.stringify({ issuer, clientId: CLIENT_ID, google: { clientId: "switchboard-google", clientSecret: GOOGLE_SECRET }, github: { clientId: "switchboard-github", clientSecret: GITHUB_SECRET } })}\n`,
);

const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
