/** One open heading. */
export interface OpenHeading {
  level: number;
  title: string;
}

/**
 * Tracks the enclosing headings while a parser walks a document top to bottom, so each block can
 * carry the path a reader would see in an outline.
 */
export class HeadingPath {
  private readonly stack: OpenHeading[] = [];

  /** Opens a heading; returns the path that encloses it (its own title excluded). */
  enter(level: number, title: string): string[] {
    while (this.stack.length > 0 && this.stack[this.stack.length - 1].level >= level) this.stack.pop();
    const enclosing = this.current();
    this.stack.push({level, title});
    return enclosing;
  }

  /** The open headings, to go back to once a nested box (a callout) ends. */
  save(): OpenHeading[] {
    return [...this.stack];
  }

  restore(saved: OpenHeading[]): void {
    this.stack.splice(0, this.stack.length, ...saved);
  }

  /** Path for content at the current position, outermost first. */
  current(): string[] {
    return this.stack.map((entry) => entry.title);
  }
}
