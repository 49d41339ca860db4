// The one door to the backend: typed wrappers over `invoke`, and every failure as a UserError.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { ActionInfo } from "./bindings/ActionInfo";
import type { AppEvent } from "./bindings/AppEvent";
import type { AuditEntry } from "./bindings/AuditEntry";
import type { Connection } from "./bindings/Connection";
import type { ConnectionTest } from "./bindings/ConnectionTest";
import type { ConnectRequest } from "./bindings/ConnectRequest";
import type { CredentialsRequest } from "./bindings/CredentialsRequest";
import type { DeleteOutcome } from "./bindings/DeleteOutcome";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { FlowUpdate } from "./bindings/FlowUpdate";
import type { Integration } from "./bindings/Integration";
import type { ListingPage } from "./bindings/ListingPage";
import type { ListingSummary } from "./bindings/ListingSummary";
import type { ListRequest } from "./bindings/ListRequest";
import type { Notice } from "./bindings/Notice";
import type { PendingRevocation } from "./bindings/PendingRevocation";
import type { Provider } from "./bindings/Provider";
import type { ProviderSetup } from "./bindings/ProviderSetup";
import type { ProviderSetupUpdate } from "./bindings/ProviderSetupUpdate";
import type { Policy } from "./bindings/Policy";
import type { ResourceKind } from "./bindings/ResourceKind";
import type { RunOutcome } from "./bindings/RunOutcome";
import type { RunRequest } from "./bindings/RunRequest";
import type { OverridesStatus } from "./bindings/OverridesStatus";
import type { SettingsOverview } from "./bindings/SettingsOverview";
import type { CardAnswer } from "./bindings/CardAnswer";
import type { ChatMessage } from "./bindings/ChatMessage";
import type { ConversationSummary } from "./bindings/ConversationSummary";
import type { MessagePage } from "./bindings/MessagePage";
import type { LocalModelServer } from "./bindings/LocalModelServer";
import type { ModelListRequest } from "./bindings/ModelListRequest";
import type { ModelSettingsInput } from "./bindings/ModelSettingsInput";
import type { ModelSettingsView } from "./bindings/ModelSettingsView";
import type { ModelTestReport } from "./bindings/ModelTestReport";

const ERROR_CODES: readonly ErrorCode[] = [
  "InvalidInput",
  "NotFound",
  "Storage",
  "KeyringUnavailable",
  "NotConfigured",
  "ProviderRejected",
  "NeedsAuth",
  "NeedsConsent",
  "Disabled",
  "Denied",
  "Network",
  "Internal",
];

/** A failure a person can read: `message` says what happened and what to do. */
export class UserError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "UserError";
    this.code = code;
  }
}

/** Turns whatever `invoke` rejected with into a UserError; unknown shapes become Internal. */
export function toUserError(raw: unknown): UserError {
  if (raw instanceof UserError) return raw;
  if (typeof raw === "object" && raw !== null) {
    const { code, message } = raw as { code?: unknown; message?: unknown };
    if (typeof message === "string" && ERROR_CODES.includes(code as ErrorCode)) {
      return new UserError(code as ErrorCode, message);
    }
  }
  const detail = typeof raw === "string" ? raw : raw instanceof Error ? raw.message : "";
  return new UserError("Internal", `Something went wrong inside Switchboard${detail ? `: ${detail}` : "."}`);
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toUserError(raw);
  }
}

