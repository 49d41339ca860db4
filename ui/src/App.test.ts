import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { Channel, InvokeArgs } from "@tauri-apps/api/core";
import App from "./App.svelte";
import { flowTracker } from "./integrations/flows.svelte";
import { connection, everyStatus, flow, integrations, modelSettingsView, overview, providers, providerSetup } from "./test-fixtures";
import type { AppEvent } from "./bindings/AppEvent";
import type { ChatMessage } from "./bindings/ChatMessage";
import type { ConversationSummary } from "./bindings/ConversationSummary";
import { conversationSummary, message } from "./chat/test-chat";

afterEach(() => {
  clearMocks();
  welcome = false;
  finished = 0;
});

let listed = integrations();
let events: Channel<AppEvent> | null = null;
/** What `should_welcome` answers, and how often `finish_welcome` was called. */
let welcome = false;
let finished = 0;

function backend(command: string, payload?: InvokeArgs) {
  const args = payload as Record<string, unknown> | undefined;
  if (command === "list_integrations") return listed;
  if (command === "should_welcome") return welcome;
  if (command === "finish_welcome") finished += 1;
  if (command === "list_providers") return providers;
  if (command === "settings_overview") return overview();
  if (command === "model_settings") return modelSettingsView();
  if (command === "find_local_model_server") return null;
  if (command === "list_notices") return [];
  if (command === "pending_revocations") return [];
  if (command === "provider_setup") return providerSetup({ provider: args?.provider as string });
  if (command === "subscribe_events") events = args?.channel as Channel<AppEvent>;
  if (command === "start_connect") throw { code: "NotConfigured", message: "GitHub needs a client ID first." };
  if (command === "list_conversations") return chatList;
  if (command === "conversation_messages") return { messages: chatMessages, hasMore: false };
  if (command === "chat_suggestions") return [];
  if (command === "resource_kinds") return [];
}

let chatList: ConversationSummary[] = [];
let chatMessages: ChatMessage[] = [];

/** The app opens on Chat; most of these tests are about the Integrations page. */
async function openIntegrations() {
  await fireEvent.click(await screen.findByRole("button", { name: "Integrations" }));
}

function push(event: AppEvent) {
  if (!events) throw new Error("the app has not subscribed to events");
  events.onmessage(event);
}

