// How a provider connects now, from what the backend says is ready: one decision for the Integrations page, the chat's
// Connect card and the welcome.
import type { ConnectMethod } from "../bindings/ConnectMethod";
import type { Integration } from "../bindings/Integration";
import type { Provider } from "../bindings/Provider";

export type ConnectWays = {
  /** What the main button does: start a sign-in, open the key or token form, or lead to the provider's set-up. */
  primary: "sign-in" | "credentials" | "set-up";
  /** The sign-in one click starts, when one can start now. */
  signIn: ConnectMethod | null;
  /** A device code can start beside the browser sign-in ("Use a code instead"). */
  codeToo: boolean;
  /** The provider also takes a key or token. */
  credentials: boolean;
  /** The provider signs in through an OAuth app (so setting up an app of one's own means something). */
  signsIn: boolean;
};

type Readiness = Pick<Integration, "clientReady" | "browserReady">;

export function connectWays(provider: Pick<Provider, "auth" | "credentials">, ready: Readiness): ConnectWays {
  const { auth } = provider;
  const browser = auth.includes("oauth2") && ready.clientReady && ready.browserReady;
  const deviceCode = auth.includes("device_code") && ready.clientReady;
  const credentials = provider.credentials.length > 0 && (auth.includes("api_key") || auth.includes("bot_token"));
  const signIn: ConnectMethod | null = browser ? "browser" : deviceCode ? "device_code" : null;
  return {
    primary: signIn ? "sign-in" : credentials ? "credentials" : "set-up",
    signIn,
    codeToo: browser && deviceCode,
    credentials,
    signsIn: auth.includes("oauth2") || auth.includes("device_code"),
  };
}

/** A sign-in starts with one click: the welcome lists these. */
export function connectsInOneClick(integration: Integration): boolean {
  return connectWays(integration.provider, integration).primary === "sign-in";
}
