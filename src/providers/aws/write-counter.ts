/**
 * Counts write requests sent to AWS (every Put/Create/Update/Delete request that went out,
 * including ones the service refused), shared by the providers of one target.
 */
export class WriteCounter {
  #total = 0;
  readonly #byOperation = new Map<string, number>();

  add(operation: string): void {
    this.#total += 1;
    this.#byOperation.set(operation, (this.#byOperation.get(operation) ?? 0) + 1);
  }

  get total(): number {
    return this.#total;
  }

  /** Requests per operation name, e.g. `{ PutOrganizationConfigRule: 2 }`. */
  byOperation(): Record<string, number> {
    return Object.fromEntries([...this.#byOperation].sort(([a], [b]) => a.localeCompare(b)));
  }
}
