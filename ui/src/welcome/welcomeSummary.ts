// The welcome's words about the providers that do not connect in one click, said from the data: which take a key or
// token, and which need an app of the person's own.
import type { Integration } from "../bindings/Integration";
import { connectsInOneClick, connectWays } from "../integrations/connectMethod";

/** "Google", "Google and Slack", "Google, Notion and Slack". */
export function nameList(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** The providers a sign-in starts for in one click, and the rest. */
export function splitByOneClick(integrations: readonly Integration[]): { oneClick: Integration[]; others: Integration[] } {
  return {
    oneClick: integrations.filter(connectsInOneClick),
    others: integrations.filter((integration) => !connectsInOneClick(integration)),
  };
}

/** One sentence on how `others` connect on the Integrations page, or null when there are none. */
export function othersSentence(others: readonly Integration[]): string | null {
  const withKey = others.filter((integration) => connectWays(integration.provider, integration).credentials);
  const withApp = others.filter((integration) => !withKey.includes(integration));
  const names = (group: Integration[]) => nameList(group.map((integration) => integration.provider.name));
  const verb = (group: Integration[]) => (group.length === 1 ? "connects" : "connect");
  if (withKey.length > 0 && withApp.length > 0) {
    return `${names(withKey)} ${verb(withKey)} with a key or token, and ${names(withApp)} with an app of your own, on the Integrations page.`;
  }
  if (withKey.length > 0) return `${names(withKey)} ${verb(withKey)} with a key or token on the Integrations page.`;
  if (withApp.length > 0) return `${names(withApp)} ${verb(withApp)} with an app of your own, from the Integrations page.`;
  return null;
}
