// Generated tags and changes: the edits of policy/tag-edit.ts, applied to real YAML text, leave exactly the spec
// the change describes (tag: the whole spec replaced; import/rollback: the source changed, the rest kept, the stale
// namespace and rolled-back-from note gone). A failure prints fast-check's seed and path; replay with
// IMAGESTREAMS_PROPERTY_SEED / IMAGESTREAMS_PROPERTY_PATH.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { editDocumentText } from '../../src/edit/yaml-edit.js';
import type { TagReference } from '../../src/model/stream.js';
import { ROLLED_BACK_FROM, type TagSpecChange, tagSpecEdits } from '../../src/policy/tag-edit.js';

const replay = {
  ...(process.env.IMAGESTREAMS_PROPERTY_SEED ? { seed: Number(process.env.IMAGESTREAMS_PROPERTY_SEED) } : {}),
  ...(process.env.IMAGESTREAMS_PROPERTY_PATH ? { path: process.env.IMAGESTREAMS_PROPERTY_PATH } : {}),
};

const from = fc.record(
  {
    kind: fc.constantFrom('DockerImage', 'ImageStreamTag', 'ImageStreamImage'),
    name: fc.stringMatching(/^[a-z][a-z0-9.:/@-]{0,20}$/),
    namespace: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
  },
  { requiredKeys: ['kind', 'name'] },
);
const importPolicy = fc.record(
  {
    scheduled: fc.boolean(),
    insecure: fc.boolean(),
    importMode: fc.constantFrom('Legacy', 'PreserveOriginal'),
  },
  { requiredKeys: [] },
);
const annotations = fc.dictionary(
  fc.constantFrom(ROLLED_BACK_FROM, 'example.com/note', 'importer.image.openshift.io/prefer-arch'),
  fc.stringMatching(/^[a-z0-9 ]{1,10}$/),
  { minKeys: 1 },
);
const existingTag = fc.record(
  {
    name: fc.constant('t'),
    from,
    importPolicy,
    annotations,
    referencePolicy: fc.record({ type: fc.constantFrom('Source', 'Local') }),
    generation: fc.nat(5),
    reference: fc.boolean(),
  },
  { requiredKeys: ['name', 'from'] },
);
const fields = fc.record(
  { importPolicy, referencePolicy: fc.record({ type: fc.constantFrom('Source', 'Local') }) },
  {
    requiredKeys: [],
  },
);

function apply(tag: Record<string, unknown>, change: TagSpecChange, flow: boolean): Record<string, unknown> {
  const doc = { kind: 'ImageStream', metadata: { name: 's' }, spec: { tags: [tag] } };
  const text = stringify(doc, flow ? { collectionStyle: 'flow' } : {});
  const ops = tagSpecEdits(tag as unknown as TagReference, change).map((op) => ({
    ...op,
    path: ['spec', 'tags', 0, ...op.path],
  }));
  return (parse(editDocumentText(text, 0, ops)) as { spec: { tags: Record<string, unknown>[] } }).spec
    .tags[0]!;
}

describe('the shared tag edit, generated', () => {
  it('replace (oc tag): the tag ends up exactly {name, from, given fields}', () => {
    fc.assert(
      fc.property(existingTag, from, fields, fc.boolean(), (tag, f, given, flow) => {
        const got = apply(tag, { from: f, fields: given, replace: true }, flow);
        expect(got).toEqual({ name: 't', from: f, ...given });
      }),
      replay,
    );
  });

  it('point (import --from, rollback): the source is replaced whole, the note and stale namespace go, the rest stays', () => {
    fc.assert(
      fc.property(
        existingTag,
        from,
        fc.option(fc.constantFrom('a note'), { nil: undefined }),
        fc.boolean(),
        (tag, f, note, flow) => {
          const got = apply(tag, { from: f, ...(note ? { rolledBackFrom: note } : {}) }, flow);
          const {
            from: _f,
            annotations: ann,
            ...rest
          } = tag as Record<string, unknown> & {
            annotations?: Record<string, string>;
          };
          const wantAnn = { ...(ann ?? {}) };
          if (note) wantAnn[ROLLED_BACK_FROM] = note;
          else delete wantAnn[ROLLED_BACK_FROM];
          const want: Record<string, unknown> = { ...rest, from: f };
          if (Object.keys(wantAnn).length) want.annotations = wantAnn;
          expect(got).toEqual(want);
        },
      ),
      replay,
    );
  });
});
