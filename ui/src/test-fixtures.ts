// Data shaped exactly like the backend's replies (typed by the generated bindings), for UI tests.
import type { AuditEntry } from "./bindings/AuditEntry";
import type { Connection } from "./bindings/Connection";
import type { ConnectionTest } from "./bindings/ConnectionTest";
import type { FlowState } from "./bindings/FlowState";
import type { FlowUpdate } from "./bindings/FlowUpdate";
import type { Integration } from "./bindings/Integration";
import type { LocalModelServer } from "./bindings/LocalModelServer";
import type { ModelSettings } from "./bindings/ModelSettings";
import type { ModelSettingsView } from "./bindings/ModelSettingsView";
import type { PendingRevocation } from "./bindings/PendingRevocation";
import type { Provider } from "./bindings/Provider";
import type { ProviderSetup } from "./bindings/ProviderSetup";
import type { SettingsOverview } from "./bindings/SettingsOverview";

export const providers: Provider[] = [
  {
    id: "google",
    name: "Google",
    description: "Mail, files, spreadsheets and calendars.",
    auth: ["oauth2"],
    products: [
      { id: "gmail", name: "Gmail", description: "Email." },
      { id: "drive", name: "Drive", description: "Files." },
    ],
    credentials: [],
    scopeDescriptions: { "https://www.googleapis.com/auth/gmail.readonly": "Read your email" },
  },
  {
    id: "github",
    name: "GitHub",
    description: "Repositories.",
    auth: ["oauth2", "device_code", "api_key"],
    products: [{ id: "github", name: "GitHub", description: "Repos." }],
    credentials: [{ id: "token", label: "Personal access token", secret: true, hint: null }],
    scopeDescriptions: { repo: "Read and change your repositories" },
  },
  {
    id: "supabase",
    name: "Supabase",
    description: "Tables and views in a Supabase project.",
    auth: ["api_key"],
    products: [{ id: "supabase", name: "Supabase", description: "Browse tables." }],
    credentials: [
      { id: "project_url", label: "Project URL", secret: false, hint: "https://<project>.supabase.co" },
      { id: "api_key", label: "API key", secret: true, hint: "The publishable (anon) key." },
    ],
    scopeDescriptions: {},
  },
];

