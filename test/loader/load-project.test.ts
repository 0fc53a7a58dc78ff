import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/loader/load.js';
import { followChain, indexStreams, validateStreams } from '../../src/policy/validate.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'basic');
const PROJECT = join(import.meta.dirname, '..', 'fixtures', 'projects', 'describe');

describe('loadProject', () => {
  it('finds the config and the default declarations folder', async () => {
    const r = await loadProject({ cwd: EXAMPLE });
    expect(r.configFile).toBe('.imagestreams.yaml');
    expect(r.config.allowedRegistries).toEqual(['docker.io', 'quay.io', '*.example.com']);
    expect(r.files).toEqual(['imagestreams/python.yaml']);
    expect(r.diagnostics).toEqual([]);
    const [s] = r.streams;
    expect(s).toMatchObject({ file: 'imagestreams/python.yaml', namespace: 'default', name: 'python' });
    expect(s!.tagPosition('3.11')).toEqual({ line: 28, column: 13 });
    expect(s!.position(['spec', 'tags', 2, 'from', 'name'])).toMatchObject({ line: 37, column: 15 });
  });

  it('honours metadata.namespace, lists and config lockDir', async () => {
    const r = await loadProject({ cwd: PROJECT });
    expect(r.streams.map((s) => `${s.namespace}/${s.name}`)).toEqual(['default/python', 'team-a/app']);
    expect(r.config.lockDir).toBe('locks');
  });

  it('exposes the follow graph across namespaces for the reconciler', async () => {
    const r = await loadProject({ cwd: PROJECT });
    const index = indexStreams(r.streams);
    expect(followChain(index, 'team-a', 'app', 'base')).toEqual({
      chain: ['team-a/app:base', 'default/python:3.12'],
      cycle: false,
    });
    expect(followChain(index, 'default', 'python', 'latest').chain).toEqual([
      'default/python:latest',
      'default/python:3.12',
    ]);
    expect(validateStreams(r.streams, { allowedRegistries: ['docker.io'] }).map((d) => d.message)).toEqual([
      'registry "quay.io" is not in allowedRegistries (docker.io): add it to .imagestreams.yaml or import from an allowed registry',
      'registry "registry.example.com:5000" is not in allowedRegistries (docker.io): add it to .imagestreams.yaml or import from an allowed registry',
    ]);
  });

  it('loads declarations from a glob in the config', async () => {
    const r = await loadProject({ cwd: PROJECT, paths: ['imagestreams/**/app.yaml'] });
    expect(r.files).toEqual(['imagestreams/team/app.yaml']);
  });
});
