import { describe, expect, it } from "vitest";
import { render } from "@testing-library/svelte";
import AuditTable from "./AuditTable.svelte";
import type { AuditEntry } from "../../bindings/AuditEntry";

const entry = (id: number, operation: string, outcome: string, detail: string | null = null): AuditEntry => ({
  id,
  at: 1_795_000_000 + id,
  connectionId: 1,
  provider: "github",
  accountLabel: "octocat",
  operation,
  outcome,
  detail,
});

/** Each row's shown result and whether it is in the failure style, by entry id. */
function results(entries: AuditEntry[]): Record<string, { text: string; failed: boolean }> {
  const { container } = render(AuditTable, { entries });
  const rows = [...container.querySelectorAll<HTMLElement>("[data-audit-entry]")];
  return Object.fromEntries(
    rows.map((row) => {
      const result = row.querySelectorAll("td")[2];
      const text = result.firstChild?.textContent?.trim() ?? "";
      return [row.dataset.auditEntry, { text, failed: result.classList.contains("failed") }];
    }),
  );
}

describe("AuditTable", () => {
  it("reads a 'sending' row with no outcome after it as sent with its outcome not recorded, calmly", () => {
    const shown = results([
      entry(1, "github.star_repository", "sending", "allowed; arguments sha256:aa"),
      entry(2, "github.star_repository", "ok", "allowed; arguments sha256:aa; 80 ms"),
      entry(3, "github.create_issue", "sending", "approved; arguments sha256:bb"),
      entry(4, "github.create_issue", "sending", "approved; arguments sha256:cc"),
      entry(5, "github.create_issue", "failed", "approved; arguments sha256:cc; Network after 9 ms"),
      entry(6, "github.create_gist", "sending", "approved; arguments sha256:dd"),
    ]);
    expect(shown["1"]).toEqual({ text: "Sending", failed: false });
    expect(shown["3"], "another run followed it, not its outcome: the app closed mid-call").toEqual({
      text: "Sent — outcome not recorded",
      failed: false,
    });
    expect(shown["4"], "settled by the failure after it").toEqual({ text: "Sending", failed: false });
    expect(shown["5"], "a failure keeps the failure style").toEqual({ text: "failed", failed: true });
    expect(shown["6"], "nothing followed it").toEqual({ text: "Sent — outcome not recorded", failed: false });
    expect(shown["2"]).toEqual({ text: "OK", failed: false });
  });

  it("pairs each outcome with its own run's 'sending' row, oldest first, when runs overlap", () => {
    const shown = results([
      entry(1, "github.create_issue", "sending", "approved; arguments sha256:aa"),
      entry(2, "github.create_issue", "sending", "approved; arguments sha256:bb"),
      entry(3, "github.create_issue", "ok", "approved; arguments sha256:aa; 90 ms"),
      entry(4, "github.create_issue", "sending", "approved; arguments sha256:aa"),
      entry(5, "github.create_issue", "sending", "approved; arguments sha256:aa"),
      entry(6, "github.create_issue", "unknown", "approved; arguments sha256:aa; no answer after 30000 ms"),
    ]);
    expect(shown["1"], "settled by its own outcome, though another run started between").toEqual({
      text: "Sending",
      failed: false,
    });
    expect(shown["2"], "the other run's outcome was never written").toEqual({
      text: "Sent — outcome not recorded",
      failed: false,
    });
    expect(shown["4"], "the older of two identical runs takes the outcome").toEqual({ text: "Sending", failed: false });
    expect(shown["5"]).toEqual({ text: "Sent — outcome not recorded", failed: false });
  });

  it("pairs a 'sending' row only with rows of the same connection", () => {
    const other = { ...entry(2, "github.star_repository", "ok"), connectionId: 2 };
    const shown = results([entry(1, "github.star_repository", "sending"), other]);
    expect(shown["1"].text, "another account's outcome does not settle it").toBe("Sent — outcome not recorded");
  });
});
