// The picker's keyboard: arrows move, Enter opens or chooses, Backspace goes up, Space toggles, Escape cancels.
import type { Resource } from "../bindings/Resource";
import { isContainer, type PickerState } from "./pickerState.svelte";

/** Where the key was pressed: the search box (and whether it is empty), another control, or the list. */
export type KeyPlace = { inSearch: boolean; searchEmpty: boolean; onControl: boolean };

export type KeyActions = { choose: (resources: Resource[]) => void; cancel: () => void };

const PAGE = 8;

/** Classifies the element a key event came from. */
export function keyPlace(target: EventTarget | null, search: HTMLInputElement | undefined): KeyPlace {
  const element = target instanceof HTMLElement ? target : null;
  const inSearch = element !== null && element === search;
  const onControl = !inSearch && element !== null && element.closest("button, select, input, textarea, a[href]") !== null;
  return { inSearch, searchEmpty: (search?.value ?? "") === "", onControl };
}

/** Does what `key` means in the picker; answers whether it used the key (the caller then prevents the default). */
export function pickerKey(picker: PickerState, key: string, place: KeyPlace, actions: KeyActions): boolean {
  const inText = place.inSearch && !place.searchEmpty;
  const item = picker.activeItem;
  // Buttons and the account or filter chooser keep their own keys; only Escape reaches the picker from them.
  if (place.onControl && key !== "Escape" && key !== "Backspace") return false;
  switch (key) {
    case "Escape":
      actions.cancel();
      return true;
    case "ArrowDown":
      picker.moveActive(1);
      return true;
    case "ArrowUp":
      picker.moveActive(-1);
      return true;
    case "PageDown":
      picker.moveActive(PAGE);
      return true;
    case "PageUp":
      picker.moveActive(-PAGE);
      return true;
    case "Home":
    case "End":
      if (place.inSearch) return false;
      picker.jumpTo(key === "Home" ? 0 : picker.items.length - 1);
      return true;
    case "ArrowRight":
      if (inText || item?.location == null) return false;
      picker.open(item);
      return true;
    case "ArrowLeft":
    case "Backspace":
      if (inText) return false;
      return picker.up() || key === "Backspace";
    case " ":
      if (place.inSearch || !item) return false;
      picker.toggle(item);
      return true;
    case "Enter":
      return enter(picker, place, item, actions);
    default:
      return false;
  }
}

function enter(picker: PickerState, place: KeyPlace, item: Resource | null, actions: KeyActions): boolean {
  // Typed and pressed Enter before the pause: search now rather than act on a row of the old list.
  if (place.inSearch && picker.search.trim() !== picker.searched) {
    picker.applySearch();
    return true;
  }
  if (item && isContainer(item)) {
    picker.open(item);
    return true;
  }
  if (item?.selectable) {
    actions.choose(picker.choiceWith(item));
    return true;
  }
  if (picker.canChoose) {
    actions.choose(picker.selected);
    return true;
  }
  return false;
}
