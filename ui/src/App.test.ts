import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "./App.svelte";
import { overview, providers } from "./test-fixtures";

afterEach(() => clearMocks());

function backend(command: string) {
  if (command === "list_providers") return providers;
  if (command === "settings_overview") return overview();
  if (command === "list_notices") return [];
}

describe("App", () => {
  it("opens on Integrations and reaches Settings by keyboard", async () => {
    mockIPC(backend);
    render(App);
    expect(await screen.findByRole("heading", { name: "Integrations" })).toBeTruthy();
    const current = screen.getByRole("button", { name: "Integrations" });
    expect(current.getAttribute("aria-current")).toBe("page");
    await fireEvent.keyDown(current, { key: "ArrowDown" });
    expect(await screen.findByRole("heading", { name: "Settings" })).toBeTruthy();
    expect(document.activeElement?.textContent?.trim()).toBe("Settings");
  });
});
