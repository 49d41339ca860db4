// The one door to the backend: typed wrappers over `invoke`, and every failure as a UserError.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { AppEvent } from "./bindings/AppEvent";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { Notice } from "./bindings/Notice";
import type { Provider } from "./bindings/Provider";
import type { SettingsOverview } from "./bindings/SettingsOverview";

const ERROR_CODES: readonly ErrorCode[] = ["InvalidInput", "NotFound", "Storage", "Internal"];

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
  settingsOverview: () => call<SettingsOverview>("settings_overview"),
  listNotices: () => call<Notice[]>("list_notices"),
  dismissNotice: (id: number) => call<void>("dismiss_notice", { id }),
  /** Calls `onEvent` for every event the backend pushes from now on. */
  subscribeEvents: (onEvent: (event: AppEvent) => void) => {
    const channel = new Channel<AppEvent>();
    channel.onmessage = onEvent;
    return call<void>("subscribe_events", { channel });
  },
};
