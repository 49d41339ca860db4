import { describe, expect, it } from "vitest";
import { fireEvent, render } from "@testing-library/svelte";
import { createRawSnippet } from "svelte";
import VirtualList from "./VirtualList.svelte";

const ROW = 40;
/** The height the list assumes where nothing measures it (jsdom): 9 rows. */
const VIEW = 360;

const row = createRawSnippet((item: () => string, index: () => number) => ({
  render: () => `<p data-row data-index="${index()}">${item()}</p>`,
}));

function numbered(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, offset) => `item ${from + offset}`);
}

function shownIndexes(): number[] {
  return [...document.querySelectorAll<HTMLElement>("[data-row]")].map((element) => Number(element.dataset.index));
}

function viewport(): HTMLElement {
  return document.querySelector<HTMLElement>('[data-testid="list"]')!;
}

async function scrollTo(top: number) {
  viewport().scrollTop = top;
  await fireEvent.scroll(viewport());
}

describe("VirtualList", () => {
  it("draws only a window of rows for 10,000 items, at their place in a full-height space", () => {
    render(VirtualList<string>, {
      items: numbered(10_000),
      rowHeight: ROW,
      key: (item) => item,
      row,
      overscan: 3,
      fallbackHeight: VIEW,
      "data-testid": "list",
    });
    const shown = shownIndexes();
    expect(shown, "the rows in view and a few below are drawn, from the first").toEqual([...Array(12).keys()]);
    const space = viewport().firstElementChild as HTMLElement;
    expect(space.style.height, "the scroll height is that of every row, so the scrollbar is honest").toBe(`${10_000 * ROW}px`);
    const slot = document.querySelector<HTMLElement>('[data-index="5"]')!.parentElement!;
    expect(slot.style.transform).toBe(`translateY(${5 * ROW}px)`);
  });

  it("draws the rows that are in view after scrolling", async () => {
    render(VirtualList<string>, { items: numbered(10_000), rowHeight: ROW, key: (item) => item, row, overscan: 3, "data-testid": "list" });
    await scrollTo(5_000 * ROW);
    const shown = shownIndexes();
    expect(shown[0], "three rows of overscan above the view").toBe(4_997);
    expect(shown[shown.length - 1], "the last row in view plus three").toBe(5_000 + VIEW / ROW + 3 - 1);
    expect(document.querySelector('[data-index="0"]'), "rows far above are not drawn").toBeNull();
    expect(document.querySelector('[data-index="5000"]')?.textContent).toBe("item 5000");

    await scrollTo(9_999 * ROW);
    expect(shownIndexes().at(-1), "the end of the list stops at the last item").toBe(9_999);
  });

  it("keeps its place while pages are appended as the person scrolls", async () => {
    const view = render(VirtualList<string>, { items: numbered(1_000), rowHeight: ROW, key: (item) => item, row, overscan: 2, "data-testid": "list" });
    await scrollTo(990 * ROW);
    expect(shownIndexes().at(-1), "at the end of the first page").toBe(999);
    await view.rerender({ items: numbered(2_000) });
    expect(viewport().scrollTop, "appending does not move the view").toBe(990 * ROW);
    expect(shownIndexes(), "rows past the old end appear below the view's last row").toContain(1_000);
    expect(shownIndexes()[0]).toBe(988);
    await scrollTo(1_500 * ROW);
    expect(shownIndexes()[0]).toBe(1_498);
  });

  it("keeps its own scrolling class when the caller adds one", () => {
    render(VirtualList<string>, { items: numbered(3), rowHeight: ROW, key: (item) => item, row, class: "list", "data-testid": "list" });
    expect(viewport().classList.contains("viewport"), "without its class the container would not scroll").toBe(true);
    expect(viewport().classList.contains("list")).toBe(true);
  });

  it("scrolls back to the top when its reset key changes", async () => {
    const view = render(VirtualList<string>, {
      items: numbered(500),
      rowHeight: ROW,
      key: (item) => item,
      row,
      resetKey: 1,
      "data-testid": "list",
    });
    await scrollTo(200 * ROW);
    await view.rerender({ items: numbered(500, 1000), resetKey: 2 });
    expect(viewport().scrollTop, "a new listing starts at its top").toBe(0);
    expect(shownIndexes()[0]).toBe(0);
  });
});
