import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import SettingsPage from "./SettingsPage.svelte";
import { modelSettingsView, overview, providers, providerSetup } from "../test-fixtures";
import type { InvokeArgs } from "@tauri-apps/api/core";
import type { ProviderSetup } from "../bindings/ProviderSetup";
import type { ProviderSetupUpdate } from "../bindings/ProviderSetupUpdate";
import type { SettingsOverview } from "../bindings/SettingsOverview";

afterEach(() => clearMocks());

/** The settings commands, answering with `settings` and with `setups` per provider. */
function backend(settings: SettingsOverview, setups: Record<string, ProviderSetup> = {}) {
  return (command: string, args?: InvokeArgs) => {
    if (command === "settings_overview") return settings;
    if (command === "model_settings") return modelSettingsView();
    if (command === "find_local_model_server") return null;
    if (command === "list_providers") return providers;
    if (command === "provider_setup") {
      const provider = (args as { provider: string }).provider;
      return setups[provider] ?? providerSetup({ provider, setupUrl: `https://${provider}.example/apps` });
    }
  };
}

function entry(providerId: string): HTMLElement {
  const found = document.getElementById(`provider-setup-${providerId}`);
  if (!found) throw new Error(`no provider set-up entry for ${providerId}`);
  return found;
}

describe("SettingsPage", () => {
  it("shows where data lives", async () => {
    mockIPC(backend(overview()));
    render(SettingsPage);
    expect(await screen.findByText("/home/ana/.local/share/dev.switchboard.desktop/switchboard.db")).toBeTruthy();
    expect(screen.getByText(/logs\/switchboard\.log\.YYYY-MM-DD/)).toBeTruthy();
    expect(await screen.findByText("Built in (works offline)"), "the chat's model is named").toBeTruthy();
  });

  it("explains an unavailable keyring and offers to check again", async () => {
    mockIPC(
      backend(overview({ keyStorage: { state: "Unavailable", backend: "Secret Service", reason: "The keyring is locked." } })),
    );
    render(SettingsPage);
    expect(await screen.findByText("The keyring is locked.")).toBeTruthy();
    expect(screen.getByText("Unavailable")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Check again" })).toBeTruthy();
  });

  it("says when the database was recovered and where the damaged file is", async () => {
    const recovery = {
      id: 1,
      kind: "DatabaseRecovered" as const,
      message: "Recent changes may be missing.",
      detail: "/data/switchboard.db.corrupt-2026-11-22T03-00-00Z",
      createdAt: 1_795_000_000,
    };
    mockIPC(backend(overview({ database: { schemaVersion: 1, lastRecovery: recovery } })));
    render(SettingsPage);
    expect(await screen.findByText("/data/switchboard.db.corrupt-2026-11-22T03-00-00Z")).toBeTruthy();
    // The notice's own words: an unreadable WAL is not "a fresh one was started".
    expect(screen.getByText(/Recent changes may be missing\./)).toBeTruthy();
  });

  it("shows the last deep link pushed by the backend, without any query", async () => {
    mockIPC(backend(overview()));
    render(SettingsPage, {
      lastDeepLink: { receivedAt: 1_795_000_000, route: "switchboard://oauth/callback/github", outcome: { kind: "noPendingFlow" } },
    });
    expect(await screen.findByText("switchboard://oauth/callback/github")).toBeTruthy();
    expect(screen.getByText("No sign-in was waiting for it, so it was ignored.")).toBeTruthy();
  });

  it("says when sign-in links cannot reach the app", async () => {
    const reason = "there is no session D-Bus (refused); sign-ins will come back over a local connection instead";
    mockIPC(
      backend(overview({ deepLinks: { scheme: "switchboard", registration: { state: "Unavailable", reason }, lastReceived: null } })),
    );
    render(SettingsPage);
    expect(await screen.findByText(`${reason}.`)).toBeTruthy();
    expect(screen.getByText("Unavailable")).toBeTruthy();
  });

  it("shows the backend's error when the overview fails", async () => {
    mockIPC((command) => {
      if (command === "settings_overview") throw { code: "Storage", message: "Switchboard could not use its database." };
    });
    render(SettingsPage);
    expect(await screen.findByText("Switchboard could not use its database.")).toBeTruthy();
  });

  it("warns when the key is kept for this session only", async () => {
    mockIPC(backend(overview({ keyMode: "sessionOnly" })));
    render(SettingsPage);
    const section = await screen.findByRole("region", { name: "Key storage" });
    expect(within(section).getByText("Session only")).toBeTruthy();
    expect(within(section).getByText(/forgotten when Switchboard quits/)).toBeTruthy();
  });
});

describe("SettingsPage provider apps", () => {
  it("lists only the providers that sign in through the browser, with how to set each up", async () => {
    mockIPC(backend(overview()));
    render(SettingsPage);
    const section = await screen.findByRole("region", { name: "Provider apps" });
    expect(section.dataset.section).toBe("provider-apps");
    await waitFor(() => expect(entry("github").textContent).toContain("https://github.example/apps"));
    expect(entry("google")).toBeTruthy();
    expect(document.getElementById("provider-setup-supabase")).toBeNull();
    const github = within(entry("github"));
    expect(github.getByText("http://127.0.0.1/callback/github")).toBeTruthy();
    expect(github.getByText("read:user")).toBeTruthy();
    expect(github.getByText("Not set up")).toBeTruthy();
  });

  it("saves the client ID and secret, and never shows a stored secret", async () => {
    const saved: ProviderSetupUpdate[] = [];
    const stored = providerSetup({ clientId: "Iv1.abc", clientIdFrom: "settings", hasClientSecret: true });
    const setups = { github: providerSetup() };
    const settings = backend(overview(), setups);
    mockIPC((command, args) => {
      if (command === "save_provider_setup") {
        saved.push((args as { update: ProviderSetupUpdate }).update);
        return stored;
      }
      return settings(command, args);
    });
    render(SettingsPage, { focusProvider: "github" });
    const clientId = (await waitFor(() => within(entry("github")).getByLabelText("Client ID"))) as HTMLInputElement;
    expect((entry("github") as HTMLDetailsElement).open).toBe(true);
    const secret = within(entry("github")).getByLabelText("Client secret") as HTMLInputElement;
    expect(secret.type).toBe("password");
    expect(within(entry("github")).getByText("Stored encrypted with your key, never in plain settings.")).toBeTruthy();

    await fireEvent.input(clientId, { target: { value: " Iv1.abc " } });
    await fireEvent.input(secret, { target: { value: "s3cret" } });
    await fireEvent.click(within(entry("github")).getByRole("button", { name: "Save" }));
    expect(await within(entry("github")).findByText("Saved")).toBeTruthy();
    expect(saved).toEqual([{ provider: "github", clientId: "Iv1.abc", clientSecret: "s3cret", redirect: "loopback" }]);

    // The secret is gone from the page: the input is empty and only says one is kept.
    expect(secret.value).toBe("");
    expect(secret.placeholder).toBe("Saved — leave empty to keep");
    expect(document.body.textContent).not.toContain("s3cret");
    expect(within(entry("github")).getByText("Ready")).toBeTruthy();

    await fireEvent.click(within(entry("github")).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(saved).toHaveLength(2));
    expect(saved[1].clientSecret).toBeNull();
  });

  it("offers the redirect choice, says when the client ID comes from overrides, and shows save errors", async () => {
    const slackLike = providerSetup({
      provider: "github",
      clientId: "from-file",
      clientIdFrom: "overrides",
      redirectKinds: ["loopback", "deep_link"],
      clientSecretRequired: false,
    });
    const settings = backend(overview(), { github: slackLike });
    mockIPC((command, args) => {
      if (command === "save_provider_setup") throw { code: "InvalidInput", message: "That client ID has a space in it." };
      return settings(command, args);
    });
    render(SettingsPage, { focusProvider: "github" });
    await waitFor(() => within(entry("github")).getByLabelText("Client ID"));
    const github = within(entry("github"));
    expect(github.getByText(/comes from the overrides file/)).toBeTruthy();
    expect(github.queryByLabelText("Client secret")).toBeNull();
    await fireEvent.click(github.getByRole("radio", { name: "A switchboard:// sign-in link" }));
    await fireEvent.click(github.getByRole("button", { name: "Save" }));
    expect(await github.findByText("That client ID has a space in it.")).toBeTruthy();
  });

  it("says when this build's own app is in use, and never puts its ID in the field", async () => {
    const saved: ProviderSetupUpdate[] = [];
    const builtIn = providerSetup({ clientId: "built-in-id.apps", clientIdFrom: "builtIn", builtIn: true, hasClientSecret: true });
    const settings = backend(overview(), { github: builtIn });
    mockIPC((command, args) => {
      if (command === "save_provider_setup") {
        saved.push((args as { update: ProviderSetupUpdate }).update);
        return providerSetup({ clientId: "Iv1.mine", clientIdFrom: "settings", builtIn: true, hasClientSecret: true });
      }
      return settings(command, args);
    });
    render(SettingsPage, { focusProvider: "github" });
    const clientId = (await waitFor(() => within(entry("github")).getByLabelText("Client ID"))) as HTMLInputElement;
    const github = within(entry("github"));
    const source = entry("github").querySelector<HTMLElement>("[data-client-source]")!;
    expect(source.dataset.clientSource).toBe("builtIn");
    expect(source.textContent?.replace(/\s+/g, " ").trim()).toBe(
      "Built in — this build connects with its own app; nothing to set up. To use an app of your own, save its client ID here.",
    );
    expect(entry("github").querySelector("summary [data-tone]")?.textContent).toBe("Built in");
    expect(clientId.value, "the built-in ID is not the person's to save").toBe("");
    expect(document.body.textContent).not.toContain("built-in-id.apps");
    const secret = github.getByLabelText("Client secret") as HTMLInputElement;
    expect(secret.placeholder, "the built-in app's secret is not theirs").toBe("");

    await fireEvent.click(github.getByRole("button", { name: "Save" }));
    expect(github.getByText("Enter the app's client ID first.")).toBeTruthy();
    await fireEvent.input(clientId, { target: { value: "Iv1.mine" } });
    await fireEvent.click(github.getByRole("button", { name: "Save" }));
    expect(github.getByText("GitHub also needs the app's client secret.")).toBeTruthy();
    expect(saved).toEqual([]);

    await fireEvent.input(secret, { target: { value: "s3cret" } });
    await fireEvent.click(github.getByRole("button", { name: "Save" }));
    expect(await github.findByText("Saved")).toBeTruthy();
    expect(saved).toEqual([{ provider: "github", clientId: "Iv1.mine", clientSecret: "s3cret", redirect: "loopback" }]);
    expect(entry("github").querySelector<HTMLElement>("[data-client-source]")!.dataset.clientSource).toBe("settings");
  });

  it("says when the person's own app is in use, and removing its client ID goes back to the built-in app", async () => {
    const saved: ProviderSetupUpdate[] = [];
    const mine = providerSetup({ clientId: "Iv1.mine", clientIdFrom: "settings", builtIn: true, hasClientSecret: true });
    const settings = backend(overview(), { github: mine });
    mockIPC((command, args) => {
      if (command === "save_provider_setup") {
        saved.push((args as { update: ProviderSetupUpdate }).update);
        return providerSetup({ clientId: "built-in-id.apps", clientIdFrom: "builtIn", builtIn: true, hasClientSecret: true });
      }
      return settings(command, args);
    });
    render(SettingsPage, { focusProvider: "github" });
    const clientId = (await waitFor(() => within(entry("github")).getByLabelText("Client ID"))) as HTMLInputElement;
    const github = within(entry("github"));
    const source = entry("github").querySelector<HTMLElement>("[data-client-source]")!;
    expect(source.dataset.clientSource).toBe("settings");
    expect(source.textContent).toContain("Your app");
    expect(source.textContent).toContain("Remove your client ID to go back to the built-in app.");
    expect(clientId.value).toBe("Iv1.mine");

    await fireEvent.input(clientId, { target: { value: "" } });
    await fireEvent.click(github.getByRole("button", { name: "Save" }));
    expect(await github.findByText("Removed")).toBeTruthy();
    expect(saved, "the app's ID and its secret both go").toEqual([{ provider: "github", clientId: "", clientSecret: "", redirect: "loopback" }]);
    expect(entry("github").querySelector<HTMLElement>("[data-client-source]")!.dataset.clientSource).toBe("builtIn");
    expect(clientId.value).toBe("");
  });

  it("says nothing of a built-in app when the build has none", async () => {
    const mine = providerSetup({ clientId: "Iv1.mine", clientIdFrom: "settings", hasClientSecret: true });
    mockIPC(backend(overview(), { github: mine }));
    render(SettingsPage, { focusProvider: "github" });
    await waitFor(() => within(entry("github")).getByLabelText("Client ID"));
    const source = entry("github").querySelector<HTMLElement>("[data-client-source]")!;
    expect(source.dataset.clientSource).toBe("settings");
    expect(source.textContent).not.toContain("built-in");
    expect(within(entry("github")).getByText("Ready")).toBeTruthy();
  });
});
