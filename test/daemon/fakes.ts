// Fakes for driving the daemon without the network: a manual clock with timers, a server that never listens,
// and a project of generated streams.

import { resolveConfig } from '../../src/config/config.js';
import type { ServerLike, Timers } from '../../src/daemon/daemon.js';
import type { LoadedProject } from '../../src/loader/load.js';

/** A clock and timers that move only when the test says so. */
export function manualTime(start: number) {
  let now = start;
  let nextId = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout(fn, ms) {
      const id = nextId++;
      pending.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(h) {
      pending.delete(h as number);
    },
  };
  const flush = () => new Promise<void>((r) => setImmediate(r));
  return {
    clock: { now: () => now },
    timers,
    pendingTimers: () => pending.size,
    /** Moves time forward to `now + ms`, firing timers in order and letting async work settle after each. */
    async advance(ms: number, settle: () => Promise<void> = async () => {}): Promise<void> {
      const end = now + ms;
      for (;;) {
        await flush();
        await settle();
        const next = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!next || next[1].at > end) break;
        pending.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].fn();
      }
      now = end;
      await flush();
      await settle();
    },
  };
}

/** A server stand-in (the handler is tested separately over real HTTP). */
export function nullServer(): ServerLike {
  return {
    listen: (_p, _h, cb) => cb(),
    close: (cb) => cb(),
    address: () => ({ address: '127.0.0.1', family: 'IPv4', port: 1 }),
    on: () => undefined,
  };
}

/** A project of `streams` × `tags` scheduled tags importing `reg.example/s<i>:t<j>`, plus optional config. */
export function generatedProject(
  streams: number,
  tags: number,
  raw: Record<string, unknown> = {},
): LoadedProject {
  const list = Array.from({ length: streams }, (_, s) => ({
    namespace: 'default',
    name: `s${s}`,
    file: `imagestreams/s${s}.yaml`,
    object: {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: `s${s}` },
      spec: {
        tags: Array.from({ length: tags }, (_, t) => ({
          name: `t${t}`,
          from: { kind: 'DockerImage', name: `reg.example/s${s}:t${t}` },
          importPolicy: { scheduled: true },
        })),
      },
    },
  }));
  return {
    root: '/nonexistent',
    config: resolveConfig(raw),
    files: list.map((s) => s.file),
    streams: list,
    tags: streams * tags,
    diagnostics: [],
  } as unknown as LoadedProject;
}
