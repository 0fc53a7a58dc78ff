// Parse `WWW-Authenticate` challenges (RFC 7235 auth-params, quoted strings) into scheme + parameters.

/** One challenge: lower-case scheme (`bearer`, `basic`) and its parameters (keys lower case). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** All challenges in a header value; several may be joined by commas. */
export function parseChallenges(header: string | undefined): Challenge[] {
  if (!header) return [];
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skipWs = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
  };
  const token = () => {
    const start = i;
    while (i < s.length && !/[\s,=]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  let current: Challenge | undefined;
  while (i < s.length) {
    skipWs();
    if (i >= s.length) break;
    const word = token();
    let j = i;
    while (j < s.length && s[j] === ' ') j++;
    if (s[j] === '=' && current) {
      i = j + 1;
      while (i < s.length && s[i] === ' ') i++;
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        i++;
      } else {
        value = token();
      }
      current.params[word.toLowerCase()] = value;
    } else if (word) {
      current = { scheme: word.toLowerCase(), params: {} };
      out.push(current);
    } else {
      i++;
    }
  }
  return out;
}

/** The challenge to answer: Bearer preferred over Basic. */
export function pickChallenge(header: string | undefined): Challenge | undefined {
  const all = parseChallenges(header);
  return all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
}