export function provider(id: string): Provider {
  const found = providers.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no provider fixture ${id}`);
  return found;
}

export function connection(changes: Partial<Connection> = {}): Connection {
  return {
    id: 1,
    provider: "google",
    products: ["gmail", "drive"],
    authKind: "oauth2",
    accountLabel: "ana@example.com",
    scopes: ["openid", "email", "https://www.googleapis.com/auth/gmail.readonly"],
    expiresAt: 1_795_003_600,
    status: { state: "connected" },
    sessionOnly: false,
    createdAt: 1_795_000_000,
    lastUsedAt: null,
    label: null,
    enabled: true,
    refreshedAt: null,
    ...changes,
  };
}

/** One state of each kind a connection can be in, as the backend derives them. */
export const everyStatus: Connection["status"][] = [
  { state: "connected" },
  { state: "refreshing" },
  { state: "expiring", expiresAt: 1_795_003_600 },
  { state: "needsReauthorization", reason: "Google says this sign-in was revoked." },
  { state: "missingScopes", missing: ["https://www.googleapis.com/auth/drive.readonly"] },
  { state: "disabled" },
  { state: "error", message: "Google did not answer in time.", configuration: false, nextRetryAt: 1_795_001_200 },
];

export function connectionTest(changes: Partial<ConnectionTest> = {}): ConnectionTest {
  return { ok: true, latencyMs: 182, message: "Google answered.", connection: connection(), ...changes };
}

/** Oldest first, as the backend lists them. */
export function auditEntries(): AuditEntry[] {
  const entry = (id: number, at: number, operation: string, outcome: string, detail: string | null = null): AuditEntry => ({
    id,
    at,
    connectionId: 1,
    provider: "google",
    accountLabel: "ana@example.com",
    operation,
    outcome,
    detail,
  });
  return [
    entry(1, 1_795_000_000, "connect", "ok"),
    entry(2, 1_795_003_000, "refresh", "retrying", "Google answered 503; trying again in 30 s."),
    entry(3, 1_795_003_100, "refresh", "ok"),
  ];
}

export function pendingRevocation(changes: Partial<PendingRevocation> = {}): PendingRevocation {
  return {
    id: 4,
    provider: "google",
    accountLabel: "ana@example.com",
    attempts: 1,
    nextAttemptAt: 1_795_004_100,
    lastError: "Google did not answer.",
    createdAt: 1_795_000_000,
    ...changes,
  };
}

/** Atlassian as a build offers it: its own app to sign in with, or an API token (no app needed). */
export const atlassian: Provider = {
  id: "atlassian",
  name: "Atlassian",
  description: "Jira issues and Confluence pages on your Atlassian sites.",
  auth: ["oauth2", "api_key"],
  products: [
    { id: "jira", name: "Jira", description: "Find, create and update issues." },
    { id: "confluence", name: "Confluence", description: "Search and read pages." },
  ],
  credentials: [
    { id: "site_url", label: "Site URL", secret: false, hint: "https://your-site.atlassian.net" },
    { id: "email", label: "Email", secret: false, hint: null },
    { id: "api_token", label: "API token", secret: true, hint: null },
  ],
  scopeDescriptions: {},
};

/** Every provider fixture, none connected yet, each signing in with the person's own app (saved in Settings). */
export function integrations(connections: Connection[] = []): Integration[] {
  return providers.map((provider) => integration(provider, connections));
}

/** One provider as `list_integrations` shows it with the person's own app; `changes` say what differs. */
export function integration(provider: Provider, connections: Connection[] = [], changes: Partial<Integration> = {}): Integration {
  const signsIn = provider.auth.includes("oauth2") || provider.auth.includes("device_code");
  return {
    provider,
    clientReady: true,
    clientFrom: signsIn ? "settings" : null,
    browserReady: provider.auth.includes("oauth2"),
    connections: connections.filter((connection) => connection.provider === provider.id),
    ...changes,
  };
}

/** Only this build's own clients: Google signs in through the browser, GitHub's public client with a device code. */
export function builtInIntegrations(connections: Connection[] = []): Integration[] {
  return [
    integration(provider("google"), connections, { clientFrom: "builtIn" }),
    integration(provider("github"), connections, { clientFrom: "builtIn", browserReady: false }),
    integration(provider("supabase"), connections),
    integration(atlassian, connections, { clientReady: false, clientFrom: null, browserReady: false }),
  ];
}

export function flow(state: FlowState, changes: Partial<FlowUpdate> = {}): FlowUpdate {
  return { flowId: "flow-1", provider: "google", state, ...changes };
}

export function providerSetup(changes: Partial<ProviderSetup> = {}): ProviderSetup {
  return {
    provider: "github",
    clientId: null,
    clientIdFrom: null,
    builtIn: false,
    hasClientSecret: false,
    clientSecretRequired: true,
    redirectKinds: ["loopback"],
    redirect: "loopback",
    redirectUris: ["http://127.0.0.1/callback/github"],
    setupUrl: "https://github.com/settings/developers",
    scopes: [{ product: "github", scopes: ["repo", "read:user"] }],
    ...changes,
  };
}

export function overview(changes: Partial<SettingsOverview> = {}): SettingsOverview {
  return {
    locations: {
      dataDir: "/home/ana/.local/share/dev.switchboard.desktop",
      databaseFile: "/home/ana/.local/share/dev.switchboard.desktop/switchboard.db",
      logDir: "/home/ana/.local/share/dev.switchboard.desktop/logs",
      logFilePattern: "/home/ana/.local/share/dev.switchboard.desktop/logs/switchboard.log.YYYY-MM-DD",
    },
    keyStorage: { state: "NoKeyYet", backend: "Secret Service" },
    keyMode: "keyring",
    assistantModel: "Built in (works offline)",
    overrides: { file: null, source: null, error: null, nextStart: null },
    database: { schemaVersion: 1, lastRecovery: null },
    deepLinks: { scheme: "switchboard", registration: { state: "NotRegistered" }, lastReceived: null },
    notices: [],
    ...changes,
  };
}

/** The chat's model as `model_settings` answers: built in by default; `settings` changes what is saved. */
export function modelSettingsView(
  settings: Partial<ModelSettings> = {},
  changes: Partial<Omit<ModelSettingsView, "settings">> = {},
): ModelSettingsView {
  return {
    settings: { kind: "builtin", baseUrl: "", model: "", tokenBudget: 16_000, ...settings },
    hasKey: false,
    inUse: "Built in (works offline)",
    ...changes,
  };
}

/** Ollama on its default port, as `find_local_model_server` finds it. */
export function localOllama(changes: Partial<LocalModelServer> = {}): LocalModelServer {
  return { name: "Ollama", baseUrl: "http://127.0.0.1:11434/v1", models: ["llama3.2", "qwen2.5"], ...changes };
}
