/**
 * Texts already printed in the review and where: a file the user-data writes that the config
 * document also carries (haproxy.cfg, the VIP list) is printed once, then named.
 */
export class Shown {
  private readonly places = new Map<string, string>();

  /** Remembers where a text is printed; the first place wins. */
  public add(text: string, place: string): void {
    if (text !== "" && !this.places.has(text)) this.places.set(text, place);
  }

  /** The block's lines: the text, or a line naming where it is printed already. */
  public lines(text: string, print: (text: string) => string[]): string[] {
    const place = this.places.get(text);
    return place === undefined ? print(text) : [`  same as ${place}`];
  }
}
