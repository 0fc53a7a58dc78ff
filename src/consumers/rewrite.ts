// Apply value edits to a file's text by source range, so everything outside the ranges stays byte-identical.

import { isPlainYamlString } from '../edit/yaml-text.js';
import { ImagestreamsError } from '../model/errors.js';
import type { ValueSlot, ValueStyle } from './types.js';

/** One replacement: the slot's bytes become `value`, quoted in the slot's style. */
export interface TextEdit {
  slot: ValueSlot;
  value: string;
}

/**
 * Quote `value` the way the original scalar was quoted; with `yaml`, a plain value that YAML would not read back as
 * this string (`1.10`, `yes`, `a: b`) is written double-quoted instead.
 */
export function renderValue(value: string, style: ValueStyle, yaml = false): string {
  if (style === 'double' || (style === 'plain' && yaml && !isPlainYamlString(value)))
    return JSON.stringify(value);
  if (style === 'single') return `'${value.replaceAll("'", "''")}'`;
  return value;
}

/** Replace every slot (non-overlapping; identical duplicates are merged) and return the new text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.slot.start - b.slot.start || a.slot.end - b.slot.end);
  let out = '';
  let pos = 0;
  let prev: TextEdit | undefined;
  for (const e of sorted) {
    if (prev && e.slot.start === prev.slot.start && e.slot.end === prev.slot.end) {
      if (e.value !== prev.value) {
        throw new ImagestreamsError(
          'CONSUMER_EDIT_CONFLICT',
          `two consumers want different values at offset ${e.slot.start}: ${prev.value} and ${e.value}`,
          { data: { start: e.slot.start, values: [prev.value, e.value] } },
        );
      }
      continue;
    }
    if (e.slot.start < pos || e.slot.end < e.slot.start || e.slot.end > text.length) {
      throw new ImagestreamsError('CONSUMER_EDIT_OVERLAP', `edit at ${e.slot.start}-${e.slot.end} overlaps`, {
        data: { start: e.slot.start, end: e.slot.end },
      });
    }
    out +=
      text.slice(pos, e.slot.start) + (e.slot.prefix ?? '') + renderValue(e.value, e.slot.style, e.slot.yaml);
    pos = e.slot.end;
    prev = e;
  }
  return out + text.slice(pos);
}
