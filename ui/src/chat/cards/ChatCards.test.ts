import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import ChatPage from "../ChatPage.svelte";
import { ChatChanges } from "../chatChanges.svelte";
import { FlowTracker } from "../../integrations/flows.svelte";
import { builtInIntegrations, flow, integrations } from "../../test-fixtures";
import type { Card } from "../../bindings/Card";
import type { ChatMessage } from "../../bindings/ChatMessage";
import type { Integration } from "../../bindings/Integration";
import { approveCard, cardMessage, chatBackend, type Handler, conversationSummary, message, pendingApproval } from "../test-chat";

afterEach(() => clearMocks());

/** A conversation whose last message carries `card`; `overrides` answer commands. */
function withCard(
  card: Card,
  options: { open?: boolean; overrides?: Record<string, Handler>; integrations?: Integration[] } = {},
) {
  const backend = chatBackend({
    conversations: [conversationSummary(1, "Work")],
    messages: { 1: [message(1, { text: "Please do it", runId: 5 }), cardMessage(2, card, { cardOpen: options.open ?? true })] },
    overrides: options.overrides,
  });
  const onSetUp = vi.fn();
  const flows = new FlowTracker();
  const shown = options.integrations ?? integrations();
  render(ChatPage, { onSetUp, flows, changes: new ChatChanges(), integrations: shown, searchDelay: 0 });
  return { backend, onSetUp, flows };
}

const clarify: Card = {
  kind: "clarify",
  actionId: "gmail.send_email",
  actionTitle: "Send an email",
  schema: { type: "object", properties: { subject: { type: "string", title: "Subject" } }, required: ["subject"] },
  known: { to: "bo@example.com" },
  searches: {},
  connectionId: 1,
};

