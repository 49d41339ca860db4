import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import ProviderCard from "./ProviderCard.svelte";
import { FlowTracker } from "./flows.svelte";
import { builtInIntegrations, connection, flow, integrations } from "../test-fixtures";
import type { FlowUpdate } from "../bindings/FlowUpdate";
import type { Integration } from "../bindings/Integration";

type Call = [string, unknown];
const AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth?state=abc";
const waitingForBrowser = flow({ state: "waitingForBrowser", authorizeUrl: AUTHORIZE_URL });

let calls: Call[];
let writeText: ReturnType<typeof vi.fn>;

beforeEach(() => {
  calls = [];
  writeText = vi.fn().mockResolvedValue(undefined);
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
});
afterEach(() => clearMocks());

/** Records every command; `reply` decides what each returns or throws. */
function backend(reply: (command: string, args: Record<string, unknown>) => unknown) {
  mockIPC((command, args) => {
    calls.push([command, args]);
    return reply(command, (args ?? {}) as Record<string, unknown>);
  });
}

/** The card of `providerId` from `list` (the person's own apps unless a test says otherwise), with `changes`. */
function renderCard(providerId: string, changes: Partial<Integration> = {}, list: Integration[] = integrations()) {
  const integration = list.find((candidate) => candidate.provider.id === providerId)!;
  const flows = new FlowTracker();
  const onSetUp = vi.fn();
  const view = render(ProviderCard, { integration: { ...integration, ...changes }, flows, onSetUp });
  return { ...view, flows, onSetUp };
}

function flowPanel(): HTMLElement | null {
  return document.querySelector<HTMLElement>("[data-flow-state]");
}

function commands(): string[] {
  return calls.map(([command]) => command);
}

