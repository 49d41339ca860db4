import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import { siGithub, siGoogle } from "simple-icons";
import ProviderMark from "./ProviderMark.svelte";
import { providerMark } from "./providerMarks";

function mark(): HTMLElement {
  const found = document.querySelector<HTMLElement>("[data-provider-mark]");
  if (!found) throw new Error("no mark drawn");
  return found;
}

describe("ProviderMark", () => {
  it("draws the provider's icon from Simple Icons in its brand colour", () => {
    render(ProviderMark, { provider: "google", name: "Google" });
    const path = mark().querySelector("svg path");
    expect(path?.getAttribute("d")).toBe(siGoogle.path);
    expect(mark().querySelector("svg")?.getAttribute("fill")).toBe(`#${siGoogle.hex}`);
  });

  it("has a mark for every catalogued provider Simple Icons carries, and a letter for Slack, which it does not", () => {
    for (const id of ["atlassian", "github", "google", "notion", "supabase", "telegram"]) {
      expect(providerMark(id), id).not.toBeNull();
    }
    expect(providerMark("slack")).toBeNull();
    expect(providerMark("toString"), "only the providers' own entries, nothing inherited").toBeNull();
    render(ProviderMark, { provider: "slack", name: "Slack" });
    expect(mark().dataset.providerMark).toBe("letter");
    expect(mark().textContent).toBe("S");
  });

  it("fills marks too dark for the dark theme with the text colour there, and leaves bright ones their colour", () => {
    const lightInDark = ["atlassian", "github", "google", "notion", "supabase", "telegram"].filter(
      (id) => providerMark(id)?.lightInDark,
    );
    expect(lightInDark).toEqual(["atlassian", "github", "notion"]);
    render(ProviderMark, { provider: "github", name: "GitHub" });
    expect(mark().classList.contains("light-in-dark")).toBe(true);
    expect(mark().querySelector("svg")?.getAttribute("fill"), "the brand colour stays for the light theme").toBe(`#${siGithub.hex}`);
  });

  it("is decorative unless labelled, then reads as the provider's name, letter or icon", () => {
    const decorative = render(ProviderMark, { provider: "google", name: "Google" });
    expect(mark().getAttribute("aria-hidden")).toBe("true");
    expect(screen.queryByRole("img")).toBeNull();
    decorative.unmount();

    const labelled = render(ProviderMark, { provider: "google", name: "Google", labelled: true });
    expect(screen.getByRole("img", { name: "Google" })).toBe(mark());
    labelled.unmount();

    render(ProviderMark, { provider: "acme", name: "Acme", labelled: true });
    expect(screen.getByRole("img", { name: "Acme" }).textContent).toBe("A");
  });
});