export const api = {
  listProviders: () => call<Provider[]>("list_providers"),
  /** Every provider with its connected accounts and whether a browser sign-in can start. */
  listIntegrations: () => call<Integration[]>("list_integrations"),
  /** Starts a sign-in; the backend has already opened the browser when the first state says so. */
  startConnect: (request: ConnectRequest) => call<FlowUpdate>("start_connect", { request }),
  cancelConnect: (flowId: string) => call<void>("cancel_connect", { flowId }),
  /** Opens the flow's sign-in or verification page again in the system browser. */
  openFlowInBrowser: (flowId: string) => call<void>("open_flow_in_browser", { flowId }),
  /** Verifies a key or token with the provider, then saves it. */
  connectWithCredentials: (request: CredentialsRequest) => call<Connection>("connect_with_credentials", { request }),
  /** Cautions about what was typed so far (e.g. a key that bypasses row-level security). */
  credentialWarnings: (request: CredentialsRequest) => call<string[]>("credential_warnings", { request }),
  /** Renews the connection's tokens now (OAuth and device-code connections). */
  refreshConnection: (id: number) => call<Connection>("refresh_connection", { id }),
  /** Makes the catalogue's verification request with the connection; the result says how it went. */
  testConnection: (id: number) => call<ConnectionTest>("test_connection", { id }),
  /** A disabled connection keeps its tokens, but nothing may use it. */
  setConnectionEnabled: (id: number, enabled: boolean) => call<Connection>("set_connection_enabled", { id, enabled }),
  /** `null` removes the label. */
  renameConnection: (id: number, label: string | null) => call<Connection>("rename_connection", { id, label }),
  /** Revokes at the provider where it can, then removes the tokens from this computer whatever the result. */
  deleteConnection: (id: number) => call<DeleteOutcome>("delete_connection", { id }),
  /** The connection's audit entries (the backend sends them oldest first). */
  connectionAudit: (id: number) => call<AuditEntry[]>("connection_audit", { id }),
  /** Writes the audit (one connection's, or all with `null`) as JSON Lines; answers the file's path. */
  exportAudit: (id: number | null) => call<string>("export_audit", { id }),
  /** Revocations that failed at the provider and will be retried. */
  pendingRevocations: () => call<PendingRevocation[]>("pending_revocations"),
  providerSetup: (provider: string) => call<ProviderSetup>("provider_setup", { provider }),
  saveProviderSetup: (update: ProviderSetupUpdate) => call<ProviderSetup>("save_provider_setup", { update }),
  /** Keeps the master key in memory for this run when the keyring cannot be used. */
  useSessionOnlyKey: () => call<void>("use_session_only_key"),
  settingsOverview: () => call<SettingsOverview>("settings_overview"),
  /** Whether the window should open on the first-run welcome. */
  shouldWelcome: () => call<boolean>("should_welcome"),
  /** The person moved past the welcome: it does not open by itself again. */
  finishWelcome: () => call<void>("finish_welcome"),
  setOverridesFile: (path: string | null) => call<OverridesStatus>("set_overrides_file", { path }),
  restartApp: () => call<void>("restart_app"),
  listNotices: () => call<Notice[]>("list_notices"),
  dismissNotice: (id: number) => call<void>("dismiss_notice", { id }),
  /** The kinds of resource a picker can ask for: one provider's, or every provider's with `null`. */
  resourceKinds: (provider: string | null) => call<ResourceKind[]>("resource_kinds", { provider }),
  /**
   * Lists resources under the id `listing` (unique per listing, so it can be cancelled); `onPage` gets each page as the
   * provider answers, and the promise resolves with how the listing ended.
   */
  listResources: (listing: string, request: ListRequest, onPage: (page: ListingPage) => void) => {
    const pages = new Channel<ListingPage>();
    pages.onmessage = onPage;
    return call<ListingSummary>("list_resources", { listing, request, pages });
  },
  /** The actions a connection can run (every action with `null`), with its policies and the access it lacks. */
  listActions: (connection: number | null) => call<ActionInfo[]>("list_actions", { connection }),
  /** Runs an action: done, or waiting for approval (nothing sent) unless `approved` says the person approved it. */
  runAction: (request: RunRequest, approved: boolean) => call<RunOutcome>("run_action", { request, approved }),
  /** The person denied a pending approval: recorded, nothing sent. */
  declineAction: (request: RunRequest) => call<void>("decline_action", { request }),
  /** Runs without asking, asks first or never runs, on one connection (or every account with `null`); `null` resets. */
  setActionPolicy: (action: string, connection: number | null, policy: Policy | null) =>
    call<void>("set_action_policy", { action, connection, policy }),
  /** Opens an https link (a result's) in the system browser. */
  openLink: (url: string) => call<void>("open_link", { url }),
  /** Stops a listing; it then resolves as cancelled. */
  cancelListing: (listing: string) => call<void>("cancel_listing", { listing }),
  /** Conversations, newest activity first; `search` keeps those whose title or messages hold the words. */
  listConversations: (search: string | null) => call<ConversationSummary[]>("list_conversations", { search }),
  createConversation: () => call<ConversationSummary>("create_conversation"),
  renameConversation: (id: number, title: string) => call<ConversationSummary>("rename_conversation", { id, title }),
  deleteConversation: (id: number) => call<void>("delete_conversation", { id }),
  /** One page of messages, oldest first: the last page with `before` null, else those before message `before`. */
  conversationMessages: (id: number, before: number | null, limit: number) =>
    call<MessagePage>("conversation_messages", { id, before, limit }),
  /** Sends the person's message; answers the new messages (theirs and the assistant's) once the run stops or asks. */
  sendMessage: (conversation: number, text: string) => call<ChatMessage[]>("send_message", { conversation, text }),
  /** Answers the run's open card; answers the new messages. */
  answerCard: (run: number, answer: CardAnswer) => call<ChatMessage[]>("answer_card", { run, answer }),
  /** Stops whatever is live in the conversation (the model's answer at once, its run); answers the messages that records. */
  stopConversation: (conversation: number) => call<ChatMessage[]>("stop_conversation", { conversation }),
  /** Things to ask, for an empty conversation. */
  chatSuggestions: () => call<string[]>("chat_suggestions"),
  /** The chat's model as saved (never its key: only whether one is saved) and how it is named now. */
  modelSettings: () => call<ModelSettingsView>("model_settings"),
  saveModelSettings: (input: ModelSettingsInput) => call<ModelSettingsView>("save_model_settings", { input }),
  /** The models a server offers, asked with the key given (the saved one when `key` is null). */
  listModels: (request: ModelListRequest) => call<string[]>("list_models", { request }),
  /** Sends the saved model a short question; fails saying the exact problem (key, model name, server). */
  testModel: () => call<ModelTestReport>("test_model"),
  /** A model server running on this computer (Ollama), or null. */
  findLocalModelServer: () => call<LocalModelServer | null>("find_local_model_server"),
  /** Calls `onEvent` for every event the backend pushes from now on. */
  subscribeEvents: (onEvent: (event: AppEvent) => void) => {
    const channel = new Channel<AppEvent>();
    channel.onmessage = onEvent;
    return call<void>("subscribe_events", { channel });
  },
};