describe("ProviderCard connecting", () => {
  it("starts a browser sign-in with the chosen products and waits for the person", async () => {
    backend((command) => (command === "start_connect" ? waitingForBrowser : undefined));
    renderCard("google");
    await fireEvent.click(screen.getByRole("checkbox", { name: "Drive" }));
    await fireEvent.click(screen.getByRole("button", { name: "Connect" }));

    expect(await screen.findByText("Waiting for you in your browser…")).toBeTruthy();
    expect(calls).toEqual([
      ["start_connect", { request: { provider: "google", products: ["gmail"], method: "browser", redirect: null, connection: null, scopes: [] } }],
    ]);
    expect(flowPanel()?.dataset.flowState).toBe("waitingForBrowser");
    expect(flowPanel()?.getAttribute("aria-live")).toBe("polite");

    await fireEvent.click(screen.getByRole("button", { name: "Copy link" }));
    expect(writeText).toHaveBeenCalledWith(AUTHORIZE_URL);
    expect(await screen.findByRole("button", { name: "Copied" })).toBeTruthy();

    await fireEvent.click(screen.getByRole("button", { name: "Open again" }));
    await fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(commands()).toContain("cancel_connect"));
    expect(calls.slice(1)).toEqual([
      ["open_flow_in_browser", { flowId: "flow-1" }],
      ["cancel_connect", { flowId: "flow-1" }],
    ]);
    expect(flowPanel()).toBeNull();
    expect(screen.getByRole("button", { name: "Connect" })).toBeTruthy();
  });

  it("needs at least one product", async () => {
    backend(() => undefined);
    renderCard("google");
    await fireEvent.click(screen.getByRole("checkbox", { name: "Gmail" }));
    await fireEvent.click(screen.getByRole("checkbox", { name: "Drive" }));
    expect(screen.getByText("Choose at least one product.")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Connect" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("moves through the states the backend reports, and shows the connected account", async () => {
    backend((command) => (command === "start_connect" ? waitingForBrowser : undefined));
    const { flows } = renderCard("google");
    await fireEvent.click(screen.getByRole("button", { name: "Connect" }));
    await screen.findByText("Waiting for you in your browser…");

    flows.received(flow({ state: "finishing" }));
    expect(await screen.findByText("Finishing…")).toBeTruthy();
    flows.received(flow({ state: "connected", connection: connection() }));
    expect(await screen.findByText("Done: ana@example.com is connected.")).toBeTruthy();
    expect(flowPanel()?.dataset.flowState).toBe("connected");
  });

  it("shows a provider's failure message as text, never as markup (F10/A8), and tries again", async () => {
    backend((command) => (command === "start_connect" ? waitingForBrowser : undefined));
    const { container, flows } = renderCard("google");
    await fireEvent.click(screen.getByRole("button", { name: "Connect" }));
    await screen.findByText("Waiting for you in your browser…");

    const hostile = "access_denied: <img src=x onerror=alert(1)>";
    flows.received(flow({ state: "failed", code: "ProviderRejected", message: hostile }));
    expect(await screen.findByText(hostile)).toBeTruthy();
    expect(container.querySelector("img")).toBeNull();
    expect(flowPanel()?.dataset.flowState).toBe("failed");

    await fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(commands().filter((command) => command === "start_connect")).toHaveLength(2));
    expect(calls[1]).toEqual(calls[0]);
  });

  it("sends a rejected client to Settings instead of offering another sign-in (B7)", async () => {
    backend((command) => (command === "start_connect" ? waitingForBrowser : undefined));
    const { flows, onSetUp } = renderCard("google");
    await fireEvent.click(screen.getByRole("button", { name: "Connect" }));
    await screen.findByText("Waiting for you in your browser…");

    flows.received(flow({ state: "failed", code: "NotConfigured", message: "Check the client ID and secret in Settings." }));
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
    await fireEvent.click(await screen.findByRole("button", { name: "Check Google in Settings" }));
    expect(onSetUp).toHaveBeenCalledWith("google");
  });

  it("offers a session-only key when the keyring cannot be used, then starts again", async () => {
    let keyring = false;
    backend((command) => {
      if (command === "use_session_only_key") keyring = true;
      if (command === "start_connect" && !keyring) {
        throw { code: "KeyringUnavailable", message: "The Secret Service is not running." };
      }
      if (command === "start_connect") return waitingForBrowser;
    });
    renderCard("google");
    await fireEvent.click(screen.getByRole("button", { name: "Connect" }));
    expect(await screen.findByText("The Secret Service is not running.")).toBeTruthy();
    expect(screen.getByText(/forgotten when Switchboard quits/)).toBeTruthy();

    await fireEvent.click(screen.getByRole("button", { name: "Continue for this session only" }));
    expect(await screen.findByText("Waiting for you in your browser…")).toBeTruthy();
    expect(commands()).toEqual(["start_connect", "use_session_only_key", "start_connect"]);
    expect(calls[2]).toEqual(calls[0]);
  });

  it("leads with setting the provider up when it has no client and no key form", async () => {
    const { onSetUp } = renderCard("google", { clientReady: false, clientFrom: null, browserReady: false });
    expect(screen.queryByRole("button", { name: "Connect" })).toBeNull();
    expect(screen.getByText(/goes through an OAuth app of your own/)).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Set up Google" }));
    expect(onSetUp).toHaveBeenCalledWith("google");
  });

  it("connects in one click with this build's own app, with nothing to set up", async () => {
    backend((command) => (command === "start_connect" ? waitingForBrowser : undefined));
    renderCard("google", {}, builtInIntegrations());
    expect(screen.queryByText(/OAuth app of your own/)).toBeNull();
    expect(screen.queryByRole("button", { name: /Set up/ })).toBeNull();
    await fireEvent.click(screen.getByRole("button", { name: "Connect" }));
    expect(await screen.findByText("Waiting for you in your browser…")).toBeTruthy();
    expect(calls[0]).toEqual([
      "start_connect",
      { request: { provider: "google", products: ["gmail", "drive"], method: "browser", redirect: null, connection: null, scopes: [] } },
    ]);
  });

  it("connects with a code when the build's own GitHub app cannot sign in through the browser", async () => {
    const device = flow(
      { state: "waitingForDeviceCode", userCode: "WDJB-MJHT", verificationUri: "https://github.com/login/device", expiresAt: 1_795_000_900 },
      { provider: "github" },
    );
    backend((command) => (command === "start_connect" ? device : undefined));
    renderCard("github", {}, builtInIntegrations());
    expect(screen.queryByRole("button", { name: "Use a code instead" }), "a code is already what Connect does").toBeNull();
    expect(screen.getByRole("button", { name: "Use a key or token instead" })).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Connect" }));
    expect(await screen.findByText("WDJB-MJHT")).toBeTruthy();
    expect(calls[0]).toEqual([
      "start_connect",
      { request: { provider: "github", products: ["github"], method: "device_code", redirect: null, connection: null, scopes: [] } },
    ]);
  });

  it("leads with the token form when no app is ready, keeping an app of one's own as the quiet choice", async () => {
    backend((command) => (command === "credential_warnings" ? [] : undefined));
    const { onSetUp } = renderCard("atlassian", {}, builtInIntegrations());
    expect(screen.queryByText(/OAuth app of your own/)).toBeNull();
    await fireEvent.click(screen.getByRole("button", { name: "Set up your own app" }));
    expect(onSetUp).toHaveBeenCalledWith("atlassian");

    await fireEvent.click(screen.getByRole("button", { name: "Connect with a token" }));
    const site = screen.getByLabelText("Site URL") as HTMLInputElement;
    expect(site.type).toBe("text");
    expect(screen.getByText("https://your-site.atlassian.net")).toBeTruthy();
    expect((screen.getByLabelText("Email") as HTMLInputElement).type).toBe("text");
    expect((screen.getByLabelText("API token") as HTMLInputElement).type).toBe("password");
    expect(screen.getByText("Switchboard checks them with Atlassian, then keeps the API token encrypted on this computer.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Verify and connect" })).toBeTruthy();
    expect(commands()).not.toContain("start_connect");
  });

  it("offers to set the provider up when a sign-in finds no client ID after all", async () => {
    backend(() => {
      throw { code: "NotConfigured", message: "GitHub needs a client ID before you can sign in." };
    });
    const { onSetUp } = renderCard("github");
    await fireEvent.click(screen.getByRole("button", { name: "Connect" }));
    expect(await screen.findByText("GitHub needs a client ID before you can sign in.")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Set up GitHub" }));
    expect(onSetUp).toHaveBeenCalledWith("github");
  });

  it("shows the device code, where to enter it, and opens the page on request", async () => {
    const device: FlowUpdate = flow(
      { state: "waitingForDeviceCode", userCode: "WDJB-MJHT", verificationUri: "https://github.com/login/device", expiresAt: 1_795_000_900 },
      { provider: "github", flowId: "flow-7" },
    );
    backend((command) => (command === "start_connect" ? device : undefined));
    renderCard("github");
    await fireEvent.click(screen.getByRole("button", { name: "Use a code instead" }));
    expect(await screen.findByText("WDJB-MJHT")).toBeTruthy();
    expect(calls[0]).toEqual([
      "start_connect",
      { request: { provider: "github", products: ["github"], method: "device_code", redirect: null, connection: null, scopes: [] } },
    ]);
    expect(screen.getByText("https://github.com/login/device")).toBeTruthy();
    expect(screen.getByText(/The code expires at/)).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Copy code" }));
    expect(writeText).toHaveBeenCalledWith("WDJB-MJHT");
    await fireEvent.click(screen.getByRole("button", { name: "Open the page" }));
    expect(calls.at(-1)).toEqual(["open_flow_in_browser", { flowId: "flow-7" }]);
  });
});

