import { afterEach, describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import SettingsPage from "./SettingsPage.svelte";
import { overview } from "../test-fixtures";

afterEach(() => clearMocks());

describe("SettingsPage", () => {
  it("shows where data lives", async () => {
    mockIPC(() => overview());
    render(SettingsPage);
    expect(await screen.findByText("/home/ana/.local/share/dev.switchboard.desktop/switchboard.db")).toBeTruthy();
    expect(screen.getByText(/logs\/switchboard\.log\.YYYY-MM-DD/)).toBeTruthy();
  });

  it("explains an unavailable keyring and offers to check again", async () => {
    mockIPC(() =>
      overview({ keyStorage: { state: "Unavailable", backend: "Secret Service", reason: "The keyring is locked." } }),
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
      message: "Recovered",
      detail: "/data/switchboard.db.corrupt-2026-11-22T03-00-00Z",
      createdAt: 1_795_000_000,
    };
    mockIPC(() => overview({ database: { schemaVersion: 1, lastRecovery: recovery } }));
    render(SettingsPage);
    expect(await screen.findByText("/data/switchboard.db.corrupt-2026-11-22T03-00-00Z")).toBeTruthy();
  });

  it("shows the last deep link pushed by the backend, without any query", async () => {
    mockIPC(() => overview());
    render(SettingsPage, {
      lastDeepLink: { receivedAt: 1_795_000_000, route: "switchboard://oauth/callback/github", outcome: { kind: "noPendingFlow" } },
    });
    expect(await screen.findByText("switchboard://oauth/callback/github")).toBeTruthy();
    expect(screen.getByText("No sign-in was waiting for it, so it was ignored.")).toBeTruthy();
  });

  it("says when sign-in links cannot reach the app", async () => {
    const reason = "there is no session D-Bus (refused); sign-ins will come back over a local connection instead";
    mockIPC(() =>
      overview({ deepLinks: { scheme: "switchboard", registration: { state: "Unavailable", reason }, lastReceived: null } }),
    );
    render(SettingsPage);
    expect(await screen.findByText(`${reason}.`)).toBeTruthy();
    expect(screen.getByText("Unavailable")).toBeTruthy();
  });

  it("shows the backend's error when the overview fails", async () => {
    mockIPC(() => {
      throw { code: "Storage", message: "Switchboard could not use its database." };
    });
    render(SettingsPage);
    expect(await screen.findByText("Switchboard could not use its database.")).toBeTruthy();
  });
});
