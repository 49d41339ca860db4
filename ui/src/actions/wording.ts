// How actions' side effects and policies read to a person.
import type { Policy } from "../bindings/Policy";
import type { SideEffect } from "../bindings/SideEffect";

export function sideEffectWords(effect: SideEffect): string {
  switch (effect) {
    case "read":
      return "Only reads";
    case "write":
      return "Changes something";
    case "destructive":
      return "Deletes or cannot be undone";
  }
}

export function policyWords(policy: Policy): string {
  switch (policy) {
    case "allow":
      return "Runs without asking";
    case "ask":
      return "Asks me first";
    case "deny":
      return "Never runs";
  }
}