describe("ProviderCard key and token form", () => {
  it("verifies the values with the provider, after showing its cautions", async () => {
    const warning = "This is a service-role key: it bypasses row-level security.";
    backend((command, args) => {
      if (command === "credential_warnings") {
        const { values } = args.request as { values: Record<string, string> };
        return values.api_key?.startsWith("sb_secret_") ? [warning] : [];
      }
      if (command === "connect_with_credentials") {
        return connection({ id: 9, provider: "supabase", products: ["supabase"], authKind: "api_key", accountLabel: "Acme", scopes: [] });
      }
    });
    renderCard("supabase");
    await fireEvent.click(screen.getByRole("button", { name: "Connect" }));

    const key = screen.getByLabelText("API key") as HTMLInputElement;
    expect(key.type).toBe("password");
    expect(screen.getByText("The publishable (anon) key.")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Show API key" }));
    expect(key.type).toBe("text");

    await fireEvent.input(screen.getByLabelText("Project URL"), { target: { value: "https://acme.supabase.co" } });
    await fireEvent.input(key, { target: { value: "sb_secret_123" } });
    expect(await screen.findByText(warning)).toBeTruthy();

    await fireEvent.click(screen.getByRole("button", { name: "Verify and connect" }));
    expect(await screen.findByText("Done: Acme is connected.")).toBeTruthy();
    expect(calls.find(([command]) => command === "connect_with_credentials")).toEqual([
      "connect_with_credentials",
      {
        request: {
          provider: "supabase",
          products: ["supabase"],
          values: { project_url: "https://acme.supabase.co", api_key: "sb_secret_123" },
        },
      },
    ]);
  });

  it("asks for every field and shows why the provider refused", async () => {
    backend((command) => {
      if (command === "credential_warnings") return [];
      if (command === "connect_with_credentials") throw { code: "ProviderRejected", message: "Supabase said the key is not valid." };
    });
    renderCard("supabase");
    await fireEvent.click(screen.getByRole("button", { name: "Connect" }));
    await fireEvent.click(screen.getByRole("button", { name: "Verify and connect" }));
    expect(screen.getByText("Fill in every field first.")).toBeTruthy();
    expect(commands()).not.toContain("connect_with_credentials");

    await fireEvent.input(screen.getByLabelText("Project URL"), { target: { value: "https://acme.supabase.co" } });
    await fireEvent.input(screen.getByLabelText("API key"), { target: { value: "nope" } });
    await fireEvent.click(screen.getByRole("button", { name: "Verify and connect" }));
    expect(await screen.findByText("Supabase said the key is not valid.")).toBeTruthy();
  });

  it("offers a session-only key when saving the key needs the keyring, then connects", async () => {
    let sessionOnly = false;
    backend((command) => {
      if (command === "credential_warnings") return [];
      if (command === "use_session_only_key") sessionOnly = true;
      if (command === "connect_with_credentials" && !sessionOnly) {
        throw { code: "KeyringUnavailable", message: "The keyring is locked." };
      }
      if (command === "connect_with_credentials") {
        return connection({ id: 3, provider: "github", products: ["github"], authKind: "api_key", accountLabel: "octocat", scopes: [] });
      }
    });
    renderCard("github");
    await fireEvent.click(screen.getByRole("button", { name: "Use a key or token instead" }));
    await fireEvent.input(screen.getByLabelText("Personal access token"), { target: { value: "ghp_abc" } });
    await fireEvent.click(screen.getByRole("button", { name: "Verify and connect" }));
    expect(await screen.findByText("The keyring is locked.")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Continue for this session only" }));
    expect(await screen.findByText("Done: octocat is connected.")).toBeTruthy();
    expect(commands().filter((command) => command !== "credential_warnings")).toEqual([
      "connect_with_credentials",
      "use_session_only_key",
      "connect_with_credentials",
    ]);
  });
});

describe("ProviderCard mark", () => {
  function markOf(providerId: string): HTMLElement {
    const mark = document.querySelector<HTMLElement>(`[data-provider="${providerId}"] [data-provider-mark]`);
    if (!mark) throw new Error(`the ${providerId} card draws no mark`);
    return mark;
  }

  it("tells Google and GitHub apart by their own marks, not the same letter", () => {
    renderCard("google");
    renderCard("github");
    const google = markOf("google");
    const github = markOf("github");
    expect(google.dataset.providerMark).toBe("google");
    expect(github.dataset.providerMark).toBe("github");
    const shapes = [google, github].map((mark) => mark.querySelector("svg path")?.getAttribute("d"));
    expect(shapes[0], "each draws its icon").toBeTruthy();
    expect(shapes[0], "two different icons").not.toBe(shapes[1]);
    expect(google.textContent?.trim(), "no letter beside the icon").toBe("");
    expect(google.getAttribute("aria-hidden"), "the name is written beside it: decorative").toBe("true");
  });

  it("keeps the letter for a provider without a mark", () => {
    const google = integrations().find((candidate) => candidate.provider.id === "google")!;
    const acme = { ...google, provider: { ...google.provider, id: "acme", name: "Acme" } };
    render(ProviderCard, { integration: acme, flows: new FlowTracker(), onSetUp: vi.fn() });
    const mark = markOf("acme");
    expect(mark.dataset.providerMark).toBe("letter");
    expect(mark.textContent).toBe("A");
    expect(mark.querySelector("svg")).toBeNull();
    expect(mark.getAttribute("aria-hidden")).toBe("true");
  });
});
