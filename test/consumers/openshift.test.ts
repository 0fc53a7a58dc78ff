import { describe, expect, it } from 'vitest';
import { findConsumers } from '../../src/consumers/index.js';

const find = (text: string) => findConsumers([{ path: 'o.yaml', text }], { defaultNamespace: 'default' });

const dc = (params: string) => `kind: DeploymentConfig
metadata: {name: fe, namespace: apps}
spec:
  triggers:
    - type: ImageChange
      imageChangeParams:
${params}
  template:
    spec:
      containers:
        - {name: web, image: "node:20"}
`;

describe('DeploymentConfig triggers', () => {
  it('follows automatic triggers in the object namespace', () => {
    const r = find(
      dc(
        '        automatic: true\n        containerNames: [web]\n        from: {kind: ImageStreamTag, name: "node:20"}',
      ),
    );
    expect(r.errors).toEqual([]);
    expect(r.consumers).toMatchObject([
      {
        target: 'DeploymentConfig/fe container "web"',
        follows: { namespace: 'apps', stream: 'node', tag: '20' },
        line: 13,
      },
    ]);
  });

  it.each([
    [
      '        automatic: true\n        containerNames: [api]\n        from: {kind: ImageStreamTag, name: "node:20"}',
      'names "api", which is not a container',
    ],
    [
      '        automatic: true\n        from: {kind: ImageStreamTag, name: "node:20"}',
      'containerNames is empty',
    ],
    [
      '        automatic: true\n        containerNames: [web]\n        from: {kind: DockerImage, name: "node:20"}',
      'expected ImageStreamTag',
    ],
    ['        automatic: true\n        containerNames: [web]', 'has no "from"'],
  ])('reports %j as an error naming the object', (params, message) => {
    const r = find(dc(params));
    expect(r.consumers).toEqual([]);
    expect(r.errors[0]).toMatchObject({ file: 'o.yaml', object: 'DeploymentConfig/fe' });
    expect(r.errors[0]?.message).toContain(message);
  });

  it('ignores manual (automatic: false or absent) triggers', () => {
    expect(
      find(dc('        containerNames: [web]\n        from: {kind: ImageStreamTag, name: "node:20"}')),
    ).toEqual({
      consumers: [],
      errors: [],
    });
  });
});

const bc = (annotations: string, trigger: string) => `kind: BuildConfig
metadata:
  name: app
${annotations}
spec:
  strategy:
    sourceStrategy:
      from: {kind: ImageStreamTag, name: "python:3.12"}
  triggers:
    - type: ImageChange
      imageChange: ${trigger}
`;

describe('BuildConfig triggers', () => {
  it('lists a trigger without from as following the strategy image, without rewriting it', () => {
    const r = find(bc('', '{}'));
    expect(r.consumers).toMatchObject([{ kind: 'build-config', follows: { stream: 'python', tag: '3.12' } }]);
    expect(r.consumers[0]?.slot).toBeUndefined();
  });

  it('with imagestreams.dev/pin rewrites kind and name of the strategy from', () => {
    const r = find(
      bc(
        '  annotations: {imagestreams.dev/pin: "true"}',
        '{from: {kind: ImageStreamTag, name: "python:3.12"}}',
      ),
    );
    expect(r.errors).toEqual([]);
    expect(r.consumers[0]).toMatchObject({
      target: 'BuildConfig/app sourceStrategy from',
      alsoSet: [{ value: 'DockerImage' }],
    });
  });

  it('with imagestreams.dev/pin but no trigger from is an error that says what to add', () => {
    const r = find(bc('  annotations: {imagestreams.dev/pin: "true"}', '{}'));
    expect(r.errors[0]?.message).toContain('no imageChange trigger has an explicit "from"');
  });
});
