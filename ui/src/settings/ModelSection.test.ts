import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { InvokeArgs } from "@tauri-apps/api/core";
import ModelSection from "./ModelSection.svelte";
import { localOllama, modelSettingsView } from "../test-fixtures";
import type { LocalModelServer } from "../bindings/LocalModelServer";
import type { ModelSettingsInput } from "../bindings/ModelSettingsInput";
import type { ModelSettingsView } from "../bindings/ModelSettingsView";

afterEach(() => clearMocks());

type Handler = (args: Record<string, unknown>) => unknown;

/** The model commands, starting from `saved`; saving keeps what was sent (and whether a key is saved) and names it. */
function modelBackend(saved: ModelSettingsView, local: LocalModelServer | null = null, overrides: Record<string, Handler> = {}) {
  const calls: { command: string; args: Record<string, unknown> }[] = [];
  let current = saved;
  const handlers: Record<string, Handler> = {
    model_settings: () => current,
    find_local_model_server: () => local,
    save_model_settings: ({ input }) => {
      const { settings, key } = input as ModelSettingsInput;
      const hasKey = key.kind === "set" ? true : key.kind === "remove" ? false : current.hasKey;
      const inUse = settings.kind === "builtin" ? "Built in (works offline)" : `${settings.model} at ${new URL(settings.baseUrl).host}`;
      current = { settings, hasKey, inUse };
      return current;
    },
    ...overrides,
  };
  mockIPC((command: string, payload?: InvokeArgs) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ command, args });
    return handlers[command]?.(args);
  });
  return {
    saves: () => calls.filter((call) => call.command === "save_model_settings").map((call) => call.args.input),
    callsOf: (command: string) => calls.filter((call) => call.command === command).map((call) => call.args),
  };
}

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const ollama = modelSettingsView(
  { kind: "openAiCompatible", baseUrl: "http://127.0.0.1:11434/v1", model: "llama3.2" },
  { inUse: "llama3.2 at 127.0.0.1:11434" },
);

async function save() {
  await fireEvent.click(screen.getByRole("button", { name: "Save model" }));
  expect(await screen.findByText("Saved")).toBeTruthy();
}

