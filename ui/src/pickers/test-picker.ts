// For ResourcePicker tests: opening the dialog against a PickerBackend, and reading its rows, crumbs and buttons.
import { expect, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/svelte";
import ResourcePicker from "./ResourcePicker.svelte";
import { FlowTracker } from "../integrations/flows.svelte";
import { connection } from "../test-fixtures";
import { driveFile, type PickerBackend } from "./test-backend";
import type { Connection } from "../bindings/Connection";
import type { Resource } from "../bindings/Resource";
import type { ResourceKind } from "../bindings/ResourceKind";

export type PickerOptions = { connections?: Connection[]; kind?: ResourceKind; filter?: string | null; multiple?: boolean; flows?: FlowTracker };

export function open(backend: PickerBackend, options: PickerOptions = {}) {
  backend.install();
  const onpick = vi.fn<(resources: Resource[], connection: number) => void>();
  const oncancel = vi.fn();
  const view = render(ResourcePicker, {
    connections: options.connections ?? [connection({ products: ["drive"] })],
    kind: options.kind ?? driveFile,
    filter: options.filter ?? null,
    multiple: options.multiple ?? false,
    flows: options.flows ?? new FlowTracker(),
    onpick,
    oncancel,
  });
  return { ...view, onpick, oncancel };
}

export function rows(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('[data-testid="picker-row"]')];
}

export function rowIds(): string[] {
  return rows().map((row) => row.dataset.id ?? "");
}

export function row(id: string): HTMLElement {
  const found = document.querySelector<HTMLElement>(`[data-testid="picker-row"][data-id="${id}"]`);
  if (!found) throw new Error(`no row ${id}; rows are ${rowIds().join(", ")}`);
  return found;
}

export function list(): HTMLElement {
  return screen.getByTestId("picker-list");
}

export function search(): HTMLInputElement {
  return screen.getByTestId("picker-search") as HTMLInputElement;
}

export function crumbs(): string[] {
  return screen.getAllByTestId("picker-crumb").map((crumb) => crumb.textContent ?? "");
}

export function chooseButton(): HTMLButtonElement {
  return screen.getByTestId("picker-choose") as HTMLButtonElement;
}

/** The row the list says is active (its aria-activedescendant). */
export function activeId(): string | undefined {
  const id = list().getAttribute("aria-activedescendant");
  return id ? document.getElementById(id)?.dataset.id : undefined;
}

export async function rowsAre(ids: string[]) {
  await waitFor(() => expect(rowIds(), "the list should show this place's items").toEqual(ids));
}
