/**
 * A span of time, rendered the way HAProxy reads it (`4s`, `30m`, `1h`).
 * Kept in milliseconds so that comparisons and products are exact.
 */
export class Duration {
  public static millis(amount: number): Duration {
    return new Duration(amount);
  }
  public static seconds(amount: number): Duration {
    return new Duration(amount * 1000);
  }
  public static minutes(amount: number): Duration {
    return new Duration(amount * 60_000);
  }
  public static hours(amount: number): Duration {
    return new Duration(amount * 3_600_000);
  }

  private constructor(private readonly ms: number) {
    if (!Number.isInteger(ms) || ms <= 0) {
      throw new Error(`A duration must be a positive whole number of milliseconds, got ${ms}`);
    }
  }

  public toMilliseconds(): number {
    return this.ms;
  }

  /** The largest whole unit: 3600000 -> `1h`, 1800000 -> `30m`, 1500 -> `1500ms`. */
  public toHaproxy(): string {
    for (const [unit, size] of [
      ["h", 3_600_000],
      ["m", 60_000],
      ["s", 1000],
    ] as const) {
      if (this.ms % size === 0) return `${this.ms / size}${unit}`;
    }
    return `${this.ms}ms`;
  }

  /** For people: `1 h`, `30 min`, `4 s`. */
  public toHuman(): string {
    return this.toHaproxy()
      .replace(/(\d+)h$/, "$1 h")
      .replace(/(\d+)m$/, "$1 min")
      .replace(/(\d+)s$/, "$1 s")
      .replace(/(\d+)ms$/, "$1 ms");
  }
}
