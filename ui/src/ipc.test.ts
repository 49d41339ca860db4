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

describe("connection commands", () => {
  it("wrap each request under the argument name the backend expects", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
    });
    const request = { provider: "github", products: ["github"], method: "browser" as const, redirect: null, connection: null, scopes: [] };
    await api.startConnect(request);
    await api.cancelConnect("flow-1");
    await api.connectWithCredentials({ provider: "telegram", products: ["telegram"], values: { token: "1:abc" } });
    await api.saveProviderSetup({ provider: "github", clientId: "Iv1", clientSecret: null, redirect: "loopback" });
    expect(calls).toEqual([
      ["start_connect", { request }],
      ["cancel_connect", { flowId: "flow-1" }],
      ["connect_with_credentials", { request: { provider: "telegram", products: ["telegram"], values: { token: "1:abc" } } }],
      ["save_provider_setup", { update: { provider: "github", clientId: "Iv1", clientSecret: null, redirect: "loopback" } }],
    ]);
  });

  it("keeps the new error codes the UI switches on", () => {
    expect(toUserError({ code: "KeyringUnavailable", message: "x" }).code).toBe("KeyringUnavailable");
    expect(toUserError({ code: "NotConfigured", message: "x" }).code).toBe("NotConfigured");
    expect(toUserError({ code: "ProviderRejected", message: "x" }).code).toBe("ProviderRejected");
    expect(toUserError({ code: "Network", message: "x" }).code).toBe("Network");
    expect(toUserError({ code: "NeedsAuth", message: "x" }).code).toBe("NeedsAuth");
    expect(toUserError({ code: "Disabled", message: "x" }).code).toBe("Disabled");
  });

  it("send each connection operation's arguments by the names the backend expects", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
    });
    await api.refreshConnection(1);
    await api.testConnection(1);
    await api.setConnectionEnabled(1, false);
    await api.renameConnection(1, "work Gmail");
    await api.renameConnection(1, null);
    await api.deleteConnection(1);
    await api.connectionAudit(1);
    await api.exportAudit(1);
    await api.exportAudit(null);
    await api.pendingRevocations();
    expect(calls).toEqual([
      ["refresh_connection", { id: 1 }],
      ["test_connection", { id: 1 }],
      ["set_connection_enabled", { id: 1, enabled: false }],
      ["rename_connection", { id: 1, label: "work Gmail" }],
      ["rename_connection", { id: 1, label: null }],
      ["delete_connection", { id: 1 }],
      ["connection_audit", { id: 1 }],
      ["export_audit", { id: 1 }],
      ["export_audit", { id: null }],
      ["pending_revocations", {}],
    ]);
  });
});

describe("model and chat commands", () => {
  it("send their arguments by the names the backend expects", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
    });
    const settings = { kind: "anthropic" as const, baseUrl: "https://api.anthropic.com", model: "claude", tokenBudget: 16000 };
    await api.modelSettings();
    await api.saveModelSettings({ settings, key: { kind: "set", value: "k" } });
    await api.listModels({ kind: "anthropic", baseUrl: "https://api.anthropic.com", key: null });
    await api.testModel();
    await api.findLocalModelServer();
    await api.stopConversation(4);
    expect(calls).toEqual([
      ["model_settings", {}],
      ["save_model_settings", { input: { settings, key: { kind: "set", value: "k" } } }],
      ["list_models", { request: { kind: "anthropic", baseUrl: "https://api.anthropic.com", key: null } }],
      ["test_model", {}],
      ["find_local_model_server", {}],
      ["stop_conversation", { conversation: 4 }],
    ]);
  });
});
