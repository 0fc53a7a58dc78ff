// The issues part of the fake GitHub API (test/helpers/github-api.ts): list (labels, state, creator filters; pull
// requests are listed too, as GitHub does), get, create and update, kept in memory. Issue and PR numbers share one
// sequence, as on GitHub. Responses are built from the OpenAPI schema's required fields, then validated by the
// fake like every other answer.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = Record<string, unknown>;

/** An issue the fake keeps. */
export interface FakeIssue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: string[];
  /** Login of the creator. */
  user: string;
}

/** What the issues routes need from the fake. */
export interface IssueRoutesContext {
  owner: string;
  repo: string;
  htmlBase: string;
  apiBase: () => string;
  nextNumber: () => number;
  /** Open or closed pull requests, listed by issues/list-for-repo as GitHub lists them. */
  pulls: () => Array<{ number: number; title: string; body: string | null; state: string; labels: string[] }>;
  responseSchema: (operationId: string, status: string) => Schema | undefined;
  sample: (schema: Schema | undefined) => Json;
  error: (status: number, message: string) => [number, Json];
  /** Login of issues created through the API (the token's identity). */
  login: string;
}

/** The issue routes; `handle` answers undefined for an operation it does not serve. */
export function issueRoutes(ctx: IssueRoutesContext) {
  const issues: FakeIssue[] = [];

  const json = (i: FakeIssue, operationId: string, status: string, pull = false): Json => {
    let schema = ctx.responseSchema(operationId, status);
    if (operationId === 'issues/list-for-repo') schema = schema?.items as Schema;
    const base = ctx.sample(schema) as Record<string, Json>;
    const url = `${ctx.apiBase()}/repos/${ctx.owner}/${ctx.repo}/issues/${i.number}`;
    return {
      ...base,
      id: i.number,
      node_id: `I_node${i.number}`,
      number: i.number,
      url,
      html_url: `${ctx.htmlBase}/${pull ? 'pull' : 'issues'}/${i.number}`,
      title: i.title,
      body: i.body,
      state: i.state,
      labels: i.labels.map((name) => ({ id: name.length, node_id: `L_${name}`, name, color: 'ededed' })),
      user: { ...userSample(schema), login: i.user, type: 'User' },
      ...(pull ? { pull_request: { url, html_url: null, diff_url: null, patch_url: null } } : {}),
    };
  };

  // `user` is nullable in the schema: sample the object it is when set.
  const userSample = (schema: Schema | undefined) => {
    const parts = [schema, ...((schema?.allOf as Schema[] | undefined) ?? [])];
    const u = parts.map((p) => (p?.properties as Record<string, Schema> | undefined)?.user).find(Boolean);
    const alts = (u?.anyOf ?? u?.oneOf) as Schema[] | undefined;
    const obj = alts?.find((a) => a.type === 'object') ?? { ...u, nullable: false };
    return ctx.sample(obj) as object;
  };

  const find = (n: string | undefined) => issues.find((i) => i.number === Number(n));

  const handle = (
    id: string,
    params: Record<string, string>,
    query: Record<string, string>,
    body: Record<string, unknown>,
  ): [number, Json] | undefined => {
    switch (id) {
      case 'issues/list-for-repo': {
        const state = query.state ?? 'open';
        const wanted = (query.labels ?? '').split(',').filter(Boolean);
        const keep = (i: { state: string; labels: string[] }) =>
          (state === 'all' || i.state === state) && wanted.every((l) => i.labels.includes(l));
        const listed = [
          ...issues
            .filter((i) => keep(i) && (!query.creator || i.user === query.creator))
            .map((i) => ({ n: i.number, j: json(i, id, '200') })),
          ...ctx
            .pulls()
            .filter((p) => keep(p) && !query.creator)
            .map((p) => ({
              n: p.number,
              j: json(
                { ...p, state: p.state === 'closed' ? 'closed' : 'open', user: 'someone' },
                id,
                '200',
                true,
              ),
            })),
        ];
        // GitHub's default order: newest first.
        return [200, listed.sort((a, b) => b.n - a.n).map((x) => x.j)];
      }
      case 'issues/get': {
        const i = find(params.issue_number);
        return i ? [200, json(i, id, '200')] : ctx.error(404, 'Not Found');
      }
      case 'issues/create': {
        const labels = ((body.labels as unknown[]) ?? []).map((l) =>
          typeof l === 'string' ? l : String((l as { name: string }).name),
        );
        const i: FakeIssue = {
          number: ctx.nextNumber(),
          title: String(body.title ?? ''),
          body: typeof body.body === 'string' ? body.body : null,
          state: 'open',
          labels,
          user: ctx.login,
        };
        issues.push(i);
        return [201, json(i, id, '201')];
      }
      case 'issues/update': {
        const i = find(params.issue_number);
        if (!i) return ctx.error(404, 'Not Found');
        if (typeof body.title === 'string') i.title = body.title;
        if (typeof body.body === 'string') i.body = body.body;
        if (body.state === 'open' || body.state === 'closed') i.state = body.state;
        return [200, json(i, id, '200')];
      }
      default:
        return undefined;
    }
  };

  /** Adds an issue directly (as another user would have). */
  const addIssue = (p: Partial<FakeIssue> & Pick<FakeIssue, 'title'>): FakeIssue => {
    const i: FakeIssue = {
      number: ctx.nextNumber(),
      body: null,
      state: 'open',
      labels: [],
      user: 'someone',
      ...p,
    };
    issues.push(i);
    return i;
  };

  return { issues, handle, addIssue };
}
