/**
 * The boot lab's refused rollout (scenario 6) is the synthesized config document with only
 * haproxy.cfg broken: every other file it carries (the user-data's and the document's own
 * programs) as synthesized, so the refusal is HAProxy's, not a half-written document's.
 */
import { synthesize } from "../../lab/stacks";
import { changedPair, refusedDocument } from "../../lab/vm/rollout-variants";
import { BUNDLE_FILES, DOCUMENT_FILES } from "../../lib/delivery/bundle";
import { STAGED } from "../../lib/instance/paths";
import { stagedFiles } from "../support/golden";

const staged = (document: string) => new Map(stagedFiles(document));

test("only haproxy.cfg differs from the synthesized document, by a keyword HAProxy refuses", () => {
  const changed = synthesize(changedPair);
  const synthesized = staged(changed.configDocument);
  const refused = staged(refusedDocument(changed));
  const names = [...BUNDLE_FILES, ...DOCUMENT_FILES].map((f) => STAGED[f.staged]);
  expect([...refused.keys()].sort()).toEqual([...names].sort());
  for (const name of names) {
    if (name === STAGED.STAGED_HAPROXY_CONFIG) {
      expect(refused.get(name)).toBe(
        synthesized.get(name)!.replace(/^global\n/m, "global\n    no-such-keyword\n"),
      );
    } else expect(refused.get(name)).toBe(synthesized.get(name));
  }
});
