// Load + validate 1,000 generated stream files of 10 tags each; target < 1 s. Baseline: reading and
// YAML-parsing the same files without any validation (the floor the loader cannot beat).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadProject } from '../build/loader/load.js';

const FILES = 1000;
const TAGS = 10;

function streamYaml(i) {
  const tags = [];
  for (let t = 0; t < TAGS; t++) {
    tags.push(
      [
        `    - name: "${t}.${i % 7}"`,
        '      annotations:',
        `        description: generated tag ${t} of stream ${i}`,
        '      from:',
        '        kind: DockerImage',
        `        name: quay.io/bench/app-${i}:${t}.${i % 7}`,
        '      importPolicy:',
        `        scheduled: ${t % 2 === 0}`,
        '      referencePolicy:',
        '        type: Source',
      ].join('\n'),
    );
  }
  tags.push(
    '    - name: latest\n      from:\n        kind: ImageStreamTag\n        name: "0.' + (i % 7) + '"',
  );
  return `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app-${i}\n  labels:\n    team: t${i % 13}\nspec:\n  tags:\n${tags.join('\n')}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'imagestreams-bench-'));
try {
  const paths = [];
  for (let i = 0; i < FILES; i++) {
    const sub = join(dir, 'imagestreams', `group-${i % 20}`);
    mkdirSync(sub, { recursive: true });
    const p = join(sub, `app-${i}.yaml`);
    writeFileSync(p, streamYaml(i));
    paths.push(p);
  }

  const t0 = performance.now();
  for (const p of paths) for (const d of parseAllDocuments(readFileSync(p, 'utf8'))) d.toJS();
  const baseline = performance.now() - t0;

  const runs = [];
  let result;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    result = await loadProject({ cwd: dir });
    runs.push(performance.now() - t);
  }
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (result.files.length !== FILES || result.tags !== FILES * (TAGS + 1) || errors.length > 0) {
    throw new Error(
      `unexpected result: ${result.files.length} files, ${result.tags} tags, ${errors.length} errors`,
    );
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  const fmt = (ms) => `${ms.toFixed(0)} ms`;
  console.log(`files: ${FILES} x ${TAGS + 1} tags (YAML)`);
  console.log(`baseline (read + YAML parse only): ${fmt(baseline)}`);
  console.log(
    `loadProject first run (includes schema compile): ${fmt(runs[0])} = ${(runs[0] / baseline).toFixed(2)}x baseline, ${(FILES / (runs[0] / 1000)).toFixed(0)} files/s`,
  );
  console.log(
    `loadProject warm: ${fmt(Math.min(...runs.slice(1)))} = ${(Math.min(...runs.slice(1)) / baseline).toFixed(2)}x baseline, ${(FILES / (Math.min(...runs.slice(1)) / 1000)).toFixed(0)} files/s`,
  );
  console.log(`target < 1000 ms first run: ${runs[0] < 1000 ? 'met' : 'MISSED'}`);
  console.log(`peak RSS: ${rss.toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
