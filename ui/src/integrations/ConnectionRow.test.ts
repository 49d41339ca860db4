import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import ProviderCard from "./ProviderCard.svelte";
import { FlowTracker } from "./flows.svelte";
import { auditEntries, connection, connectionTest, everyStatus, flow, integrations } from "../test-fixtures";
import { formatSoon } from "../format";
import type { Connection } from "../bindings/Connection";
import type { RevocationOutcome } from "../bindings/RevocationOutcome";

type Call = [string, Record<string, unknown>];
let calls: Call[];

beforeEach(() => {
  calls = [];
});
afterEach(() => clearMocks());

/** Records every command; `reply` decides what each returns or throws. */
function backend(reply: (command: string, args: Record<string, unknown>) => unknown = () => undefined) {
  mockIPC((command, args) => {
    const named = (args ?? {}) as Record<string, unknown>;
    calls.push([command, named]);
    return reply(command, named);
  });
}

function renderRow(shown: Connection) {
  const integration = integrations([shown]).find((candidate) => candidate.provider.id === shown.provider)!;
  const flows = new FlowTracker();
  const onSetUp = vi.fn();
  const view = render(ProviderCard, { integration, flows, onSetUp });
  return { ...view, flows, onSetUp };
}

function row(): HTMLElement {
  const found = document.querySelector<HTMLElement>("[data-connection]");
  if (!found) throw new Error("no connection row");
  return found;
}

function action(name: string): HTMLButtonElement {
  const found = row().querySelector<HTMLButtonElement>(`[data-action="${name}"]`);
  if (!found) throw new Error(`no ${name} in the row`);
  return found;
}

function sent(command: string): Record<string, unknown>[] {
  return calls.filter(([name]) => name === command).map(([, args]) => args);
}

describe("ConnectionRow status", () => {
  const expected: Record<string, { badge: string; tone: string; words: string[] }> = {
    connected: { badge: "Active", tone: "ok", words: ["Connected as ana@example.com"] },
    refreshing: { badge: "Renewing…", tone: "info", words: ["Connected as ana@example.com", "Renewing its access with Google…"] },
    expiring: {
      badge: "Renews soon",
      tone: "info",
      words: [`Its access ends at ${formatSoon(1_795_003_600)}; Switchboard renews it before then.`],
    },
    needsReauthorization: {
      badge: "Needs sign-in",
      tone: "error",
      words: ["Was connected as ana@example.com", "Google says this sign-in was revoked."],
    },
    missingScopes: {
      badge: "Needs more access",
      tone: "warn",
      words: ["Google has not granted everything its products need:", "https://www.googleapis.com/auth/drive.readonly"],
    },
    disabled: { badge: "Off", tone: "muted", words: ["Nothing can use this account until you enable it. Its tokens are kept."] },
    error: {
      badge: "Having trouble",
      tone: "warn",
      words: ["Google did not answer in time.", `Next try at ${formatSoon(1_795_001_200)}`],
    },
  };

  it.each(everyStatus.map((status) => [status.state, status] as const))("shows %s in plain words with its badge", (state, status) => {
    backend();
    renderRow(connection({ status, enabled: state !== "disabled" }));
    const { badge, tone, words } = expected[state];
    expect(row().dataset.connectionStatus).toBe(state);
    const shownBadge = within(row()).getByText(badge);
    expect(shownBadge.dataset.tone).toBe(tone);
    for (const text of words) expect(within(row()).getByText(text)).toBeTruthy();
  });

  it("shows the label above the account, and keeps 'Connected as' for the end-to-end test", () => {
    backend();
    renderRow(connection({ label: "work Gmail" }));
    const texts = [...row().querySelectorAll(".names p")].map((element) => element.textContent);
    expect(texts).toEqual(["work Gmail", "Connected as ana@example.com"]);
    expect(document.querySelector("[data-provider=google] [data-connection]")?.textContent).toContain(
      "Connected as ana@example.com",
    );
  });

  it("sends a configuration error to the provider's set-up in Settings, with no sign-in loop (B7)", async () => {
    backend();
    const status = { state: "error", message: "Google refused the client.", configuration: true, nextRetryAt: null } as const;
    const { onSetUp } = renderRow(connection({ status }));
    expect(within(row()).getByText("Check settings")).toBeTruthy();
    expect(row().querySelector("[data-next-retry]")).toBeNull();
    expect(row().querySelector('[data-action="reauthorize-connection"]')).toBeNull();
    await fireEvent.click(within(row()).getByRole("button", { name: "Check Google in Settings" }));
    expect(onSetUp).toHaveBeenCalledWith("google");
  });

  it("shows a backend's message as text, never as markup", () => {
    backend();
    const hostile = "<img src=x onerror=alert(1)>";
    const { container } = renderRow(connection({ status: { state: "needsReauthorization", reason: hostile } }));
    expect(within(row()).getByText(hostile)).toBeTruthy();
    expect(container.querySelector("img")).toBeNull();
  });
});

