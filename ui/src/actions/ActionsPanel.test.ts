import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import ActionsPanel from "./ActionsPanel.svelte";
import type { ActionInfo } from "../bindings/ActionInfo";
import type { PendingApproval } from "../bindings/PendingApproval";
import type { RunRequest } from "../bindings/RunRequest";
import { FlowTracker } from "../integrations/flows.svelte";
import { connection, provider } from "../test-fixtures";

afterEach(() => clearMocks());

const repoSchema = {
  type: "object",
  properties: { repository: { type: "string", description: "The repository, as owner/name." } },
  required: ["repository"],
  additionalProperties: false,
};

function action(changes: Partial<ActionInfo>): ActionInfo {
  return {
    id: "github.star_repository",
    provider: "github",
    product: "github",
    title: "Star a repository",
    description: "Stars a repository.",
    sideEffect: "write",
    scopes: [["public_repo", "repo"]],
    alwaysAsks: false,
    schema: repoSchema,
    needs: ["Star and change your public repositories"],
    policy: "ask",
    canAlwaysAllow: true,
    missingScopes: [],
    ...changes,
  };
}

function pending(args: { repository: string }): PendingApproval {
  return {
    action: "github.star_repository",
    title: "Star a repository",
    sideEffect: "write",
    connectionId: 7,
    connectionName: "octocat",
    arguments: args,
    request: {
      method: "PUT",
      url: `https://api.github.com/user/starred/${args.repository}`,
      headers: [["Authorization", "Bearer token (not shown)"]],
      body: null,
    },
    canAlwaysAllow: true,
  };
}

describe("Actions tab", () => {
  it("runs a write through the approval card and sends the edited parameters", async () => {
    const runs: { request: RunRequest; approved: boolean }[] = [];
    mockIPC((command, args) => {
      const payload = args as Record<string, unknown>;
      if (command === "list_actions") return [action({}), action({ id: "github.list_issues", title: "List issues", sideEffect: "read", policy: "allow" })];
      if (command === "resource_kinds") return [];
      if (command === "run_action") {
        const request = payload.request as RunRequest;
        runs.push({ request, approved: payload.approved as boolean });
        const repository = (request.arguments as { repository: string }).repository;
        if (!payload.approved) return { kind: "needsApproval", ...pending({ repository }) };
        return { kind: "done", action: request.action, connectionId: 7, summary: `Starred ${repository}.`, data: { repository }, link: null };
      }
    });
    const github = connection({ id: 7, provider: "github", products: ["github"], accountLabel: "octocat", authKind: "api_key" });
    render(ActionsPanel, { provider: provider("github"), connections: [github] });

    expect(await screen.findByText(/Runs without asking/)).toBeTruthy();
    await fireEvent.click(await screen.findByRole("button", { name: /Star a repository/ }));
    await fireEvent.input(screen.getByLabelText(/Repository/), { target: { value: "octocat/hello-world" } });
    await fireEvent.click(screen.getByRole("button", { name: "Review…" }));
    const card = await screen.findByRole("region", { name: "Approve Star a repository" });
    expect(within(card).getByText("https://api.github.com/user/starred/octocat/hello-world")).toBeTruthy();

    await fireEvent.input(within(card).getByLabelText(/Repository/), { target: { value: "octocat/spoon-knife" } });
    await waitFor(() => expect(within(card).getByText("https://api.github.com/user/starred/octocat/spoon-knife")).toBeTruthy());
    await fireEvent.click(within(card).getByRole("button", { name: "Approve and send" }));

    expect(await screen.findByText("Starred octocat/spoon-knife.")).toBeTruthy();
    const approved = runs.filter((run) => run.approved);
    expect(approved.map((run) => run.request.arguments), "exactly the edited parameters were approved").toEqual([
      { repository: "octocat/spoon-knife" },
    ]);
  });

  it("never offers always-allow for a destructive action, and a denial sends nothing", async () => {
    const declined: unknown[] = [];
    let approvedRuns = 0;
    mockIPC((command, args) => {
      const payload = args as Record<string, unknown>;
      if (command === "list_actions") return [action({ id: "drive.trash_file", title: "Move a file to the trash", sideEffect: "destructive", canAlwaysAllow: false })];
      if (command === "resource_kinds") return [];
      if (command === "decline_action") declined.push(payload.request);
      if (command === "run_action") {
        if (payload.approved) approvedRuns += 1;
        return { kind: "needsApproval", ...pending({ repository: "x/y" }), sideEffect: "destructive", canAlwaysAllow: false };
      }
    });
    render(ActionsPanel, { provider: provider("github"), connections: [connection({ id: 7, provider: "github", products: ["github"] })] });
    await fireEvent.click(await screen.findByRole("button", { name: /Move a file to the trash/ }));
    const option = screen.getByRole("option", { name: "Runs without asking" }) as HTMLOptionElement;
    expect(option.disabled, "a destructive action cannot be set to run without asking").toBe(true);
    await fireEvent.input(screen.getByLabelText(/Repository/), { target: { value: "x/y" } });
    await fireEvent.click(screen.getByRole("button", { name: "Review…" }));
    const card = await screen.findByRole("region", { name: "Approve Star a repository" });
    expect(within(card).queryByRole("button", { name: "Always allow for this account" })).toBeNull();
    await fireEvent.click(within(card).getByRole("button", { name: "Deny" }));
    expect(await screen.findByText("Denied: nothing was sent.")).toBeTruthy();
    expect(declined).toHaveLength(1);
    expect(approvedRuns).toBe(0);
  });

  it("asks the same account for just the scopes an action lacks", async () => {
    const started: unknown[] = [];
    mockIPC((command, args) => {
      const payload = args as Record<string, unknown>;
      if (command === "list_actions") return [action({ id: "github.create_gist", title: "Create a gist", missingScopes: ["gist"] })];
      if (command === "resource_kinds") return [];
      if (command === "start_connect") {
        started.push(payload.request);
        return { flowId: "f1", provider: "github", state: { state: "waitingForBrowser", authorizeUrl: "https://github.example/authorize" } };
      }
    });
    const github = connection({ id: 7, provider: "github", products: ["github"], authKind: "oauth2", scopes: ["read:user", "repo"] });
    render(ActionsPanel, { provider: provider("github"), connections: [github], flows: new FlowTracker() });
    await fireEvent.click(await screen.findByRole("button", { name: /Create a gist/ }));
    await fireEvent.click(screen.getByRole("button", { name: "Allow more access" }));
    await waitFor(() => expect(started).toHaveLength(1));
    expect(started[0]).toEqual({
      provider: "github",
      products: ["github"],
      method: "browser",
      redirect: null,
      connection: 7,
      scopes: ["gist"],
    });
    expect(await screen.findByText("Finish allowing it in your browser…")).toBeTruthy();
  });
});