describe("App", () => {
  it("opens on Chat and reaches Integrations and Settings by keyboard", async () => {
    mockIPC(backend);
    render(App);
    expect(await screen.findByRole("heading", { name: "Chat" })).toBeTruthy();
    const current = screen.getByRole("button", { name: "Chat" });
    expect(current.getAttribute("aria-current")).toBe("page");
    await fireEvent.keyDown(current, { key: "ArrowDown" });
    expect(await screen.findByRole("heading", { name: "Integrations" })).toBeTruthy();
    await fireEvent.keyDown(screen.getByRole("button", { name: "Integrations" }), { key: "ArrowDown" });
    expect(await screen.findByRole("heading", { name: "Settings" })).toBeTruthy();
    expect(document.activeElement?.textContent?.trim()).toBe("Settings");
  });

  it("reads the open conversation again on a chat://changed event", async () => {
    chatList = [conversationSummary(3, "Mail")];
    chatMessages = [message(1, { conversationId: 3, text: "Connect my Gmail" })];
    mockIPC(backend);
    render(App);
    expect(await screen.findByText("Connect my Gmail")).toBeTruthy();
    await waitFor(() => expect(events).not.toBeNull());
    chatMessages = [...chatMessages, message(2, { conversationId: 3, text: "Gmail is connected now." })];
    push({ name: "chat://changed", payload: { conversation: 3 } } as unknown as AppEvent);
    expect(await screen.findByText("Gmail is connected now.")).toBeTruthy();
    chatList = [];
    chatMessages = [];
  });

  it("hands the model's streamed words to the open conversation", async () => {
    chatList = [conversationSummary(3, "Mail")];
    chatMessages = [message(1, { conversationId: 3, text: "Sum up my mail" }), message(2, { conversationId: 3, text: "" })];
    mockIPC(backend);
    render(App);
    await screen.findByText("Sum up my mail");
    await waitFor(() => expect(events).not.toBeNull());
    push({ name: "chat://streaming", payload: { conversation: 3, message: 2, text: "You have" } } as unknown as AppEvent);
    push({ name: "chat://streaming", payload: { conversation: 3, message: 2, text: "You have two new emails." } } as unknown as AppEvent);
    expect(await screen.findByText("You have two new emails.")).toBeTruthy();
    expect(document.querySelector('[data-message-id="2"]')!.getAttribute("aria-busy")).toBe("true");
    chatList = [];
    chatMessages = [];
  });

  it("hands the backend's connection events to the cards", async () => {
    listed = integrations();
    mockIPC(backend);
    render(App);
    await openIntegrations();
    await screen.findByRole("heading", { name: "GitHub" });
    await waitFor(() => expect(events).not.toBeNull());

    const code = { state: "waitingForDeviceCode", userCode: "WDJB-MJHT", verificationUri: "https://github.com/login/device", expiresAt: 1_795_000_900 } as const;
    push({ name: "connections://flow", payload: flow(code, { provider: "github", flowId: "flow-9" }) });
    expect(await screen.findByText("WDJB-MJHT")).toBeTruthy();
    push({ name: "connections://flow", payload: flow({ state: "cancelled" }, { provider: "github", flowId: "flow-9" }) });
    await waitFor(() => expect(screen.queryByText("WDJB-MJHT")).toBeNull());

    listed = integrations([connection()]);
    push({ name: "connections://changed" });
    expect(await screen.findByText("Connected as ana@example.com")).toBeTruthy();
    expect(flowTracker.flowFor("github")).toBeNull();
  });

  it("takes the person from a card that needs a client ID to that provider's set-up in Settings", async () => {
    listed = integrations();
    mockIPC(backend);
    render(App);
    await openIntegrations();
    await screen.findByRole("heading", { name: "GitHub" });
    const github = document.querySelector<HTMLElement>('[data-provider="github"]')!;
    await fireEvent.click(github.querySelector<HTMLButtonElement>('[data-action="connect"]')!);
    expect(await screen.findByText("GitHub needs a client ID first.")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Set up GitHub" }));

    expect(await screen.findByRole("heading", { name: "Settings" })).toBeTruthy();
    await waitFor(() => expect((document.getElementById("provider-setup-github") as HTMLDetailsElement).open).toBe(true));
    expect((document.getElementById("provider-setup-google") as HTMLDetailsElement).open).toBe(false);
  });

  it("counts the connections that need attention in the sidebar, and hides the count at zero", async () => {
    listed = integrations(everyStatus.map((status, index) => connection({ id: index + 1, status })));
    mockIPC(backend);
    render(App);
    await waitFor(() => expect(events).not.toBeNull());
    const badge = await waitFor(() => {
      const found = document.querySelector<HTMLElement>("[data-nav=integrations] [data-attention-count]");
      if (!found) throw new Error("no badge yet");
      return found;
    });
    expect(badge.dataset.attentionCount).toBe("3");
    expect(badge.textContent).toBe("3");
    expect(badge.getAttribute("aria-label")).toBe("3 connections need attention");

    listed = integrations([connection({ status: { state: "missingScopes", missing: ["drive.readonly"] } })]);
    push({ name: "connections://changed" });
    await waitFor(() => expect(badge.getAttribute("aria-label")).toBe("1 connection needs attention"));

    await fireEvent.click(screen.getByRole("button", { name: /^Settings/ }));
    listed = integrations([connection()]);
    push({ name: "connections://changed" });
    await waitFor(() => expect(document.querySelector("[data-attention-count]")).toBeNull());
    expect(screen.getByRole("button", { name: "Integrations" })).toBeTruthy();
  });

  it("opens on the welcome on a first run, and Skip goes to the chat for good", async () => {
    welcome = true;
    listed = integrations();
    mockIPC(backend);
    render(App);
    expect(await screen.findByRole("heading", { name: "Welcome to Switchboard" })).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Chat" })).toBeNull();
    expect(document.querySelector("[aria-current=page]"), "the welcome has no sidebar entry").toBeNull();
    await waitFor(() => expect(document.querySelectorAll("[data-welcome=one-click] [data-provider]").length).toBe(2));
    expect(finished).toBe(0);

    await fireEvent.click(screen.getByRole("button", { name: "Skip for now" }));
    expect(await screen.findByRole("heading", { name: "Chat" })).toBeTruthy();
    expect(finished).toBe(1);
    await fireEvent.click(screen.getByRole("button", { name: "Integrations" }));
    await screen.findByRole("heading", { name: "Integrations" });
    expect(finished, "only once").toBe(1);
  });

  it("does not open on the welcome once it is done", async () => {
    mockIPC(backend);
    render(App);
    expect(await screen.findByRole("heading", { name: "Chat" })).toBeTruthy();
    expect(document.querySelector("[data-welcome]")).toBeNull();
  });

  it("ends the welcome when an account is connected from it, and offers to start chatting", async () => {
    welcome = true;
    listed = integrations();
    mockIPC(backend);
    render(App);
    await screen.findByRole("heading", { name: "Welcome to Switchboard" });
    await waitFor(() => expect(events).not.toBeNull());
    listed = integrations([connection()]);
    push({ name: "connections://changed" });
    expect(await screen.findByRole("button", { name: "Start chatting" })).toBeTruthy();
    expect(finished).toBe(1);
    await fireEvent.click(screen.getByRole("button", { name: "Start chatting" }));
    expect(await screen.findByRole("heading", { name: "Chat" })).toBeTruthy();
    expect(finished).toBe(1);
  });

  it("shows the welcome again from Settings, storing nothing", async () => {
    mockIPC(backend);
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Settings" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Show the welcome again" }));
    expect(await screen.findByRole("heading", { name: "Welcome to Switchboard" })).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Skip for now" }));
    expect(await screen.findByRole("heading", { name: "Chat" })).toBeTruthy();
    expect(finished).toBe(0);
  });
});
