// Data shaped exactly like the backend's replies (typed by the generated bindings), for UI tests.
import type { Provider } from "./bindings/Provider";
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
  },
  {
    id: "github",
    name: "GitHub",
    description: "Repositories.",
    auth: ["oauth2", "device_code", "api_key"],
    products: [{ id: "github", name: "GitHub", description: "Repos." }],
    credentials: [{ id: "token", label: "Personal access token", secret: true, hint: null }],
  },
];

export function overview(changes: Partial<SettingsOverview> = {}): SettingsOverview {
  return {
    locations: {
      dataDir: "/home/ana/.local/share/dev.switchboard.desktop",
      databaseFile: "/home/ana/.local/share/dev.switchboard.desktop/switchboard.db",
      logDir: "/home/ana/.local/share/dev.switchboard.desktop/logs",
      logFilePattern: "/home/ana/.local/share/dev.switchboard.desktop/logs/switchboard.log.YYYY-MM-DD",
    },
    keyStorage: { state: "NoKeyYet", backend: "Secret Service" },
    database: { schemaVersion: 1, lastRecovery: null },
    deepLinks: { scheme: "switchboard", registration: { state: "NotRegistered" }, lastReceived: null },
    notices: [],
    ...changes,
  };
}