describe("chat cards", () => {
  it("asks for the missing details, focuses the form, and answers with them", async () => {
    const backend = chatBackend({
      conversations: [conversationSummary(1, "Work")],
      messages: { 1: [message(1, { text: "Hello" })] },
      overrides: {
        send_message: () => [message(3, { role: "user", text: "Email Bo", runId: 5 }), cardMessage(4, clarify)],
        answer_card: () => [
          cardMessage(4, clarify, { cardOpen: false }),
          cardMessage(6, { kind: "result", actionTitle: "Send an email", result: { action: "gmail.send_email", connectionId: 1, summary: "Sent “Lunch” to Bo.", data: null, link: "https://mail.google.com/x" } }, { cardOpen: false, text: "Sent “Lunch” to Bo." }),
        ],
      },
    });
    render(ChatPage, { onSetUp: vi.fn(), flows: new FlowTracker(), changes: new ChatChanges(), integrations: integrations(), searchDelay: 0 });
    await screen.findByText("Hello");
    await fireEvent.input(screen.getByLabelText("Message"), { target: { value: "Email Bo" } });
    await fireEvent.keyDown(screen.getByLabelText("Message"), { key: "Enter" });

    const card = await screen.findByRole("form", { name: "Details for Send an email" });
    expect(within(card).getByText("bo@example.com")).toBeTruthy();
    const subject = within(card).getByLabelText(/Subject/);
    await waitFor(() => expect(document.activeElement, "the new card's first control has the focus").toBe(subject));

    await fireEvent.click(within(card).getByRole("button", { name: "Continue" }));
    expect(await within(card).findByText("Subject is needed.")).toBeTruthy();
    expect(backend.callsOf("answer_card")).toEqual([]);

    await fireEvent.input(subject, { target: { value: "Lunch" } });
    await fireEvent.click(within(card).getByRole("button", { name: "Continue" }));
    expect(await screen.findByText("Sent “Lunch” to Bo.")).toBeTruthy();
    expect(screen.getByText(/Send an email: done/)).toBeTruthy();
    expect(backend.callsOf("answer_card")).toEqual([{ run: 5, answer: { kind: "fill", arguments: { subject: "Lunch" } } }]);
    expect(screen.getByText("Asked for details for Send an email")).toBeTruthy();
    expect(screen.queryByRole("form", { name: "Details for Send an email" })).toBeNull();

    await fireEvent.click(screen.getByRole("button", { name: "Open the result of Send an email" }));
    await waitFor(() => expect(backend.callsOf("open_link")).toEqual([{ url: "https://mail.google.com/x" }]));
  });

  it("shows an email as an email and approves it with the button", async () => {
    const { backend } = withCard(approveCard());
    const card = await screen.findByRole("region", { name: "Approve Send an email" });
    expect(within(card).getByText("bo@example.com")).toBeTruthy();
    expect(within(card).getByText("Lunch")).toBeTruthy();
    expect(within(card).getByText("Tomorrow at noon?")).toBeTruthy();
    await fireEvent.click(within(card).getByRole("button", { name: "Approve" }));
    await waitFor(() =>
      expect(backend.callsOf("answer_card")).toEqual([{ run: 5, answer: { kind: "approve", arguments: pendingApproval().arguments } }]),
    );
  });

  it("approves with Ctrl+Enter from anywhere in the card", async () => {
    const { backend } = withCard(approveCard());
    const card = await screen.findByRole("region", { name: "Approve Send an email" });
    await fireEvent.keyDown(within(card).getByRole("button", { name: "Show details" }), { key: "Enter", ctrlKey: true });
    await waitFor(() => expect(backend.callsOf("answer_card")).toHaveLength(1));
    expect(backend.callsOf("answer_card")[0].answer).toMatchObject({ kind: "approve" });
  });

  it("reveals the exact parameters and request, and Ctrl+Enter then approves what they say", async () => {
    const { backend } = withCard(approveCard());
    const card = await screen.findByRole("region", { name: "Approve Send an email" });
    await fireEvent.click(within(card).getByRole("button", { name: "Show details" }));
    expect(card.querySelector("[data-approval-card]")).toBeTruthy();
    expect(within(card).getByText("https://gmail.googleapis.com/gmail/v1/users/me/messages/send")).toBeTruthy();
    const subject = within(card).getByLabelText(/Subject/) as HTMLInputElement;
    expect(subject.value).toBe("Lunch");
    await fireEvent.keyDown(subject, { key: "Enter", ctrlKey: true });
    await waitFor(() => expect(backend.callsOf("answer_card")).toHaveLength(1));
    expect(backend.callsOf("answer_card")[0].answer).toEqual({ kind: "approve", arguments: pendingApproval().arguments });
  });

  it("denies with a reason", async () => {
    const { backend } = withCard(approveCard());
    const card = await screen.findByRole("region", { name: "Approve Send an email" });
    await fireEvent.click(within(card).getByRole("button", { name: "Deny…" }));
    const reason = within(card).getByLabelText("Reason (optional)");
    await waitFor(() => expect(document.activeElement).toBe(reason));
    await fireEvent.input(reason, { target: { value: "Not this week" } });
    await fireEvent.click(within(card).getByRole("button", { name: "Deny" }));
    await waitFor(() =>
      expect(backend.callsOf("answer_card")).toEqual([{ run: 5, answer: { kind: "deny", reason: "Not this week" } }]),
    );
  });

  it("shows an event as its time range and guests", async () => {
    withCard(approveCard({ kind: "event", title: "Planning", start: "2026-12-08T14:00:00Z", end: "2026-12-08T15:00:00Z", timeZone: "UTC", attendees: ["bo@example.com"] }));
    const card = await screen.findByRole("region", { name: "Approve Send an email" });
    expect(within(card).getByText("Planning")).toBeTruthy();
    expect(within(card).getByText("With bo@example.com")).toBeTruthy();
    const expected = new Date("2026-12-08T14:00:00Z").toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
    expect(card.querySelector("[data-event-time]")?.textContent).toContain(expected);
  });

  it("starts the Integrations page's sign-in from a connect card", async () => {
    const card: Card = { kind: "connect", provider: "google", providerName: "Google", product: "gmail", productName: "Gmail", needsSetup: false, problem: "The sign-in was cancelled.", connectionId: null, scopes: [], missingAccess: [] };
    const { backend } = withCard(card, {
      overrides: { start_connect: () => flow({ state: "waitingForBrowser", authorizeUrl: "https://accounts.google.com/o" }, { flowId: "flow-3" }) },
    });
    expect(await screen.findByText("The sign-in was cancelled.")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Connect Gmail" }));
    expect(await screen.findByText("Waiting for you in your browser…")).toBeTruthy();
    expect(backend.callsOf("start_connect")).toEqual([
      { request: { provider: "google", products: ["gmail"], method: "browser", redirect: null, connection: null, scopes: [] } },
    ]);
  });

  it("asks for more access on the account the run has, signing in again for just what is missing", async () => {
    const card: Card = {
      kind: "connect",
      provider: "google",
      providerName: "Google",
      product: "gmail",
      productName: "Gmail",
      needsSetup: false,
      problem: null,
      connectionId: 3,
      scopes: ["https://www.googleapis.com/auth/gmail.send"],
      missingAccess: ["send email as you"],
    };
    const { backend } = withCard(card, {
      overrides: { start_connect: () => flow({ state: "waitingForBrowser", authorizeUrl: "https://accounts.google.com/o" }, { flowId: "flow-4" }) },
    });
    expect(await screen.findByText(/has not allowed Switchboard to send email as you/)).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Allow more access" }));
    await waitFor(() =>
      expect(backend.callsOf("start_connect")).toEqual([
        {
          request: {
            provider: "google",
            products: ["gmail"],
            method: "browser",
            redirect: null,
            connection: 3,
            scopes: ["https://www.googleapis.com/auth/gmail.send"],
          },
        },
      ]),
    );
  });

  it("leads to the provider's set-up when it has no OAuth client yet", async () => {
    const card: Card = { kind: "connect", provider: "google", providerName: "Google", product: "gmail", productName: "Gmail", needsSetup: true, problem: null, connectionId: null, scopes: [], missingAccess: [] };
    const notReady = integrations().map((shown) => (shown.provider.id === "google" ? { ...shown, clientReady: false } : shown));
    const { backend, onSetUp } = withCard(card, { integrations: notReady });
    await fireEvent.click(await screen.findByRole("button", { name: "Set up Google" }));
    expect(onSetUp).toHaveBeenCalledWith("google");
    expect(backend.callsOf("start_connect")).toEqual([]);
  });

  it("offers to connect once the provider's client has been set up since the card was made", async () => {
    const card: Card = { kind: "connect", provider: "google", providerName: "Google", product: "gmail", productName: "Gmail", needsSetup: true, problem: null, connectionId: null, scopes: [], missingAccess: [] };
    withCard(card);
    expect(await screen.findByRole("button", { name: "Connect Gmail" }), "the Integrations list says the client is ready").toBeTruthy();
  });

  it("connects with a code when the build's own GitHub app cannot sign in through the browser", async () => {
    const card: Card = { kind: "connect", provider: "github", providerName: "GitHub", product: "github", productName: "GitHub", needsSetup: false, problem: null, connectionId: null, scopes: [], missingAccess: [] };
    const device = flow(
      { state: "waitingForDeviceCode", userCode: "WDJB-MJHT", verificationUri: "https://github.com/login/device", expiresAt: 1_795_000_900 },
      { provider: "github", flowId: "flow-5" },
    );
    const { backend } = withCard(card, { integrations: builtInIntegrations(), overrides: { start_connect: () => device } });
    await fireEvent.click(await screen.findByRole("button", { name: "Connect GitHub" }));
    expect(await screen.findByText("WDJB-MJHT")).toBeTruthy();
    expect(backend.callsOf("start_connect")).toEqual([
      { request: { provider: "github", products: ["github"], method: "device_code", redirect: null, connection: null, scopes: [] } },
    ]);
  });

  it("offers the token form when no app is ready, and an app of one's own quietly", async () => {
    const card: Card = { kind: "connect", provider: "atlassian", providerName: "Atlassian", product: "jira", productName: "Jira", needsSetup: true, problem: null, connectionId: null, scopes: [], missingAccess: [] };
    const { backend, onSetUp } = withCard(card, { integrations: builtInIntegrations(), overrides: { credential_warnings: () => [] } });
    await fireEvent.click(await screen.findByRole("button", { name: "Set up your own app" }));
    expect(onSetUp).toHaveBeenCalledWith("atlassian");
    await fireEvent.click(screen.getByRole("button", { name: "Connect Jira with a token" }));
    expect(screen.getByLabelText("API token")).toBeTruthy();
    expect(backend.callsOf("start_connect")).toEqual([]);
  });

  it("retries a failed run from its error card", async () => {
    const { backend } = withCard({ kind: "error", code: "Network", message: "Google did not answer.", next: "retry" });
    expect(await screen.findByText("Google did not answer.")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(backend.callsOf("answer_card")).toEqual([{ run: 5, answer: { kind: "retry" } }]));
  });

  it("draws a closed card as a compact record without buttons", async () => {
    withCard(approveCard(), { open: false });
    const record = await screen.findByText("Asked to approve: Send an email on ana@example.com");
    const card = record.closest<HTMLElement>("[data-card-open]")!;
    expect(card.dataset.cardOpen).toBe("false");
    expect(within(card).queryAllByRole("button")).toEqual([]);
  });

  it("copies an assistant's answer", async () => {
    const written: string[] = [];
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText: async (text: string) => void written.push(text) } });
    chatBackend({ conversations: [conversationSummary(1, "Work")], messages: { 1: [message(2, { text: "**Three** files" })] as ChatMessage[] } });
    render(ChatPage, { onSetUp: vi.fn(), flows: new FlowTracker(), changes: new ChatChanges(), searchDelay: 0 });
    await screen.findByText("Three");
    await fireEvent.click(screen.getByRole("button", { name: "Copy this answer" }));
    await waitFor(() => expect(written).toEqual(["**Three** files"]));
  });
});
