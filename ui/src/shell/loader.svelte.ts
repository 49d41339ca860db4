// One value fetched from the backend, with its failure and a way to fetch it again.
import { toUserError, type UserError } from "../ipc";

export class Loader<T> {
  value = $state<T | null>(null);
  failure = $state<UserError | null>(null);
  readonly #fetch: () => Promise<T>;

  constructor(fetch: () => Promise<T>) {
    this.#fetch = fetch;
  }

  load = async (): Promise<void> => {
    this.failure = null;
    try {
      this.value = await this.#fetch();
    } catch (error) {
      this.failure = toUserError(error);
    }
  };
}
