// What Settings › Model says about each kind of model, and how the form's key field becomes the KeyChange it saves.
import type { KeyChange } from "../bindings/KeyChange";
import type { ModelKind } from "../bindings/ModelKind";

export type ServerKind = Exclude<ModelKind, "builtin">;

export const KIND_LABELS: Record<ModelKind, string> = {
  builtin: "Built in (works offline, default)",
  openAiCompatible: "OpenAI-compatible server (OpenAI, Ollama, LM Studio, OpenRouter, vLLM)",
  anthropic: "Anthropic",
};

export const KINDS = Object.keys(KIND_LABELS) as ModelKind[];

export const KIND_HINTS: Record<ModelKind, string> = {
  builtin: "Understands requests on this computer, with no account or key: nothing you write leaves it.",
  openAiCompatible: "Your messages, and what actions find, are sent to this server.",
  anthropic: "Your messages, and what actions find, are sent to Anthropic.",
};

/** Where each server kind usually is, and what to write. */
export const BASE_URLS: Record<ServerKind, { placeholder: string; hint: string }> = {
  openAiCompatible: {
    placeholder: "https://api.openai.com/v1",
    hint: "Up to and including /v1. Ollama on this computer is http://127.0.0.1:11434/v1.",
  },
  anthropic: { placeholder: "https://api.anthropic.com", hint: "Anthropic's API is at https://api.anthropic.com." },
};

const STORED = "Kept encrypted on this computer and never shown again; only sent to this server.";

export const KEY_HINTS: Record<ServerKind, string> = {
  openAiCompatible: `Servers on this computer (Ollama, LM Studio) usually need none. ${STORED}`,
  anthropic: `From console.anthropic.com. ${STORED}`,
};

export function isServer(kind: ModelKind): kind is ServerKind {
  return kind !== "builtin";
}

/** A typed key replaces the saved one; otherwise the saved key is kept, or removed when the person chose so. */
export function keyChange(typed: string, remove: boolean): KeyChange {
  const value = typed.trim();
  if (value !== "") return { kind: "set", value };
  return remove ? { kind: "remove" } : { kind: "keep" };
}

export function countModels(count: number): string {
  return `${count} ${count === 1 ? "model" : "models"}`;
}
