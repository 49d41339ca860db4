// How a picker words things: its title from the kind's name, counts of items, an account's name.
import type { Connection } from "../bindings/Connection";
import type { ResourceKind } from "../bindings/ResourceKind";

/**
 * The kind's name inside a sentence: "Drive file" keeps its product's capital (its first word is the id's product),
 * "Spreadsheet" becomes "spreadsheet".
 */
export function kindNoun(kind: ResourceKind): string {
  const [firstWord, ...rest] = kind.name.split(" ");
  const product = kind.id.split(".")[0] ?? "";
  const properName = rest.length > 0 && firstWord.toLowerCase() === product.toLowerCase();
  return properName ? kind.name : kind.name.charAt(0).toLowerCase() + kind.name.slice(1);
}

/** "Choose a Drive file", "Choose an issue"; with several: "Choose one or more: Drive file". */
export function pickerTitle(kind: ResourceKind, multiple: boolean): string {
  const noun = kindNoun(kind);
  if (multiple) return `Choose one or more: ${noun}`;
  return `Choose ${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun}`;
}

/** The person's number format; with no locale set (LANG=C, which WebKit calls POSIX) English, so thousands are grouped. */
const numbers = (() => {
  const local = new Intl.NumberFormat();
  return local.resolvedOptions().locale.includes("-u-va-posix") ? new Intl.NumberFormat("en") : local;
})();

/** "1,234" in the person's locale. */
export function formatCount(count: number): string {
  return numbers.format(count);
}

/** "1 item", "1,234 items". */
export function itemCount(count: number): string {
  return `${formatCount(count)} ${count === 1 ? "item" : "items"}`;
}

/** How an account reads in the account chip: its name if the person gave one, else the account. */
export function accountName(connection: Connection): string {
  return connection.label ? `${connection.label} (${connection.accountLabel})` : connection.accountLabel;
}
