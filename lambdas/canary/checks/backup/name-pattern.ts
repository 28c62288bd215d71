/**
 * File-name patterns for backups: `madef_{YYYYMMDD}_{HHMMSS}.sql.gz` (runbook madef-home-care §3)
 * compiles to a matcher that reads the time a backup was taken from its name.
 *
 * The name, not the object's LastModified or the file's mtime, is the backup's time: `aws s3 sync`,
 * `cp` without `-p`, a restore from Glacier or a re-upload all rewrite those, and an old dump copied
 * today would otherwise look fresh.
 *
 * A pattern matches a file NAME: the part of an S3 key after the last `/`, or an entry of the host's
 * backup directory. Everything outside a placeholder is literal (a `.` is a dot, not "any character").
 */

/** Placeholders a pattern may use, with the regex each stands for. */
const PLACEHOLDERS = {
  YYYYMMDD: '(\\d{8})',
  HHMMSS: '(\\d{6})',
  YYYY: '(\\d{4})',
  MM: '(\\d{2})',
  DD: '(\\d{2})',
  HH: '(\\d{2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  '*': '(.*)',
} as const;

type Placeholder = keyof typeof PLACEHOLDERS;

/** The placeholders, in the order the error messages list them. */
export const NAME_PATTERN_PLACEHOLDERS: readonly string[] = Object.keys(PLACEHOLDERS).map((p) => `{${p}}`);

/** Options for {@link compileNamePattern}. */
export interface NamePatternOptions {
  /**
   * The clock the names are written in, as a fixed offset from UTC in minutes: `-180` when the backup
   * job runs with `TZ=America/Sao_Paulo`. A fixed offset cannot follow daylight saving time: run such
   * jobs in UTC instead.
   * @default 0 (names are UTC)
   */
  readonly utcOffsetMinutes?: number;
}

/** A compiled pattern. */
export interface NamePattern {
  /** The pattern as written. */
  readonly source: string;
  /** The anchored regex it compiled to (one capture group per placeholder). */
  readonly regex: RegExp;
  /**
   * The UTC time (epoch ms) encoded in `name`, or `undefined` when the name does not match or
   * encodes an impossible date or time (`20261340`, `250000`). A pattern without a time of day
   * yields midnight of the date.
   */
  match(name: string): number | undefined;
}

/** Thrown by {@link compileNamePattern} for a pattern {@link validateNamePattern} rejects. */
export class NamePatternError extends Error {
  constructor(
    readonly pattern: string,
    message: string,
  ) {
    super(message);
    this.name = 'NamePatternError';
  }
}

type Token = { readonly literal: string } | { readonly placeholder: Placeholder };

/** Splits a pattern into literals and placeholders, or returns why it cannot. */
function tokenize(pattern: string): Token[] | string {
  const tokens: Token[] = [];
  let literal = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === '{') {
      const close = pattern.indexOf('}', i);
      const name = close < 0 ? '' : pattern.slice(i + 1, close);
      if (close < 0 || !Object.hasOwn(PLACEHOLDERS, name)) {
        const shown = close < 0 ? pattern.slice(i) : pattern.slice(i, close + 1);
        return `unknown placeholder ${shown} at character ${i + 1}; use one of ${NAME_PATTERN_PLACEHOLDERS.join(' ')}`;
      }
      if (literal) tokens.push({ literal });
      literal = '';
      tokens.push({ placeholder: name as Placeholder });
      i = close + 1;
      continue;
    }
    if (c === '}') return `unmatched "}" at character ${i + 1}`;
    if (c === '*' || c === '?') {
      return `"${c}" at character ${i + 1} is a glob character, not a placeholder; write {*} for any text`;
    }
    if (c === '/') {
      return 'a pattern matches a file name, not a path: put the directory in the prefix or directory setting';
    }
    literal += c;
    i += 1;
  }
  if (literal) tokens.push({ literal });
  return tokens;
}

