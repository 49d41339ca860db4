// Where a picker opens when its field is `within` another (a file in the repository chosen above): at what that
// field chose, named as its picker named it, with the way back up to the top. One per form.
import type { Resource } from "../bindings/Resource";
import type { Crumb } from "./pickerState.svelte";
import type { PickerSpec } from "./schema";

export class ChosenPlaces {
  /** Names of what the form's pickers chose, by id. */
  #names = $state<Record<string, string>>({});

  /** Remembers the names of what a picker chose (PickerField's `onnamed`). */
  readonly named = (resources: readonly Resource[]): void => {
    this.#names = { ...this.#names, ...Object.fromEntries(resources.map((resource) => [resource.id, resource.name])) };
  };

  /** Where a picker of `spec` opens, given the form's `values`: null (its top) unless its `within` field has a value. */
  startFor(spec: PickerSpec, values: Readonly<Record<string, unknown>>): Crumb | null {
    const within = spec.within ? values[spec.within] : undefined;
    if (typeof within !== "string" || within.trim() === "") return null;
    return { name: this.#names[within] ?? within, location: within };
  }
}
