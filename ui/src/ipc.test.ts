import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { api, toUserError, UserError } from "./ipc";

afterEach(() => clearMocks());

describe("toUserError", () => {
  it("keeps a backend {code, message} as a typed UserError", () => {
    const error = toUserError({ code: "NotFound", message: "That notice was already dismissed." });
    expect(error).toBeInstanceOf(UserError);
    expect(error.code).toBe("NotFound");
    expect(error.message).toBe("That notice was already dismissed.");
  });

  it("turns unknown codes and shapes into Internal instead of trusting them", () => {
    expect(toUserError({ code: "Bogus", message: "x" }).code).toBe("Internal");
    expect(toUserError("plain string").code).toBe("Internal");
    expect(toUserError(undefined).code).toBe("Internal");
    expect(toUserError(new Error("boom")).message).toContain("boom");
  });
});

describe("api", () => {
  it("rejects with a UserError when a command fails", async () => {
    mockIPC(() => {
      throw { code: "Storage", message: "Disk full." };
    });
    await expect(api.listNotices()).rejects.toMatchObject({ code: "Storage", message: "Disk full." });
  });

  it("passes arguments by name to the command", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
    });
    await api.dismissNotice(7);
    expect(calls).toEqual([["dismiss_notice", { id: 7 }]]);
  });
});
