import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import SchemaForm from "./SchemaForm.svelte";
import { connection } from "../test-fixtures";
import { driveFile, driveFolder, driveTree, file, PickerBackend, spreadsheet } from "./test-backend";
import type { FieldValue } from "./schema";

afterEach(() => clearMocks());

let writeText: ReturnType<typeof vi.fn>;
beforeEach(() => {
  writeText = vi.fn().mockResolvedValue(undefined);
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
});

const schema = {
  type: "object",
  required: ["file"],
  properties: {
    file: { type: "string", title: "Report", "x-resource-picker": { provider: "google", kind: "drive.file" } },
    copies: { type: "array", title: "Copies to", items: { type: "string", "x-resource-picker": { provider: "google", kind: "drive.file" } } },
    subject: { type: "string", title: "Subject", description: "The mail's subject line." },
  },
};

function renderForm(backend: PickerBackend, changes: Record<string, unknown> = {}) {
  backend.install();
  const onchange = vi.fn<(values: Record<string, FieldValue>) => void>();
  const view = render(SchemaForm, { schema, connections: [connection({ products: ["drive"] })], kinds: [driveFile], onchange, ...changes });
  return { ...view, onchange };
}

function field(name: string): HTMLElement {
  const found = document.querySelector<HTMLElement>(`[data-field="${name}"]`);
  if (!found) throw new Error(`no field ${name}`);
  return found;
}

function lastValues(onchange: ReturnType<typeof vi.fn>): Record<string, FieldValue> {
  return onchange.mock.calls.at(-1)?.[0] as Record<string, FieldValue>;
}

async function pickRows(ids: string[]) {
  await waitFor(() => expect(document.querySelector('[data-testid="picker-row"]')).not.toBeNull());
  await fireEvent.dblClick(document.querySelector('[data-testid="picker-row"][data-id="projects"]')!);
  await fireEvent.dblClick(await waitFor(() => document.querySelector('[data-testid="picker-row"][data-id="2026"]')!));
  for (const id of ids) {
    await fireEvent.click(await waitFor(() => document.querySelector(`[data-testid="picker-row"][data-id="${id}"]`)!));
  }
  await fireEvent.click(screen.getByTestId("picker-choose"));
}