/** Which date and time fields a token list sets, or why the combination is unusable. */
function checkFields(placeholders: readonly Placeholder[]): string | undefined {
  const count = (p: Placeholder) => placeholders.filter((q) => q === p).length;
  for (const p of Object.keys(PLACEHOLDERS) as Placeholder[]) {
    if (p !== '*' && count(p) > 1) return `{${p}} appears more than once`;
  }
  const hasCompactDate = count('YYYYMMDD') > 0;
  const splitDate = (['YYYY', 'MM', 'DD'] as const).filter((p) => count(p) > 0);
  if (hasCompactDate && splitDate.length > 0) {
    return `{YYYYMMDD} and {${splitDate[0]}} both give the date; use one form`;
  }
  if (!hasCompactDate && splitDate.length === 0) {
    return "the pattern has no date placeholder: add {YYYYMMDD} (or {YYYY}, {MM} and {DD}) so a backup's age can be read from its name";
  }
  if (!hasCompactDate && splitDate.length < 3) {
    const missing = (['YYYY', 'MM', 'DD'] as const).filter((p) => count(p) === 0).map((p) => `{${p}}`);
    return `the date is incomplete: add ${missing.join(' and ')}`;
  }
  const hasCompactTime = count('HHMMSS') > 0;
  const splitTime = (['HH', 'mm', 'ss'] as const).filter((p) => count(p) > 0);
  if (hasCompactTime && splitTime.length > 0) {
    return `{HHMMSS} and {${splitTime[0]}} both give the time; use one form`;
  }
  if (count('mm') > 0 && count('HH') === 0) return '{mm} needs {HH}';
  if (count('ss') > 0 && count('mm') === 0) return '{ss} needs {mm}';
  return undefined;
}

/**
 * Checks a pattern for the config layer. Returns `undefined` when it is usable, else one sentence
 * saying what is wrong and how to fix it (no path: the caller prefixes it, e.g. `monitors[3].pattern: `).
 */
export function validateNamePattern(pattern: string): string | undefined {
  if (pattern.length === 0) return 'the pattern is empty';
  const tokens = tokenize(pattern);
  if (typeof tokens === 'string') return tokens;
  const placeholders = tokens.flatMap((t) => ('placeholder' in t ? [t.placeholder] : []));
  return checkFields(placeholders);
}

/** Escapes every regex metacharacter, so `.sql.gz` matches only a literal `.sql.gz`. */
function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A shell glob that selects at least every name the pattern matches (`madef_{YYYYMMDD}_{HHMMSS}.sql.gz`
 * → `madef_*_*.sql.gz`), for listing on a host. The pattern still decides; the glob only narrows.
 */
export function namePatternToGlob(pattern: string): string {
  const tokens = tokenize(pattern);
  if (typeof tokens === 'string') throw new NamePatternError(pattern, tokens);
  let glob = '';
  for (const t of tokens) {
    const piece = 'literal' in t ? t.literal.replace(/[[\]\\]/g, '\\$&') : '*';
    if (!(piece === '*' && glob.endsWith('*'))) glob += piece;
  }
  return glob;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Compiles a pattern. Throws {@link NamePatternError} with {@link validateNamePattern}'s message
 * when the pattern is unusable (the config schema calls the validator first, so at run time this
 * means a hand-built monitor).
 */
export function compileNamePattern(pattern: string, options: NamePatternOptions = {}): NamePattern {
  const problem = validateNamePattern(pattern);
  if (problem !== undefined)
    throw new NamePatternError(pattern, `invalid name pattern "${pattern}": ${problem}`);
  const tokens = tokenize(pattern) as Token[];
  const order: Placeholder[] = [];
  let source = '^';
  for (const t of tokens) {
    if ('literal' in t) {
      source += escapeRegex(t.literal);
    } else {
      source += PLACEHOLDERS[t.placeholder];
      order.push(t.placeholder);
    }
  }
  source += '$';
  // `s`: `{*}` also spans a newline, which a file name may (rarely) contain.
  const regex = new RegExp(source, 's');
  const offsetMs = (options.utcOffsetMinutes ?? 0) * 60_000;

  return {
    source: pattern,
    regex,
    match(name: string): number | undefined {
      const m = regex.exec(name);
      if (m === null) return undefined;
      let year = 0;
      let month = 0;
      let day = 0;
      let hour = 0;
      let minute = 0;
      let second = 0;
      order.forEach((p, index) => {
        const text = m[index + 1] ?? '';
        const n = (from: number, to: number) => Number(text.slice(from, to));
        switch (p) {
          case 'YYYYMMDD':
            year = n(0, 4);
            month = n(4, 6);
            day = n(6, 8);
            break;
          case 'HHMMSS':
            hour = n(0, 2);
            minute = n(2, 4);
            second = n(4, 6);
            break;
          case 'YYYY':
            year = n(0, 4);
            break;
          case 'MM':
            month = n(0, 2);
            break;
          case 'DD':
            day = n(0, 2);
            break;
          case 'HH':
            hour = n(0, 2);
            break;
          case 'mm':
            minute = n(0, 2);
            break;
          case 'ss':
            second = n(0, 2);
            break;
          case '*':
            break;
        }
      });
      if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
        return undefined;
      if (hour > 23 || minute > 59 || second > 59) return undefined;
      return Date.UTC(year, month - 1, day, hour, minute, second) - offsetMs;
    },
  };
}
