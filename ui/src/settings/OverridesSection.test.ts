import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { InvokeArgs } from "@tauri-apps/api/core";
import OverridesSection from "./OverridesSection.svelte";
import type { OverridesStatus } from "../bindings/OverridesStatus";

afterEach(() => clearMocks());

const none: OverridesStatus = { file: null, source: null, error: null, nextStart: null };

describe("OverridesSection", () => {
  it("says when the file in use could not be loaded, as text", () => {
    const broken = { ...none, file: "/tmp/o.toml", source: "environment" as const, error: "o.toml: providers.gitlab: <b>no such provider</b>" };
    render(OverridesSection, { initial: broken });
    expect(screen.getByText(/It could not be used/).textContent).toContain("<b>no such provider</b>");
    expect(screen.getByText(/SWITCHBOARD_OVERRIDES is set/)).toBeTruthy();
  });

  it("checks and saves a file, then offers a restart", async () => {
    const calls: { command: string; args?: InvokeArgs }[] = [];
    mockIPC((command, args) => {
      calls.push({ command, args });
      if (command === "set_overrides_file") return { ...none, nextStart: "/home/ana/o.toml" };
    });
    render(OverridesSection, { initial: none });
    await fireEvent.input(screen.getByLabelText("Overrides file"), { target: { value: " /home/ana/o.toml " } });
    await fireEvent.click(screen.getByRole("button", { name: "Check and save" }));
    expect(await screen.findByText(/applies when Switchboard starts again/)).toBeTruthy();
    expect(calls[0]).toEqual({ command: "set_overrides_file", args: { path: "/home/ana/o.toml" } });
    await fireEvent.click(screen.getByRole("button", { name: "Restart now" }));
    expect(calls.map((call) => call.command)).toContain("restart_app");
  });

  it("shows why a file was refused and keeps what was typed", async () => {
    mockIPC((command) => {
      if (command === "set_overrides_file") throw { code: "InvalidInput", message: "That file cannot be used: o.toml: providers.github.colour: unknown field." };
    });
    render(OverridesSection, { initial: none });
    const input = screen.getByLabelText("Overrides file") as HTMLInputElement;
    await fireEvent.input(input, { target: { value: "/home/ana/o.toml" } });
    await fireEvent.click(screen.getByRole("button", { name: "Check and save" }));
    expect(await screen.findByText(/providers.github.colour/)).toBeTruthy();
    expect(input.value).toBe("/home/ana/o.toml");
    expect(screen.queryByText(/applies when Switchboard starts again/)).toBeNull();
  });
});