describe("SchemaForm", () => {
  it("renders a text input for a plain string and a picker for a marked one", () => {
    renderForm(new PickerBackend());
    expect(screen.getByLabelText("Subject"), "a plain string is typed").toBeInstanceOf(HTMLInputElement);
    expect(screen.getByText("The mail's subject line.")).toBeTruthy();
    expect(within(field("file")).getByText("Nothing chosen")).toBeTruthy();
    expect(screen.getAllByTestId("pick-drive.file").map((button) => button.textContent?.trim())).toEqual(["Choose…", "Choose…"]);
  });

  it("returns the chosen resource's id to the form and shows its name, with the id to copy", async () => {
    const { onchange } = renderForm(new PickerBackend());
    await fireEvent.click(within(field("file")).getByTestId("pick-drive.file"));
    expect(screen.getByRole("dialog", { name: "Choose a Drive file" })).toBeTruthy();
    await pickRows(["report"]);
    expect(screen.queryByRole("dialog"), "choosing closes the picker").toBeNull();
    expect(lastValues(onchange), "the form's value is the id, not the name").toMatchObject({ file: "report" });
    expect(within(field("file")).getByTestId("picked-drive.file").textContent).toBe("Report");
    expect(field("file").querySelector("[data-picked-id]")?.textContent).toBe("report");
    expect(within(field("file")).getByTestId("pick-drive.file").textContent?.trim()).toBe("Change…");
    expect(document.activeElement, "focus returns to the button that opened the picker").toBe(
      within(field("file")).getByTestId("pick-drive.file"),
    );
    await fireEvent.click(within(field("file")).getByRole("button", { name: "Copy the ID of Report" }));
    expect(writeText).toHaveBeenCalledWith("report");
    expect(within(field("file")).getByRole("button", { name: "Copied" }), "the copy says it copied").toBeTruthy();
    expect(within(field("file")).queryByRole("button", { name: "Clear Report" }), "a required field has nothing to clear to").toBeNull();
  });

  it("hands the provider's name to the picker, whose mark reads as it", async () => {
    renderForm(new PickerBackend(), { providerName: "Google Workspace" });
    await fireEvent.click(within(field("file")).getByTestId("pick-drive.file"));
    const dialog = screen.getByRole("dialog", { name: "Choose a Drive file" });
    expect(within(dialog).getByRole("img", { name: "Google Workspace" }).dataset.providerMark).toBe("google");
  });

  it("shows one chosen as a name over its whole id (both with tooltips), copies all of the id and clears an optional field", async () => {
    const id = "1fOXvXiQMZWlknz-EoCIvpL6iFte3KnJQ";
    const name = "Budget overview – Project 03";
    const tree = driveTree();
    tree["2026"] = [file(id, name)];
    const optional = { type: "object", properties: { file: schema.properties.file } };
    const { onchange } = renderForm(new PickerBackend(tree), { schema: optional });
    await fireEvent.click(within(field("file")).getByTestId("pick-drive.file"));
    await pickRows([id]);

    const shown = within(field("file")).getByTestId("picked-drive.file");
    expect(shown.title, "a name cut short by the field's width is whole in its tooltip").toBe(name);
    const idLine = shown.nextElementSibling as HTMLElement | null;
    expect(idLine?.matches("[data-picked-id]"), "the id comes right after the name (the window test reads it there)").toBe(true);
    expect(idLine?.textContent, "the id is one unbroken token").toBe(id);
    expect(idLine?.title).toBe(id);
    await fireEvent.click(within(field("file")).getByRole("button", { name: `Copy the ID of ${name}` }));
    expect(writeText, "the whole id is copied, however much of it shows").toHaveBeenCalledWith(id);

    await fireEvent.click(within(field("file")).getByRole("button", { name: "Clear Report" }));
    expect(lastValues(onchange).file, "Clear empties an optional field").toBe("");
    expect(within(field("file")).getByText("Nothing chosen")).toBeTruthy();
    expect(within(field("file")).getByTestId("pick-drive.file").textContent?.trim()).toBe("Choose…");
    expect(document.activeElement, "the focus does not fall out of the page with the × that had it").toBe(
      within(field("file")).getByTestId("pick-drive.file"),
    );
  });

  it("returns several ids for an array, shown as chips that can be removed", async () => {
    const { onchange } = renderForm(new PickerBackend());
    await fireEvent.click(within(field("copies")).getByTestId("pick-drive.file"));
    await pickRows(["budget", "roadmap"]);
    expect(lastValues(onchange).copies).toEqual(["budget", "roadmap"]);
    const chips = within(field("copies")).getByTestId("picked-drive.file");
    expect(within(chips).getAllByRole("listitem").map((chip) => chip.textContent?.replace("×", "").trim())).toEqual(["Budget", "Roadmap"]);
    await fireEvent.click(within(chips).getByRole("button", { name: "Remove Budget" }));
    expect(lastValues(onchange).copies).toEqual(["roadmap"]);
  });

  it("shows a chosen name with markup as text", async () => {
    const hostile = "<img src=x onerror=alert(1)>";
    const tree = driveTree();
    tree["2026"] = [file("evil", hostile)];
    const { container, onchange } = renderForm(new PickerBackend(tree));
    await fireEvent.click(within(field("file")).getByTestId("pick-drive.file"));
    await pickRows(["evil"]);
    expect(within(field("file")).getByTestId("picked-drive.file").textContent).toBe(hostile);
    expect(container.querySelector("img"), "a provider's name never becomes an element").toBeNull();
    expect(lastValues(onchange).file).toBe("evil");
  });

  it("does not submit the form it sits in when Enter is pressed in the picker's search box", async () => {
    const onsubmit = vi.fn();
    renderForm(new PickerBackend(), { onsubmit });
    await fireEvent.click(within(field("file")).getByTestId("pick-drive.file"));
    await waitFor(() => expect(document.querySelector('[data-testid="picker-row"]')).not.toBeNull());
    await fireEvent.input(screen.getByTestId("picker-search"), { target: { value: "nothing like it" } });
    const enter = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true });
    screen.getByTestId("picker-search").dispatchEvent(enter);
    expect(enter.defaultPrevented, "Enter searches; it must not reach the form as a submission").toBe(true);
    expect(onsubmit).not.toHaveBeenCalled();
  });

  it("keeps typed text with the chosen ids", async () => {
    const { onchange } = renderForm(new PickerBackend());
    await fireEvent.input(screen.getByLabelText("Subject"), { target: { value: "Q3" } });
    expect(lastValues(onchange)).toMatchObject({ subject: "Q3", file: "", copies: [] });
  });

  it("opens a picker within another field at what that field chose, with the way back up", async () => {
    const projects = file("projects", "Projects", { item: "folder", detail: "Folder", location: "projects" });
    const backend = new PickerBackend({ ...driveTree(), "": [projects] });
    const nested = {
      type: "object",
      properties: {
        folder: { type: "string", title: "Folder", "x-resource-picker": { provider: "google", kind: "drive.folder" } },
        report: { type: "string", title: "Report", "x-resource-picker": { provider: "google", kind: "drive.file", within: "folder" } },
      },
    };
    const { onchange } = renderForm(backend, { schema: nested, kinds: [driveFile, driveFolder] });
    await fireEvent.click(within(field("folder")).getByTestId("pick-drive.folder"));
    await fireEvent.click(await waitFor(() => document.querySelector('[data-testid="picker-row"][data-id="projects"]')!));
    await fireEvent.click(screen.getByTestId("picker-choose"));
    expect(lastValues(onchange)).toMatchObject({ folder: "projects" });

    await fireEvent.click(within(field("report")).getByTestId("pick-drive.file"));
    await waitFor(() => expect(document.querySelector('[data-testid="picker-row"][data-id="plan"]')).not.toBeNull());
    expect(backend.lastRequest().location, "it lists inside the folder chosen above, not from the top").toBe("projects");
    const crumbs = screen.getByRole("navigation", { name: "Location" });
    expect(crumbs.textContent?.replace(/\s+/g, " "), "the breadcrumb names the folder, by name, under the top").toMatch(/Drive.*Projects/);
    await fireEvent.click(within(crumbs).getByRole("button", { name: "Drive" }));
    await waitFor(() => expect(backend.lastRequest().location, "and the top is one click away").toBeNull());
  });

  it("reads the kinds when none are given, and cannot open a picker without a usable account", async () => {
    const backend = new PickerBackend();
    backend.other = (command) => (command === "resource_kinds" ? [driveFile, spreadsheet] : undefined);
    renderForm(backend, { kinds: undefined, connections: [connection({ products: ["drive"], enabled: false })] });
    await waitFor(() => expect(backend.sent("resource_kinds")).toEqual([{ provider: null }]));
    const button = within(field("file")).getByTestId("pick-drive.file") as HTMLButtonElement;
    await waitFor(() => expect(within(field("file")).getByText(/Connect or turn on a google account/)).toBeTruthy());
    expect(button.disabled, "a disabled account cannot be browsed").toBe(true);
  });
});