describe("ConnectionRow re-authorize", () => {
  const waiting = flow({ state: "waitingForBrowser", authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth?state=r" });
  const request = { provider: "google", products: ["drive"], method: "browser", redirect: null, connection: 1, scopes: [] };

  it("signs the same connection in again with its products, and the card follows the flow", async () => {
    backend((command) => (command === "start_connect" ? waiting : undefined));
    renderRow(connection({ products: ["drive"], status: { state: "needsReauthorization", reason: "Revoked." } }));
    expect(row().querySelectorAll('[data-action="reauthorize-connection"]')).toHaveLength(1);
    await fireEvent.click(within(row()).getByRole("button", { name: "Sign in again" }));
    expect(await screen.findByText("Waiting for you in your browser…")).toBeTruthy();
    expect(sent("start_connect")).toEqual([{ request }]);
    expect(action("reauthorize-connection").disabled).toBe(true);
  });

  it("grants missing access through the same sign-in", async () => {
    backend((command) => (command === "start_connect" ? waiting : undefined));
    renderRow(connection({ products: ["drive"], status: { state: "missingScopes", missing: ["drive.readonly"] } }));
    await fireEvent.click(within(row()).getByRole("button", { name: "Grant access" }));
    await screen.findByText("Waiting for you in your browser…");
    expect(sent("start_connect")).toEqual([{ request }]);
  });

  it("is offered among the actions of a working connection, but not for keys", async () => {
    backend((command) => (command === "start_connect" ? waiting : undefined));
    const { unmount } = renderRow(connection({ products: ["drive"] }));
    await fireEvent.click(action("reauthorize-connection"));
    await waitFor(() => expect(sent("start_connect")).toEqual([{ request }]));
    unmount();

    renderRow(connection({ id: 9, provider: "supabase", products: ["supabase"], authKind: "api_key", scopes: [] }));
    expect(row().querySelector('[data-action="reauthorize-connection"]')).toBeNull();
    expect(row().querySelector('[data-action="refresh-connection"]')).toBeNull();
    expect(action("test-connection")).toBeTruthy();
  });
});

describe("ConnectionRow operations", () => {
  it("refreshes now, showing that it is busy until the backend answers", async () => {
    let answer: (value: Connection) => void = () => {};
    backend((command) => (command === "refresh_connection" ? new Promise((resolve) => (answer = resolve)) : undefined));
    renderRow(connection({ status: { state: "expiring", expiresAt: 1_795_003_600 } }));
    await fireEvent.click(action("refresh-connection"));
    expect(action("refresh-connection").textContent?.trim()).toBe("Renewing…");
    expect(action("test-connection").disabled).toBe(true);
    answer(connection({ refreshedAt: 1_795_003_500 }));
    expect(await within(row()).findByText("Renewed just now.")).toBeTruthy();
    expect(sent("refresh_connection")).toEqual([{ id: 1 }]);
    expect(row().dataset.connectionStatus).toBe("connected");
    expect(action("test-connection").disabled).toBe(false);
  });

  it("tests the connection and shows how fast it answered, or what went wrong", async () => {
    let outcome = connectionTest();
    backend((command) => (command === "test_connection" ? outcome : undefined));
    renderRow(connection());
    await fireEvent.click(action("test-connection"));
    const result = await within(row()).findByText("Works — answered in 182 ms");
    expect(result.dataset.resultTone).toBe("ok");
    expect(sent("test_connection")).toEqual([{ id: 1 }]);

    const reason = "Google refused the token: it was revoked.";
    outcome = connectionTest({ ok: false, message: reason, connection: connection({ status: { state: "needsReauthorization", reason } }) });
    await fireEvent.click(action("test-connection"));
    await waitFor(() => expect(row().querySelector<HTMLElement>('[data-result="test"]')?.dataset.resultTone).toBe("warn"));
    expect(row().querySelector('[data-result="test"]')?.textContent).toBe(reason);
    expect(row().dataset.connectionStatus).toBe("needsReauthorization");
  });

  it("shows a refused operation's message as text", async () => {
    backend((command) => {
      if (command === "test_connection") throw { code: "Disabled", message: "This connection is off; enable it first." };
    });
    renderRow(connection());
    await fireEvent.click(action("test-connection"));
    const failure = await within(row()).findByRole("alert");
    expect(failure.textContent).toBe("This connection is off; enable it first.");
    expect(failure.dataset.failure).toBe("Disabled");
  });

  it("renames inline: Enter saves, Escape cancels, empty removes the name", async () => {
    backend((command, args) => (command === "rename_connection" ? connection({ label: args.label as string | null }) : undefined));
    renderRow(connection());
    await fireEvent.click(action("rename-connection"));
    const field = within(row()).getByLabelText("Name for ana@example.com") as HTMLInputElement;
    expect(document.activeElement).toBe(field);
    await fireEvent.input(field, { target: { value: "  work Gmail " } });
    await fireEvent.keyDown(field, { key: "Escape" });
    expect(row().querySelector("[data-rename-form]")).toBeNull();
    expect(sent("rename_connection")).toEqual([]);
    expect(document.activeElement).toBe(action("rename-connection"));

    await fireEvent.click(action("rename-connection"));
    const again = within(row()).getByLabelText("Name for ana@example.com") as HTMLInputElement;
    expect(again.value).toBe("");
    await fireEvent.input(again, { target: { value: "  work Gmail " } });
    await fireEvent.submit(again.form!);
    expect(await within(row()).findByText("work Gmail")).toBeTruthy();
    expect(sent("rename_connection")).toEqual([{ id: 1, label: "work Gmail" }]);

    await fireEvent.click(action("rename-connection"));
    const named = within(row()).getByLabelText("Name for ana@example.com") as HTMLInputElement;
    expect(named.value).toBe("work Gmail");
    await fireEvent.input(named, { target: { value: "   " } });
    await fireEvent.submit(named.form!);
    await waitFor(() => expect(row().querySelector("[data-connection-label]")).toBeNull());
    expect(sent("rename_connection")).toEqual([
      { id: 1, label: "work Gmail" },
      { id: 1, label: null },
    ]);
  });

  it("disables and enables the connection", async () => {
    backend((command, args) =>
      command === "set_connection_enabled"
        ? connection({ enabled: args.enabled as boolean, status: args.enabled ? { state: "connected" } : { state: "disabled" } })
        : undefined,
    );
    renderRow(connection());
    expect(action("toggle-connection").textContent?.trim()).toBe("Disable");
    await fireEvent.click(action("toggle-connection"));
    expect(await within(row()).findByText("Off")).toBeTruthy();
    expect(row().dataset.connectionEnabled).toBe("false");
    expect(action("toggle-connection").textContent?.trim()).toBe("Enable");

    await fireEvent.click(action("toggle-connection"));
    expect(await within(row()).findByText("Active")).toBeTruthy();
    expect(sent("set_connection_enabled")).toEqual([
      { id: 1, enabled: false },
      { id: 1, enabled: true },
    ]);
  });
});

describe("ConnectionRow delete", () => {
  it("asks first, naming the account, and keeps it on Cancel or Escape", async () => {
    backend();
    renderRow(connection());
    await fireEvent.click(action("delete-connection"));
    const question = within(row()).getByRole("group", { name: "Delete ana@example.com" });
    expect(question.querySelector("p")?.textContent).toBe(
      "Delete ana@example.com? Switchboard revokes its access at Google and removes its tokens from this computer.",
    );
    expect(document.activeElement).toBe(action("cancel-delete"));
    await fireEvent.click(action("cancel-delete"));
    expect(row().querySelector("[data-delete-confirm]")).toBeNull();
    expect(document.activeElement).toBe(action("delete-connection"));

    await fireEvent.click(action("delete-connection"));
    await fireEvent.keyDown(action("cancel-delete"), { key: "Escape" });
    expect(row().querySelector("[data-delete-confirm]")).toBeNull();
    expect(sent("delete_connection")).toEqual([]);
  });

  const outcomes: [RevocationOutcome, string[]][] = [
    [{ kind: "revoked" }, ["Deleted ana@example.com: Google revoked its access, and its tokens are gone from this computer."]],
    [
      { kind: "notSupported" },
      [
        "Deleted ana@example.com from this computer.",
        "Google has no way to revoke from here; remove the app in your Google account settings.",
      ],
    ],
    [
      { kind: "pending", message: "Google did not answer." },
      ["Removed here; revoking at Google failed and will be retried.", "Google did not answer."],
    ],
    [
      { kind: "notRevoked", message: "Google refused: unsupported_token_type." },
      [
        "Deleted ana@example.com from this computer, but Google did not revoke its access.",
        "Google refused: unsupported_token_type.",
      ],
    ],
  ];

  it.each(outcomes)("deletes after confirming and says what became of its access: %o", async (revocation, words) => {
    backend((command) => (command === "delete_connection" ? { revocation } : undefined));
    const { flows } = renderRow(connection());
    await fireEvent.click(action("delete-connection"));
    await fireEvent.click(action("confirm-delete"));
    const note = await waitFor(() => {
      const found = document.querySelector<HTMLElement>("[data-delete-outcome]");
      if (!found) throw new Error("no outcome yet");
      return found;
    });
    expect(note.dataset.deleteOutcome).toBe(revocation.kind);
    for (const text of words) expect(within(note).getByText(text)).toBeTruthy();
    expect(sent("delete_connection")).toEqual([{ id: 1 }]);
    expect(flows.changes).toBeGreaterThan(0);
    await fireEvent.click(within(note).getByRole("button", { name: "Dismiss" }));
    expect(document.querySelector("[data-delete-outcome]")).toBeNull();
  });
});

describe("ConnectionRow details", () => {
  let writeText: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
  });

  it("shows dates, scopes in plain words, the audit newest first, and exports it", async () => {
    const path = "/home/ana/.local/share/dev.switchboard.desktop/audit-1.jsonl";
    backend((command) => {
      if (command === "connection_audit") return auditEntries();
      if (command === "export_audit") return path;
    });
    renderRow(connection({ refreshedAt: 1_795_003_100 }));
    const toggle = action("connection-details");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    await fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");

    const details = within(row()).getByRole("region", { name: "Details of ana@example.com" });
    expect(toggle.getAttribute("aria-controls")).toBe(details.id);
    expect(within(details).getByText("Last used").nextElementSibling?.textContent).toBe("Not yet");
    expect(within(details).getByText("Last renewed").nextElementSibling?.textContent).not.toBe("Never");
    expect(within(details).getByText("Read your email")).toBeTruthy();
    expect(within(details).getByText("openid")).toBeTruthy();

    await waitFor(() => expect(details.querySelectorAll("[data-audit-entry]")).toHaveLength(3));
    const order = [...details.querySelectorAll<HTMLElement>("[data-audit-entry]")].map((entry) => entry.dataset.auditEntry);
    expect(order).toEqual(["3", "2", "1"]);
    expect(within(details).getByText("Google answered 503; trying again in 30 s.")).toBeTruthy();
    expect(sent("connection_audit")).toEqual([{ id: 1 }]);

    await fireEvent.click(within(details).getByRole("button", { name: "Export as JSON Lines" }));
    const saved = await within(details).findByRole("status");
    expect(saved.textContent).toContain(`Saved to ${path}`);
    expect(sent("export_audit")).toEqual([{ id: 1 }]);
    await fireEvent.click(within(saved).getByRole("button", { name: "Copy the file's path" }));
    expect(writeText).toHaveBeenCalledWith(path);

    await fireEvent.click(toggle);
    expect(row().querySelector("[data-connection-details]")).toBeNull();
  });

  it("says when nothing was recorded, and when the audit cannot be read", async () => {
    let fail = true;
    backend((command) => {
      if (command !== "connection_audit") return undefined;
      if (fail) throw { code: "Storage", message: "The audit could not be read." };
      return [];
    });
    renderRow(connection());
    await fireEvent.click(action("connection-details"));
    expect(await within(row()).findByText("The audit could not be read.")).toBeTruthy();
    fail = false;
    await fireEvent.click(within(row()).getByRole("button", { name: "Retry" }));
    expect(await within(row()).findByText("Nothing recorded yet.")).toBeTruthy();
  });
});
