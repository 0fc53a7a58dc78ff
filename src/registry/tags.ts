// Tag lists: `GET /v2/<name>/tags/list?n=…`, following `Link: <…>; rel="next"` pages, at the registry itself.

import { formatFamiliar, type ImageRef, withDefaultTag } from '../model/reference.js';
import { redactUrl } from '../util/redact.js';
import { describeBody, type RequestContext, registryError } from './errors.js';
import type { ClientParts } from './exchange.js';
import { tooManyTags } from './tag-lister.js';
import type { ListTagsOptions } from './types.js';

/** Every tag of the repository (up to `maxPages` pages of `pageSize`). */
export function listTags(parts: ClientParts, input: ImageRef, opts: ListTagsOptions = {}): Promise<string[]> {
  const ref = withDefaultTag(input);
  const ctx: RequestContext = {
    registry: ref.domain,
    reference: formatFamiliar({ domain: ref.domain, path: ref.path }),
  };
  return parts.endpoints.via(
    ref,
    async (ep) => {
      const tags: string[] = [];
      let url: URL | undefined = new URL(`/v2/${ref.path}/tags/list?n=${opts.pageSize ?? 1000}`, ep.base);
      for (let page = 0; url && page < (opts.maxPages ?? 10_000); page++) {
        const ask = { ep, ref, ctx, method: 'GET', url, accept: 'application/json', what: 'list tags' };
        const res = await parts.exchange.fetch(ask);
        let body: { tags?: string[] | null };
        try {
          body = JSON.parse(res.body.toString('utf8'));
        } catch {
          throw registryError(
            'BAD_RESPONSE',
            { ...ctx, url: redactUrl(res.url) },
            `tag list is not JSON: ${describeBody(res.body, res.headers['content-type'])}`,
          );
        }
        tags.push(...(body.tags ?? []));
        const next = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(res.headers.link ?? '')?.[1];
        url = next ? new URL(next, res.url) : undefined;
        // With maxTags the list is complete or refused (tag-lister.ts), never silently cut short.
        if (
          opts.maxTags !== undefined &&
          (tags.length > opts.maxTags || (url && page + 1 >= (opts.maxPages ?? 10_000)))
        )
          throw tooManyTags(ctx, opts.maxTags, page + 1);
      }
      return tags;
    },
    { insecure: opts.insecure },
  );
}
