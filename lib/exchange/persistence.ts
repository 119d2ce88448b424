import { Duration } from "../core/duration";

/** Server affinity (the guides' "persistence"). */
export class Persistence {
  /** Every new connection is balanced on its own (Exchange 2013+: 004 §7). */
  public static none(): Persistence {
    return new Persistence(undefined, undefined);
  }

  /**
   * A client address sticks to the server it first reached until it has been
   * idle for `timeout` (001 §7, §11 step 2: source IP, 60 minutes).
   * @param tableSize entries in the stick table, HAProxy size syntax; default `100k`.
   */
  public static sourceIp(timeout: Duration, tableSize = "100k"): Persistence {
    if (!/^[1-9]\d*[km]?$/.test(tableSize)) {
      throw new Error(`Persistence table size "${tableSize}" is not a count like 100k`);
    }
    return new Persistence(timeout, tableSize);
  }

  private constructor(
    /** Idle time after which a client may be balanced anew; undefined: no persistence. */
    public readonly timeout: Duration | undefined,
    public readonly tableSize: string | undefined,
  ) {}

  public describe(): string {
    return this.timeout ? `source IP, ${this.timeout.toHuman()}` : "none";
  }
}
