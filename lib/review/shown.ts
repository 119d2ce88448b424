/**
 * Texts already printed in the review and where: a file the user-data writes that the config
 * document also carries (haproxy.cfg, the VIP list) is printed once, then named; one at the same
 * path with other content is printed as its differences.
 */
import { differences } from "./text";

export class Shown {
  private readonly places = new Map<string, string>();
  private readonly paths = new Map<string, { text: string; place: string }>();

  /** Remembers where a text (of an on-instance `path`, if given) is printed; the first wins. */
  public add(text: string, place: string, path?: string): void {
    if (text !== "" && !this.places.has(text)) this.places.set(text, place);
    if (path !== undefined && !this.paths.has(path)) this.paths.set(path, { text, place });
  }

  /** `same as <place>` when the text is printed already. */
  public sameAs(text: string): string | undefined {
    const place = this.places.get(text);
    return place === undefined ? undefined : `  same as ${place}`;
  }

  /** The block's lines: the text, a line naming where it is printed, or its differences. */
  public lines(text: string, print: (text: string) => string[], path?: string): string[] {
    const place = this.places.get(text);
    if (place !== undefined) return [`  same as ${place}`];
    const other = path === undefined ? undefined : this.paths.get(path);
    return other ? differences(other.text, text, other.place) : print(text);
  }
}
