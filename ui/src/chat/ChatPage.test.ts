import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import ChatPage from "./ChatPage.svelte";
import { ChatChanges } from "./chatChanges.svelte";
import { FlowTracker } from "../integrations/flows.svelte";
import { chatBackend, conversationSummary, message } from "./test-chat";
import type { ChatMessage } from "../bindings/ChatMessage";

afterEach(() => clearMocks());

function renderPage(changes = new ChatChanges()) {
  const onSetUp = vi.fn();
  render(ChatPage, { onSetUp, flows: new FlowTracker(), changes, searchDelay: 0 });
  return { onSetUp, changes };
}

const composer = () => screen.getByLabelText("Message") as HTMLTextAreaElement;
const shownIds = () => [...document.querySelectorAll<HTMLElement>("[data-message-id]")].map((element) => Number(element.dataset.messageId));

describe("Chat page", () => {
  it("sends on Enter, and starts a new line on Shift+Enter", async () => {
    const backend = chatBackend({
      conversations: [conversationSummary(1, "Trip")],
      messages: { 1: [message(1, { text: "Hello" }), message(2, { text: "Hi there" })] },
    });
    renderPage();
    expect(await screen.findByText("Hi there")).toBeTruthy();

    await fireEvent.input(composer(), { target: { value: "Line one" } });
    const shiftEnter = await fireEvent.keyDown(composer(), { key: "Enter", shiftKey: true });
    expect(shiftEnter, "Shift+Enter is left to the text area").toBe(true);
    expect(backend.callsOf("send_message")).toEqual([]);

    await fireEvent.keyDown(composer(), { key: "Enter" });
    expect(await screen.findByText("You said: Line one")).toBeTruthy();
    expect(backend.callsOf("send_message")).toEqual([{ conversation: 1, text: "Line one" }]);
    expect(composer().value).toBe("");
    expect(screen.getByRole("log", { name: "Messages" }).getAttribute("aria-live")).toBe("polite");
  });

  it("shows Working… with a Stop button while a request runs, and Esc stops it", async () => {
    let finish: (messages: ChatMessage[]) => void = () => {};
    const backend = chatBackend({
      conversations: [conversationSummary(1, "Trip")],
      messages: { 1: [message(1, { text: "Hello", runId: 8 }), message(2, { text: "Hi there", runId: 8 })] },
      overrides: { send_message: () => new Promise((resolve) => (finish = resolve)) },
    });
    renderPage();
    await screen.findByText("Hi there");
    await fireEvent.input(composer(), { target: { value: "Find the report" } });
    await fireEvent.click(screen.getByRole("button", { name: "Send" }));

    expect(await screen.findByText("Working…")).toBeTruthy();
    expect(screen.getByText("Find the report")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Send" })).toBeNull();
    expect(screen.getByRole("button", { name: "Stop" })).toBeTruthy();

    await fireEvent.keyDown(composer(), { key: "Escape" });
    await waitFor(() => expect(backend.callsOf("stop_conversation")).toEqual([{ conversation: 1 }]));
    finish([message(3, { role: "user", text: "Find the report", runId: 9 }), message(4, { text: "Stopped.", runId: 9 })]);
    expect(await screen.findByText("Stopped.")).toBeTruthy();
    expect(screen.queryByText("Working…")).toBeNull();
  });

  it("loads the last page of a long conversation, and older pages at the top, keeping the reading place", async () => {
    const all = Array.from({ length: 10_000 }, (_, index) => message(index + 1));
    const backend = chatBackend({ conversations: [conversationSummary(1, "Long")], messages: { 1: all } });
    renderPage();
    await screen.findByText("Message 10000");
    expect(shownIds()).toHaveLength(50);
    expect(shownIds()[0]).toBe(9951);
    expect(backend.callsOf("conversation_messages")).toEqual([{ id: 1, before: null, limit: 50 }]);

    const log = screen.getByRole("log", { name: "Messages" });
    Object.defineProperty(log, "scrollHeight", { configurable: true, get: () => shownIds().length * 100 });
    log.scrollTop = 0;
    await fireEvent.scroll(log);
    await waitFor(() => expect(shownIds()).toHaveLength(100));
    expect(backend.callsOf("conversation_messages")[1]).toEqual({ id: 1, before: 9951, limit: 50 });
    await waitFor(() => expect(log.scrollTop, "the message read before stays in view").toBe(5000));

    await fireEvent.click(screen.getByRole("button", { name: "Show earlier messages" }));
    await waitFor(() => expect(shownIds()[0]).toBe(9851));
  });

  it("searches, renames and deletes conversations, and moves between them with the arrow keys", async () => {
    const backend = chatBackend({
      conversations: [conversationSummary(1, "Trip to Lisbon", "Flights on Friday"), conversationSummary(2, "Budget")],
      messages: { 1: [message(1, { text: "Lisbon" })], 2: [message(1, { conversationId: 2, text: "Numbers" })] },
    });
    renderPage();
    const nav = await screen.findByRole("navigation", { name: "Conversations" });
    const trip = await within(nav).findByRole("button", { name: /^Trip to Lisbon/ });
    await waitFor(() => expect(trip.getAttribute("aria-current")).toBe("true"));

    await fireEvent.keyDown(trip, { key: "ArrowDown" });
    const budget = within(nav).getByRole("button", { name: /^Budget/ });
    expect(budget.getAttribute("aria-current")).toBe("true");
    expect(document.activeElement).toBe(budget);
    expect(await screen.findByText("Numbers")).toBeTruthy();
    await fireEvent.keyDown(budget, { key: "ArrowUp" });
    await screen.findByText("Lisbon");

    await fireEvent.input(screen.getByLabelText("Search conversations"), { target: { value: "budg" } });
    await waitFor(() => expect(within(nav).queryByRole("button", { name: /^Trip to Lisbon/ })).toBeNull());
    expect(backend.callsOf("list_conversations").at(-1)).toEqual({ search: "budg" });
    await fireEvent.input(screen.getByLabelText("Search conversations"), { target: { value: "" } });
    await within(nav).findByRole("button", { name: /^Trip to Lisbon/ });

    await fireEvent.click(within(nav).getByRole("button", { name: "Rename Trip to Lisbon" }));
    const title = within(nav).getByLabelText("Title of Trip to Lisbon") as HTMLInputElement;
    await fireEvent.input(title, { target: { value: "Lisbon in May" } });
    await fireEvent.submit(title.form!);
    expect(await within(nav).findByRole("button", { name: /^Lisbon in May/ })).toBeTruthy();
    expect(backend.callsOf("rename_conversation")).toEqual([{ id: 1, title: "Lisbon in May" }]);

    await fireEvent.keyDown(within(nav).getByRole("button", { name: /^Lisbon in May/ }), { key: "F2" });
    await fireEvent.keyDown(within(nav).getByLabelText("Title of Lisbon in May"), { key: "Escape" });
    expect(within(nav).queryByLabelText("Title of Lisbon in May")).toBeNull();

    await fireEvent.click(within(nav).getByRole("button", { name: "Delete Lisbon in May" }));
    const confirm = within(nav).getByRole("alertdialog", { name: "Delete Lisbon in May?" });
    await fireEvent.click(within(confirm).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(within(nav).queryByRole("button", { name: /^Lisbon in May/ })).toBeNull());
    expect(backend.callsOf("delete_conversation")).toEqual([{ id: 1 }]);
    expect(within(nav).getByRole("button", { name: /^Budget/ }).getAttribute("aria-current")).toBe("true");
  });

  it("offers suggestions in an empty chat, and a chip starts a conversation with its words", async () => {
    const backend = chatBackend({ suggestions: ["Summarise my unread email", "What is on my calendar today?"] });
    renderPage();
    expect(await screen.findByText("No conversations yet.")).toBeTruthy();
    await fireEvent.click(await screen.findByRole("button", { name: "Summarise my unread email" }));
    expect(await screen.findByText("You said: Summarise my unread email")).toBeTruthy();
    expect(backend.callsOf("create_conversation")).toHaveLength(1);
    expect(backend.callsOf("send_message")).toEqual([{ conversation: 1, text: "Summarise my unread email" }]);
  });

  it("reads the open conversation again when the backend says it changed", async () => {
    const messages = { 1: [message(1, { text: "Connect my Gmail" })] };
    chatBackend({ conversations: [conversationSummary(1, "Mail")], messages });
    const { changes } = renderPage();
    await screen.findByText("Connect my Gmail");
    messages[1].push(message(2, { text: "Gmail is connected." }));
    changes.handle({ name: "chat://changed", payload: { conversation: 2 } });
    changes.handle({ name: "chat://changed", payload: { conversation: 1 } });
    expect(await screen.findByText("Gmail is connected.")).toBeTruthy();
  });

  it("shows the model's words as they arrive, then the final answer", async () => {
    let finish: (messages: ChatMessage[]) => void = () => {};
    const messages = { 1: [message(1, { text: "Hello" }), message(2, { text: "Hi there" })] };
    chatBackend({
      conversations: [conversationSummary(1, "Trip")],
      messages,
      overrides: { send_message: () => new Promise((resolve) => (finish = resolve)) },
    });
    const { changes } = renderPage();
    await screen.findByText("Hi there");
    await fireEvent.input(composer(), { target: { value: "Plan my day" } });
    await fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await screen.findByText("Working…");

    // Words heard before the row is read are kept: the reload shows the longer text.
    changes.handle({ name: "chat://streaming", payload: { conversation: 1, message: 4, text: "First, " } });
    messages[1].push(message(3, { role: "user", text: "Plan my day" }), message(4, { role: "assistant", text: "" }));
    changes.handle({ name: "chat://changed", payload: { conversation: 1 } });
    const answer = await waitFor(() => {
      const found = document.querySelector<HTMLElement>('[data-message-id="4"]');
      expect(found).not.toBeNull();
      return found!;
    });
    await waitFor(() => expect(answer.textContent).toContain("First,"));
    expect(answer.getAttribute("aria-busy")).toBe("true");
    expect(within(answer).queryByRole("button", { name: "Copy this answer" }), "no copying half an answer").toBeNull();
    expect(screen.queryByText("Working…"), "the caret says it is working").toBeNull();
    expect(screen.getAllByText("Plan my day"), "the stored message replaces the one on its way: shown once").toHaveLength(1);

    changes.handle({ name: "chat://streaming", payload: { conversation: 2, message: 4, text: "Not this one" } });
    changes.handle({ name: "chat://streaming", payload: { conversation: 1, message: 4, text: "First, **coffee**" } });
    await waitFor(() => expect(within(answer).getByText("coffee").tagName).toBe("STRONG"));
    changes.handle({ name: "chat://streaming", payload: { conversation: 1, message: 4, text: "First," } });
    expect(answer.textContent, "an older, shorter text does not win").toContain("coffee");

    finish([message(3, { role: "user", text: "Plan my day" }), message(4, { role: "assistant", text: "First, coffee. Then work." })]);
    await waitFor(() => expect(answer.textContent).toContain("Then work."));
    expect(answer.getAttribute("aria-busy")).toBeNull();
    expect(within(answer).getByRole("button", { name: "Copy this answer" })).toBeTruthy();
    changes.handle({ name: "chat://streaming", payload: { conversation: 1, message: 4, text: "First, coffee. Then work. And late words" } });
    await Promise.resolve();
    expect(answer.textContent, "words heard after the final answer are ignored").not.toContain("late words");
  });

  it("stops a streaming answer with stop_conversation, and shows what the stop recorded", async () => {
    let finish: (messages: ChatMessage[]) => void = () => {};
    const messages = { 1: [message(1, { text: "Hello" }), message(2, { text: "Hi there" })] };
    const backend = chatBackend({
      conversations: [conversationSummary(1, "Trip")],
      messages,
      overrides: {
        send_message: () => new Promise((resolve) => (finish = resolve)),
        stop_conversation: () => [message(4, { role: "assistant", text: "A long story (stopped)" })],
      },
    });
    const { changes } = renderPage();
    await screen.findByText("Hi there");
    await fireEvent.input(composer(), { target: { value: "Tell me a story" } });
    await fireEvent.click(screen.getByRole("button", { name: "Send" }));
    messages[1].push(message(3, { role: "user", text: "Tell me a story" }), message(4, { role: "assistant", text: "" }));
    changes.handle({ name: "chat://changed", payload: { conversation: 1 } });
    changes.handle({ name: "chat://streaming", payload: { conversation: 1, message: 4, text: "A long story" } });
    expect(await screen.findByText("A long story")).toBeTruthy();

    await fireEvent.click(screen.getByRole("button", { name: "Stop" }));
    await waitFor(() => expect(backend.callsOf("stop_conversation")).toEqual([{ conversation: 1 }]));
    expect(await screen.findByText("A long story (stopped)")).toBeTruthy();
    expect(document.querySelector('[data-message-id="4"]')!.getAttribute("aria-busy")).toBeNull();
    expect(screen.getByRole("button", { name: "Stopping…" }), "the send itself ends when the backend says so").toBeTruthy();
    finish([message(3, { role: "user", text: "Tell me a story" }), message(4, { role: "assistant", text: "A long story (stopped)" })]);
    await waitFor(() => expect(screen.getByRole("button", { name: "Send" })).toBeTruthy());
  });
});
