// GitHub API failures sorted once into errors that say what to fix; message texts GitHub sends, and that we
// must recognise, live here as named constants and nowhere else.

import { ImagestreamsError } from '../model/errors.js';
import { redact } from '../util/redact.js';

/** 422 on pulls.create when an open PR for the same head and base exists. */
export const PR_ALREADY_EXISTS_TEXT = 'A pull request already exists';
/** 403 when the repository does not let GITHUB_TOKEN open pull requests. */
export const ACTIONS_CANNOT_CREATE_PR_TEXT =
  'GitHub Actions is not permitted to create or approve pull requests';
/** 422 right after creation, before labels/reviewers can see the new PR. */
export const NODE_NOT_RESOLVED_TEXT = 'Could not resolve to a node';

interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: {
    data?: { message?: string; errors?: Array<{ message?: string; code?: string; field?: string }> };
  };
}

/** HTTP status of an Octokit RequestError (undefined for network errors). */
export function statusOf(e: unknown): number | undefined {
  const s = (e as RequestErrorLike)?.status;
  return typeof s === 'number' ? s : undefined;
}

/** True when GitHub's answer (message or any error item) contains `text`. */
export function answerSays(e: unknown, text: string): boolean {
  const data = (e as RequestErrorLike)?.response?.data;
  if (!data) return false;
  if (data.message?.includes(text)) return true;
  return (data.errors ?? []).some((x) => typeof x?.message === 'string' && x.message.includes(text));
}

/**
 * Wraps a failed API call: 401 (bad token), 403 (missing permission, or the Actions PR setting), 404, 422,
 * rate limits and server errors, each with the fix. `permission` names what the call needs, e.g.
 * "pull-requests: write".
 */
export function githubError(
  e: unknown,
  ctx: { action: string; permission: string; secrets?: Array<string | undefined> },
): ImagestreamsError {
  if (e instanceof ImagestreamsError) return e;
  const status = statusOf(e);
  const said = redact(
    (e as RequestErrorLike)?.response?.data?.message ?? String((e as Error)?.message ?? e),
    ctx.secrets,
  );
  const data = { status, action: ctx.action, permission: ctx.permission };
  const cause = new Error(said);
  if (status === 403 && answerSays(e, ACTIONS_CANNOT_CREATE_PR_TEXT)) {
    return new ImagestreamsError(
      'GITHUB_ACTIONS_PR_DISABLED',
      `Could not ${ctx.action}: ${ACTIONS_CANNOT_CREATE_PR_TEXT}. This is a repository (or organization) ` +
        'setting: Settings → Actions → General → Workflow permissions → enable "Allow GitHub Actions to create ' +
        'and approve pull requests", or publish with a GitHub App token or a PAT instead of GITHUB_TOKEN.',
      { data, cause, permanent: true },
    );
  }
  if (status === 401) {
    return new ImagestreamsError(
      'GITHUB_BAD_CREDENTIALS',
      `Could not ${ctx.action}: GitHub rejected the token (401 ${said}). Check that it is valid and not expired.`,
      { data, cause, permanent: true },
    );
  }
  if (status === 403 && !/rate limit/i.test(said)) {
    return new ImagestreamsError(
      'GITHUB_FORBIDDEN',
      `Could not ${ctx.action}: the token needs ${ctx.permission} (GitHub answered 403: ${said}). ` +
        `In a workflow add \`permissions: { ${ctx.permission.replace(': ', ': ')} }\`; for a GitHub App grant it.`,
      { data, cause, permanent: true },
    );
  }
  if (status === 404) {
    return new ImagestreamsError(
      'GITHUB_NOT_FOUND',
      `Could not ${ctx.action}: not found (404). The repository may not exist or the token cannot see it ` +
        `(it needs ${ctx.permission}).`,
      { data, cause, permanent: true },
    );
  }
  const temporary =
    status === undefined || status >= 500 || status === 429 || (status === 403 && /rate limit/i.test(said));
  return new ImagestreamsError(
    'GITHUB_API_FAILED',
    `Could not ${ctx.action}: ${status ?? 'network error'} ${said}`,
    {
      data,
      cause,
      permanent: !temporary,
    },
  );
}
