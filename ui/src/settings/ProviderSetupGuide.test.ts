import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import ProviderSetupGuide from "./ProviderSetupGuide.svelte";
import ConnectionDetails from "../integrations/connection/ConnectionDetails.svelte";
import { connection, provider, providerSetup } from "../test-fixtures";

describe("scope lists", () => {
  it("Settings keeps a space between what a scope allows and its code", () => {
    render(ProviderSetupGuide, { props: { provider: provider("github"), setup: providerSetup() } });
    const described = screen.getByText("repo").closest("li");
    expect(described?.textContent?.trim(), "words and code must not run together").toBe(
      "Read and change your repositories repo",
    );
    const bare = screen.getByText("read:user").closest("li");
    expect(bare?.textContent?.trim(), "a scope without words shows its code alone").toBe("read:user");
  });

  it("a connection's details list its scopes the same way", () => {
    render(ConnectionDetails, {
      props: {
        connection: connection({ scopes: ["repo"] }),
        id: "details",
        scopeDescriptions: provider("github").scopeDescriptions,
      },
    });
    const item = screen.getByRole("list", { name: "Scopes granted" }).querySelector("li");
    expect(item?.textContent?.trim()).toBe("Read and change your repositories repo");
  });
});
