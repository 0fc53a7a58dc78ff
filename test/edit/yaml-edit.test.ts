import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { editDocumentText } from '../../src/edit/yaml-edit.js';
import { CORPUS } from '../helpers/corpus.js';

const YAML = `# Python images for the team
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: python   # the stream
spec:
  tags:
    - name: "3.12"
      from:
        kind: DockerImage
        name: 'python:3.12'  # upstream
      importPolicy: {}
    # the next one is pinned
    - name: "3.11"
      from: {kind: DockerImage, name: python:3.11}
`;

describe('editDocumentText keeps everything but the changed value', () => {
  it('changes one scalar in place, keeping its quoting and comment', () => {
    const out = editDocumentText(YAML, 0, [
      { op: 'set', path: ['spec', 'tags', 0, 'from', 'name'], value: 'python:3.13' },
    ]);
    expect(out).toBe(YAML.replace("'python:3.12'", "'python:3.13'"));
  });

  it('merges into an empty flow map and a flow map with items', () => {
    const out = editDocumentText(YAML, 0, [
      { op: 'set', path: ['spec', 'tags', 0, 'importPolicy'], value: { scheduled: true } },
      { op: 'set', path: ['spec', 'tags', 1, 'from'], value: { name: 'python:3.11-slim', namespace: 'x' } },
    ]);
    expect(out).toContain('importPolicy: { scheduled: true }');
    expect(out).toContain('from: {kind: DockerImage, name: python:3.11-slim, namespace: "x"}');
    expect(parse(out).spec.tags[1].from).toEqual({
      kind: 'DockerImage',
      name: 'python:3.11-slim',
      namespace: 'x',
    });
  });

  it("adds a key to a block map at the siblings' indentation", () => {
    const out = editDocumentText(YAML, 0, [
      { op: 'set', path: ['spec', 'tags', 0, 'referencePolicy'], value: { type: 'Local' } },
    ]);
    expect(out).toContain(
      '      importPolicy: {}\n      referencePolicy:\n        type: Local\n    # the next',
    );
    expect(parse(out).spec.tags[0].referencePolicy).toEqual({ type: 'Local' });
  });

  it('appends a tag and deletes one, leaving the rest untouched', () => {
    const added = editDocumentText(YAML, 0, [
      {
        op: 'append',
        path: ['spec', 'tags'],
        value: { name: '3.13', from: { kind: 'DockerImage', name: 'python:3.13' } },
      },
    ]);
    expect(added.startsWith(YAML.trimEnd())).toBe(true);
    expect(parse(added).spec.tags.map((t: { name: string }) => t.name)).toEqual(['3.12', '3.11', '3.13']);
    const removed = editDocumentText(YAML, 0, [{ op: 'delete', path: ['spec', 'tags', 0] }]);
    expect(parse(removed).spec.tags.map((t: { name: string }) => t.name)).toEqual(['3.11']);
    expect(removed).toContain('# Python images for the team');
    expect(removed).toContain('# the next one is pinned');
  });

  it('edits the right document of a multi-document file', () => {
    const two = `${YAML}---\n${YAML.replace('name: python ', 'name: ruby ')}`;
    const out = editDocumentText(two, 1, [
      { op: 'set', path: ['spec', 'tags', 0, 'from', 'name'], value: 'ruby:3' },
    ]);
    const [first, second] = out.split('---\n');
    expect(first).toBe(YAML);
    expect(second).toContain("name: 'ruby:3'");
  });

  it('edits tab-indented JSON from the OpenShift library with minimal diff', () => {
    const file = join(CORPUS, 'community/redis/imagestreams/redis-centos.json');
    const text = readFileSync(file, 'utf8');
    const out = editDocumentText(text, 0, [
      { op: 'set', path: ['spec', 'tags', 0, 'importPolicy'], value: { scheduled: true } },
      { op: 'set', path: ['spec', 'tags', 0, 'from', 'name'], value: 'quay.io/sclorg/redis-6-c9s:next' },
      {
        op: 'append',
        path: ['spec', 'tags'],
        value: { name: 'x', from: { kind: 'DockerImage', name: 'redis:7' } },
      },
    ]);
    const obj = JSON.parse(out);
    expect(obj.spec.tags[0].importPolicy).toEqual({ scheduled: true });
    expect(obj.spec.tags[0].from.name).toBe('quay.io/sclorg/redis-6-c9s:next');
    expect(obj.spec.tags.at(-1).name).toBe('x');
    const changed = out.split('\n').filter((l) => !text.split('\n').includes(l));
    expect(changed.length).toBeLessThan(15);
    const removed = editDocumentText(text, 0, [{ op: 'delete', path: ['spec', 'tags', 1] }]);
    expect(JSON.parse(removed).spec.tags).toHaveLength(JSON.parse(text).spec.tags.length - 1);
  });
});
