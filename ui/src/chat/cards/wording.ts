// How the chat's cards read: an event's time range in the person's locale, and a closed card's one-line record.
import type { Card } from "../../bindings/Card";

/** "Tue, 8 Dec 2026, 14:00 – 15:00" (the end's date too when it differs); the event's time zone named when given. */
export function eventTimeRange(start: string, end: string, timeZone: string | null): string {
  const from = new Date(start);
  const to = new Date(end);
  if (Number.isNaN(from.getTime())) return end ? `${start} – ${end}` : start;
  const zone = timeZone && validZone(timeZone) ? timeZone : undefined;
  const dateTime: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short", timeZone: zone };
  const first = from.toLocaleString(undefined, dateTime);
  if (Number.isNaN(to.getTime())) return first;
  const sameDay = from.toLocaleDateString(undefined, { timeZone: zone }) === to.toLocaleDateString(undefined, { timeZone: zone });
  const second = sameDay ? to.toLocaleTimeString(undefined, { timeStyle: "short", timeZone: zone }) : to.toLocaleString(undefined, dateTime);
  return `${first} – ${second}${zone ? ` (${zone})` : ""}`;
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** What a card that no longer waits says happened, in one line. */
export function closedCardWords(card: Card): string {
  switch (card.kind) {
    case "connect":
      return `Asked to connect ${card.productName}`;
    case "clarify":
      return `Asked for details for ${card.actionTitle}`;
    case "approve":
      return `Asked to approve: ${card.pending.title} on ${card.pending.connectionName}`;
    case "result":
      return card.result.summary;
    case "error":
      return card.message;
  }
}