describe("ModelSection", () => {
  it("saves each kind of model with the right key change, and never shows a key", async () => {
    const backend = modelBackend(modelSettingsView());
    render(ModelSection);
    expect(await screen.findByText("Built in (works offline)")).toBeTruthy();
    expect(screen.queryByLabelText("Base URL"), "the built-in planner has no server fields").toBeNull();

    await fireEvent.click(screen.getByRole("radio", { name: /^OpenAI-compatible server/ }));
    expect(field("Base URL").placeholder).toBe("https://api.openai.com/v1");
    await fireEvent.input(field("Base URL"), { target: { value: " https://api.openai.com/v1 " } });
    await fireEvent.input(field("Model"), { target: { value: "gpt-4o-mini" } });
    await fireEvent.input(field("API key"), { target: { value: "sk-secret-1" } });
    expect(field("API key").type).toBe("password");
    await fireEvent.input(field("Token budget"), { target: { value: "32000" } });
    await save();
    expect(backend.saves()[0]).toEqual({
      settings: { kind: "openAiCompatible", baseUrl: "https://api.openai.com/v1", model: "gpt-4o-mini", tokenBudget: 32000 },
      key: { kind: "set", value: "sk-secret-1" },
    });
    expect(screen.getByText("gpt-4o-mini at api.openai.com"), "the saved state names what is in use").toBeTruthy();
    expect(field("API key").value, "the key is not kept in the page").toBe("");
    expect(document.body.innerHTML).not.toContain("sk-secret-1");
    expect(screen.getByText("A key is saved (not shown). Leave empty to keep it.")).toBeTruthy();

    await save();
    expect(backend.saves()[1]).toMatchObject({ key: { kind: "keep" } });

    await fireEvent.click(screen.getByRole("button", { name: "Remove key" }));
    expect(screen.getByText("The saved key will be removed when you save.")).toBeTruthy();
    await save();
    expect(backend.saves()[2]).toMatchObject({ key: { kind: "remove" } });
    expect(screen.queryByText(/A key is saved/)).toBeNull();

    await fireEvent.click(screen.getByRole("radio", { name: "Anthropic" }));
    expect(field("Base URL").value).toBe("https://api.anthropic.com");
    await fireEvent.input(field("Model"), { target: { value: "claude-sonnet-4-5" } });
    await save();
    expect(backend.saves()[3]).toEqual({
      settings: { kind: "anthropic", baseUrl: "https://api.anthropic.com", model: "claude-sonnet-4-5", tokenBudget: 32000 },
      key: { kind: "keep" },
    });

    await fireEvent.click(screen.getByRole("radio", { name: "Built in (works offline, default)" }));
    await save();
    expect(backend.saves()[4]).toEqual({
      settings: { kind: "builtin", baseUrl: "", model: "", tokenBudget: 32000 },
      key: { kind: "keep" },
    });
    expect(screen.getByText("Built in (works offline)")).toBeTruthy();
  });

  it("starts with the saved key's field empty, and shows the backend's word on what is wrong", async () => {
    modelBackend({ ...ollama, hasKey: true }, null, {
      save_model_settings: () => {
        throw { code: "InvalidInput", message: "The token budget must be from 2,000 to 1,000,000 tokens." };
      },
    });
    render(ModelSection);
    await screen.findByText("llama3.2 at 127.0.0.1:11434");
    expect(field("Base URL").value).toBe("http://127.0.0.1:11434/v1");
    expect(field("API key").value).toBe("");
    expect(field("API key").placeholder).toBe("Saved — leave empty to keep");
    await fireEvent.input(field("Token budget"), { target: { value: "50" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save model" }));
    expect((await screen.findByRole("alert")).textContent).toBe("The token budget must be from 2,000 to 1,000,000 tokens.");
  });

  it("lists the server's models to choose from, and says why when it cannot", async () => {
    let failing = false;
    const backend = modelBackend(ollama, null, {
      list_models: () => {
        if (failing) throw { code: "Network", message: "Nothing answered at http://127.0.0.1:11434/v1." };
        return ["llama3.2", "qwen2.5"];
      },
    });
    render(ModelSection);
    await screen.findByText("llama3.2 at 127.0.0.1:11434");
    await fireEvent.click(screen.getByRole("button", { name: "Load models" }));
    expect(await screen.findByText("2 models to choose from in the field.")).toBeTruthy();
    const list = document.getElementById(field("Model").getAttribute("list")!)!;
    expect([...list.querySelectorAll("option")].map((option) => option.value)).toEqual(["llama3.2", "qwen2.5"]);
    expect(backend.callsOf("list_models")).toEqual([
      { request: { kind: "openAiCompatible", baseUrl: "http://127.0.0.1:11434/v1", key: null } },
    ]);

    failing = true;
    await fireEvent.input(field("API key"), { target: { value: "typed-key" } });
    await fireEvent.click(screen.getByRole("button", { name: "Load models" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Nothing answered at http://127.0.0.1:11434/v1.");
    expect(backend.callsOf("list_models")[1]).toEqual({
      request: { kind: "openAiCompatible", baseUrl: "http://127.0.0.1:11434/v1", key: "typed-key" },
    });
    await fireEvent.input(field("Model"), { target: { value: "mistral" } });
    expect(field("Model").value, "a name can still be typed").toBe("mistral");
  });

  it("tests the saved model and shows how it answered, or exactly what went wrong", async () => {
    let fail = false;
    modelBackend(ollama, null, {
      test_model: () => {
        if (fail) throw { code: "ProviderRejected", message: "The server has no model called llama3.2: pull it, or choose another." };
        return { model: "llama3.2", latencyMs: 412, reply: "Hello!", note: "This server does not stream: answers appear whole." };
      },
    });
    render(ModelSection);
    await screen.findByText("llama3.2 at 127.0.0.1:11434");
    await fireEvent.click(screen.getByRole("button", { name: "Test" }));
    expect(await screen.findByText("Answered in 412 ms: “Hello!”")).toBeTruthy();
    expect(screen.getByText("This server does not stream: answers appear whole.")).toBeTruthy();

    fail = true;
    await fireEvent.click(screen.getByRole("button", { name: "Test" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("The server has no model called llama3.2: pull it, or choose another.");
    expect(screen.queryByText(/Answered in/)).toBeNull();
  });

  it("has nothing to test while the built-in planner is saved", async () => {
    modelBackend(modelSettingsView());
    render(ModelSection);
    await screen.findByText("Built in (works offline)");
    expect((screen.getByRole("button", { name: "Test" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("offers Ollama running on this computer, and one click uses it", async () => {
    const backend = modelBackend(modelSettingsView(), localOllama());
    render(ModelSection);
    const offer = await screen.findByText("Ollama is running on this computer (2 models).");
    await fireEvent.click(within(offer.parentElement!).getByRole("button", { name: "Use it" }));
    await waitFor(() => expect(backend.saves()).toHaveLength(1));
    expect(backend.saves()[0]).toEqual({
      settings: { kind: "openAiCompatible", baseUrl: "http://127.0.0.1:11434/v1", model: "llama3.2", tokenBudget: 16000 },
      key: { kind: "keep" },
    });
    expect(await screen.findByText("llama3.2 at 127.0.0.1:11434")).toBeTruthy();
    expect(screen.queryByText(/is running on this computer/), "offered only while the built-in planner is saved").toBeNull();
    expect(field("Model").value).toBe("llama3.2");
    expect((screen.getByRole("button", { name: "Test" }) as HTMLButtonElement).disabled).toBe(false);
  });

  it("does not offer Ollama when a server is already saved", async () => {
    modelBackend(ollama, localOllama());
    render(ModelSection);
    await screen.findByText("llama3.2 at 127.0.0.1:11434");
    await Promise.resolve();
    expect(screen.queryByText(/is running on this computer/)).toBeNull();
  });
});
