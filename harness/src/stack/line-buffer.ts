/** The last `capacity` lines written to it; older lines fall out. */
export class LineBuffer {
  readonly #capacity: number;
  readonly #lines: string[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.#capacity) this.#lines.shift();
  }

  /** The kept lines, oldest first; at most the last `count` when given. */
  lines(count?: number): string[] {
    return count === undefined ? [...this.#lines] : this.#lines.slice(-count);
  }
}
