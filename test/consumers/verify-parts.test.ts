// `imagestreams verify` on split image fields (Helm values keeping repository, tag and digest apart): each field is
// checked against its part of the lock at its file:line, and a set without a digest field is never called pinned.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/entry/cli.js';
import { digest, historyItem, streamLock } from '../helpers/builders.js';
import { captureIO } from '../helpers/capture-io.js';

const D1 = digest('1');
const D9 = digest('9');
const DECLARATION = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
spec:
  tags:
    - name: stable
      from: {kind: DockerImage, name: "quay.io/acme/app:1.10"}
`;
const VALUES = (digestValue: string, tag = '"1.10"') => `# values for acme-app
image:
  repository: quay.io/acme/app # imagestream: app:stable:repository
  tag: ${tag} # imagestream: app:stable:tag
  digest: ${digestValue} # imagestream: app:stable:digest
  pullPolicy: IfNotPresent
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'is-verify-parts-'));
  dirs.push(root);
  const all: Record<string, string> = {
    'imagestreams/app.yaml': DECLARATION,
    'imagestreams.lock/default/app.json': JSON.stringify(
      streamLock('default', 'app', { stable: [historyItem('quay.io/acme/app', D1)] }),
    ),
    'chart/values.yaml': VALUES(D1),
    ...files,
  };
  for (const [p, t] of Object.entries(all)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  return root;
}

async function verify(root: string, ...args: string[]) {
  const io = captureIO(root, { now: '2026-06-01T00:00:00Z' });
  const code = await main(['verify', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('verify on split image fields', () => {
  it('passes when repository, tag and digest are each at the lock', async () => {
    const r = await verify(repo({}));
    expect(r.out).toBe('');
    expect(r.err).toContain('3 consumers at their locked digests');
    expect(r.code).toBe(0);
  });

  it('fails on a digest field edited by hand, at its file:line, and on it alone', async () => {
    const r = await verify(repo({ 'chart/values.yaml': VALUES(D9) }));
    expect(r.out).toBe(
      `chart/values.yaml:5: key image.digest is at ${D9}, lock says ${D1} (run imagestreams reconcile)\n`,
    );
    expect(r.code).toBe(1);
  });

  it('checks the tag field too (a reviewer reads it), and a plain 1.10 that YAML reads as a number', async () => {
    const stale = await verify(repo({ 'chart/values.yaml': VALUES(D1, '"1.9"') }));
    expect(stale.out).toBe(
      'chart/values.yaml:4: key image.tag is at 1.9, lock says 1.10 (run imagestreams reconcile)\n',
    );
    const plain = await verify(repo({ 'chart/values.yaml': VALUES(D1, '1.10') }));
    expect(plain.out).toContain(
      'chart/values.yaml:4: key image.tag is 1.10 unquoted, which YAML does not read',
    );
    expect(plain.code).toBe(1);
    const json = JSON.parse((await verify(repo({ 'chart/values.yaml': VALUES(D1, '1.10') }), '--json')).out);
    expect(json.findings).toEqual([
      expect.objectContaining({ line: 4, current: '1.10', want: '1.10', unquoted: true }),
    ]);
  });

  it('--json reports each field with its part of the lock as want', async () => {
    const r = await verify(repo({ 'chart/values.yaml': VALUES(D9, '"1.9"') }), '--json');
    const json = JSON.parse(r.out);
    expect(json.findings).toEqual([
      expect.objectContaining({ line: 4, status: 'drift', current: '1.9', want: '1.10' }),
      expect.objectContaining({ line: 5, status: 'drift', current: D9, want: D1 }),
    ]);
  });

  it('refuses a tag field without a digest field: not pinned, exit 1, naming the marker to add', async () => {
    const values =
      'image:\n  repository: quay.io/acme/app # imagestream: app:stable:repository\n  tag: "1.10" # imagestream: app:stable:tag\n';
    const r = await verify(repo({ 'chart/values.yaml': values }));
    expect(r.out).toContain(
      'chart/values.yaml:2: key image.repository follows default/app:stable but no field of this image has a digest marker',
    );
    expect(r.out).toContain('add "# imagestream: default/app:stable:digest"');
    expect(r.err).not.toContain('at their locked digests');
    expect(r.code).toBe(1);
  });

  it('with pinFormat digest, the tag field still holds the upstream tag', async () => {
    const r = await verify(repo({ '.imagestreams.yaml': 'pinFormat: digest\n' }));
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('a Local tag pins the repository field to the local registry and the tag field to the stream tag', async () => {
    const root = repo({
      '.imagestreams.yaml': 'localRegistry: registry.local:5000\n',
      'imagestreams/app.yaml': `${DECLARATION}      referencePolicy: {type: Local}\n`,
    });
    const r = await verify(root);
    expect(r.out).toBe(
      'chart/values.yaml:3: key image.repository is at quay.io/acme/app, lock says registry.local:5000/default/app (run imagestreams reconcile)\n' +
        'chart/values.yaml:4: key image.tag is at 1.10, lock says stable (run imagestreams reconcile)\n',
    );
  });
});
