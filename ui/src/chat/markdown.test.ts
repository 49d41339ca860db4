import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import MarkdownText from "./MarkdownText.svelte";
import { isWebLink, renderMarkdown } from "./markdown";
import { chatBackend } from "./test-chat";

afterEach(() => clearMocks());

describe("the assistant's markdown", () => {
  it("keeps formatting", () => {
    const html = renderMarkdown("**Bold** and `code`\n\n- one\n- two");
    expect(html).toContain("<strong>Bold</strong>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<li>one</li>");
  });

  it("neutralises scripts, event attributes and javascript: links", () => {
    const html = renderMarkdown(
      'Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> [click](javascript:alert(3)) <a href="javascript:alert(4)" onclick="alert(5)">x</a>',
    );
    const holder = document.createElement("div");
    holder.innerHTML = html;
    expect(holder.querySelector("script")).toBeNull();
    expect(holder.querySelector("img")).toBeNull();
    expect(holder.querySelector("[onerror], [onclick]")).toBeNull();
    for (const link of holder.querySelectorAll("a")) expect(link.getAttribute("href")).toBeNull();
    // What was raw HTML is shown as its text, inert.
    expect(holder.textContent).toContain("<script>alert(1)</script>");
    for (const element of holder.querySelectorAll("*")) {
      for (const attribute of element.attributes) expect(attribute.value).not.toMatch(/javascript:/i);
    }
  });

  it("drops raw HTML tags the renderer passes through, and images", () => {
    const holder = document.createElement("div");
    holder.innerHTML = renderMarkdown('<iframe src="https://evil.example"></iframe>\n\n![pixel](https://tracker.example/p.png)');
    expect(holder.querySelector("iframe, img")).toBeNull();
  });

  it("offers only web links", () => {
    expect(isWebLink("https://example.com")).toBe(true);
    expect(isWebLink("http://example.com/a")).toBe(true);
    expect(isWebLink("javascript:alert(1)")).toBe(false);
    expect(isWebLink("file:///etc/passwd")).toBe(false);
    expect(isWebLink("data:text/html,x")).toBe(false);
    expect(isWebLink(null)).toBe(false);
  });

  it("opens an https link with openLink and never navigates the window", async () => {
    const backend = chatBackend();
    render(MarkdownText, { text: "See [the doc](https://docs.example.com/a) or [this](javascript:alert(1))." });
    const link = screen.getByRole("link", { name: "the doc" });
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    link.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    await waitFor(() => expect(backend.callsOf("open_link")).toEqual([{ url: "https://docs.example.com/a" }]));

    await fireEvent.click(screen.getByText("this"));
    expect(backend.callsOf("open_link")).toHaveLength(1);
  });
});
