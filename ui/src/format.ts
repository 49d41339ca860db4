// How times and deep-link outcomes read to a person.
import type { DeepLinkOutcome } from "./bindings/DeepLinkOutcome";

/** "22 Nov 2026, 03:04" in the person's locale and time zone. */
export function formatTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function describeDeepLinkOutcome(outcome: DeepLinkOutcome): string {
  switch (outcome.kind) {
    case "delivered":
      return "Handed to the sign-in that was waiting for it.";
    case "noPendingFlow":
      return "No sign-in was waiting for it, so it was ignored.";
    case "rejected":
      return `Dropped: ${outcome.reason}`;
  }
}

/** "14:32" in the person's locale and time zone. */
export function formatClock(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleTimeString(undefined, { timeStyle: "short" });
}

/** "1 scope", "3 scopes". */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** "20:15" when it is today, otherwise the date too; `now` in Unix seconds. */
export function formatSoon(unixSeconds: number, now: number = Date.now() / 1000): string {
  const sameDay = new Date(unixSeconds * 1000).toDateString() === new Date(now * 1000).toDateString();
  return sameDay ? formatClock(unixSeconds) : formatTime(unixSeconds);
}
