// Tag lists for tag selection policies: each repository listed at most once per run, page by page (`?n=` and
// the `Link: <…>; rel="next"` header), within a bound on pages and tags so a registry cannot make a run read
// without end. A list is complete or refused (TOO_MANY_TAGS), never silently cut short.

import { ImagestreamsError } from '../model/errors.js';
import type { ImageRef } from '../model/reference.js';
import type { RequestContext } from './errors.js';
import type { RegistryClient } from './types.js';

/** Bounds of one repository's list. */
export interface TagListLimits {
  /** `n` asked per page (registries may answer fewer: Quay caps pages at 100). */
  pageSize: number;
  maxPages: number;
  maxTags: number;
}

/** 100 pages of 1,000: Docker Hub's `library/node` (over 9,000 tags) fits ten times over. */
export const TAG_LIST_LIMITS: TagListLimits = { pageSize: 1000, maxPages: 100, maxTags: 100_000 };

/** The error of a list over the bounds: which repository, and what to do. */
export function tooManyTags(ctx: RequestContext, maxTags: number, pages: number): ImagestreamsError {
  return new ImagestreamsError(
    'TOO_MANY_TAGS',
    `${ctx.registry}: ${ctx.reference}: the tag list goes beyond ${maxTags} tags or ${pages} pages; a tag policy cannot choose from a partial list: follow a repository with fewer tags, or pin the tag without imagestreams.dev/tag-policy`,
    { data: { registry: ctx.registry, reference: ctx.reference, maxTags, pages }, permanent: true },
  );
}

/** A run's tag lister: `list(ref)` reads the repository's tags once however many stream tags ask. */
export function createTagLister(
  client: Pick<RegistryClient, 'listTags'>,
  limits: Partial<TagListLimits> = {},
) {
  const l = { ...TAG_LIST_LIMITS, ...limits };
  const memo = new Map<string, Promise<string[]>>();
  return {
    /** Every tag of `ref`'s repository (its tag or digest is ignored). */
    list(ref: ImageRef): Promise<string[]> {
      let p = memo.get(`${ref.domain}/${ref.path}`);
      if (!p) {
        p = client.listTags(ref, { pageSize: l.pageSize, maxPages: l.maxPages, maxTags: l.maxTags });
        memo.set(`${ref.domain}/${ref.path}`, p);
        p.catch(() => {}); // the caller sees the rejection; the memo must not raise an unhandled one
      }
      return p;
    },
    /** Repositories listed so far. */
    listed: () => memo.size,
  };
}

/** The lister's interface, for injection. */
export type TagLister = ReturnType<typeof createTagLister>;
