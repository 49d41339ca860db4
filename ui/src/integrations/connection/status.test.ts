import { describe, expect, it } from "vitest";
import { attentionCount, canRenew, needsAttention, reauthorizeRequest, statusBadge } from "./status";
import { connection, everyStatus, integrations, provider } from "../../test-fixtures";
import { formatClock, formatSoon } from "../../format";

describe("connection status", () => {
  it("counts only the states that need the person", () => {
    expect(everyStatus.filter(needsAttention).map((status) => status.state)).toEqual([
      "needsReauthorization",
      "missingScopes",
      "error",
    ]);
    const all = everyStatus.map((status, index) => connection({ id: index + 1, status }));
    expect(attentionCount(integrations(all))).toBe(3);
    expect(attentionCount(integrations([connection()]))).toBe(0);
  });

  it("gives every state a word and a tone", () => {
    for (const status of everyStatus) expect(statusBadge(status).label).not.toBe("");
  });

  it("renews only signed-in connections, and signs in again the way the provider allows", () => {
    expect(canRenew(connection({ authKind: "device_code" }))).toBe(true);
    expect(canRenew(connection({ authKind: "bot_token" }))).toBe(false);
    const deviceOnly = { ...provider("github"), auth: ["device_code" as const] };
    const github = connection({ id: 5, provider: "github", products: ["github"], authKind: "device_code" });
    expect(reauthorizeRequest(github, deviceOnly)).toEqual({
      provider: "github",
      products: ["github"],
      method: "device_code",
      redirect: null,
      connection: 5,
      scopes: [],
    });
  });
});

describe("formatSoon", () => {
  it("gives only the time today, and the date too otherwise", () => {
    const now = 1_795_000_000;
    expect(formatSoon(now + 60, now)).toBe(formatClock(now + 60));
    expect(formatSoon(now + 3 * 86_400, now)).not.toBe(formatClock(now + 3 * 86_400));
    expect(formatSoon(now + 3 * 86_400, now)).toContain(formatClock(now + 3 * 86_400));
  });
});
