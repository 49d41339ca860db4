import { afterEach, describe, expect, it } from "vitest";
import { render, screen, fireEvent } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import IntegrationsPage from "./IntegrationsPage.svelte";
import { providers } from "../test-fixtures";

afterEach(() => clearMocks());

describe("IntegrationsPage", () => {
  it("shows every provider the backend lists, with its products and ways to connect", async () => {
    mockIPC((command) => (command === "list_providers" ? providers : undefined));
    render(IntegrationsPage);
    expect(await screen.findByRole("heading", { name: "Google" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "GitHub" })).toBeTruthy();
    expect(screen.getByText("Gmail")).toBeTruthy();
    expect(screen.getByText("Browser sign-in · Device code · API key")).toBeTruthy();
  });

  it("renders markup in provider data as text, never as HTML", async () => {
    const hostile = { ...providers[0], id: "evil", name: "<img src=x onerror=alert(1)>Evil" };
    mockIPC(() => [hostile]);
    const { container } = render(IntegrationsPage);
    expect(await screen.findByText("<img src=x onerror=alert(1)>Evil")).toBeTruthy();
    expect(container.querySelector("img")).toBeNull();
  });

  it("says what failed and retries on request", async () => {
    let attempts = 0;
    mockIPC(() => {
      attempts += 1;
      if (attempts === 1) throw { code: "Internal", message: "The catalogue could not be read." };
      return providers;
    });
    render(IntegrationsPage);
    expect(await screen.findByText("The catalogue could not be read.")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("heading", { name: "Google" })).toBeTruthy();
  });
});
