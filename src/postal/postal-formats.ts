/**
 * Each country's postal-code format, compiled from the `postal-code-checker` package: Google's
 * libaddressinput address metadata (its `zip` pattern and `zipex` examples per country, data under
 * CC-BY 4.0; see the package's NOTICE), regenerated from the Address Data Service at each release.
 *
 * The metadata has no canonical-spelling rule, so one is derived from each pattern and its examples:
 * a space or hyphen in a pattern (` ?`, `-?`, `[ \-]`, or a plain ` ` or `-`) is a separator
 * site. A code may be written with a space, a hyphen or nothing at each site (`sw1a1aa`,
 * `SW1A-1AA`), and its canonical form puts at each site what the examples put there (`SW1A 1AA`,
 * `K1A 0B1`, `1012 AB`, `22162-1010`, `11455`). The unit tests prove that every example of every
 * country validates and is already canonical.
 *
 * Rules are compiled on a country's first use: a few regular expressions each.
 */
import { COUNTRIES } from 'postal-code-checker';

/**
 * Countries whose codes have a first part that is published and looked up on its own, named as
 * users know it. GeoNames' basic files key CA, IE and MT by it, and the UK (with the Crown
 * dependencies, which share its format) by the outward code (GeoNames postal readme); its NL file
 * by the four digits of PC4 (its `NL_full` file holds full codes); US data has five-digit ZIPs,
 * the first part of a ZIP+4. Such a part is accepted on its own as input, and a full code is
 * matched by it when the loaded data holds the part (see geonames-index.ts). The part is the code
 * up to its first separator.
 */
const FIRST_PARTS: Readonly<Record<string, string>> = {
  CA: 'forward sortation area',
  GB: 'outward code',
  GG: 'outward code',
  IE: 'routing key',
  IM: 'outward code',
  JE: 'outward code',
  MT: 'locality code',
  NL: 'four-digit area code',
  US: 'ZIP',
};

/** The compiled format of one country. */
export interface PostalFormat {
  /**
   * Matches an upper-case code with a space, a hyphen or nothing at each separator site. Site `i`
   * has two groups: `2i + 1` captures the rest of the code from the site on (where it is),
   * `2i + 2` the separator written there; both are undefined at a site the match did not reach.
   */
  readonly lenient: RegExp;
  /** What each site holds in canonical form: `' '`, `'-'` or `''`. */
  readonly separators: readonly string[];
  /** Matches exactly the canonical codes (the fast path for input that is canonical already). */
  readonly canonical: RegExp;
  /** The source's examples, canonical. */
  readonly examples: readonly string[];
  /** The first part's name, for countries in {@link FIRST_PARTS}. */
  readonly firstPartName: string | undefined;
  /**
   * Per distinct example: its text from its first separator on (`' 8SY'`), to complete a first
   * part with when checking it (a first part is valid when some completion is a valid code).
   */
  readonly completions: readonly string[];
}

/** Compiled formats by country; `null` for a country the source has no pattern for. */
const formats = new Map<string, PostalFormat | null>();

/**
 * The format of a country (ISO 3166-1 alpha-2, upper case), compiled on first use; `undefined`
 * when the source has no pattern for it (countries without postal codes, and XK).
 */
export function postalFormatOf(countryCode: string): PostalFormat | undefined {
  let format = formats.get(countryCode);
  if (format === undefined) {
    const source = Object.hasOwn(COUNTRIES, countryCode) ? COUNTRIES[countryCode] : undefined;
    const pattern = source?.patterns[0];
    format = source && pattern ? compileFormat(countryCode, pattern, source.example) : null;
    formats.set(countryCode, format);
  }
  return format ?? undefined;
}

/** Every country the source has a pattern for (for tests and documentation). */
export const countriesWithFormats = (): string[] => Object.keys(COUNTRIES).filter((cc) => (COUNTRIES[cc]?.patterns.length ?? 0) > 0);

/**
 * Where a code's separator sites fall, from a match of `format.lenient`: its canonical spelling.
 * Returns the input itself when it is canonical already (no string is made).
 */
export function canonicalFrom(format: PostalFormat, code: string, match: RegExpExecArray): string {
  let out = '';
  let from = 0;
  for (let site = 0; site < format.separators.length; site++) {
    const rest = match[2 * site + 1];
    if (rest === undefined) continue;
    const written = match[2 * site + 2] ?? '';
    const wanted = format.separators[site] ?? '';
    if (written === wanted) continue;
    const at = code.length - rest.length;
    out += code.slice(from, at) + wanted;
    from = at + written.length;
  }
  return from === 0 ? code : out + code.slice(from);
}

/** The canonical spelling of an upper-case code, or `undefined` when it is not a full code of the format. */
export function canonicalFull(format: PostalFormat, code: string): string | undefined {
  const match = format.lenient.exec(code);
  return match ? canonicalFrom(format, code, match) : undefined;
}

/** The first part of a canonical code (the text before its first separator), for countries that have one. */
export function firstPartOf(format: PostalFormat, canonical: string): string | undefined {
  if (format.firstPartName === undefined) return undefined;
  for (let i = 1; i < canonical.length; i++) {
    const c = canonical.charCodeAt(i);
    if (c === 0x20 || c === 0x2d) return canonical.slice(0, i);
  }
  return undefined;
}

/** Whether an upper-case code with no separator is the first part of some code of the format (`SW1A`, `K1A`). */
export function isFirstPart(format: PostalFormat, code: string): boolean {
  if (format.firstPartName === undefined) return false;
  for (const completion of format.completions) {
    const full = canonicalFull(format, code + completion);
    if (full !== undefined && firstPartOf(format, full) === code) return true;
  }
  return false;
}

// Private: a separator site of the source pattern, as the tokenizer finds it.
interface Site {
  /** The characters the pattern allows there (`' '`, `'-'`, or both). */
  readonly chars: string;
  /** Whether the pattern lets the site be empty (`?`). */
  readonly optional: boolean;
}

// Private: builds a country's format; throws (a bug in the derivation, caught by the unit tests) when an example disagrees.
function compileFormat(countryCode: string, wrapped: string, examples: readonly string[]): PostalFormat {
  // The package wraps each pattern as "/^(?:...)$/".
  const { lenientSource, canonicalSource, sites } = rewrite(wrapped.slice(1, -1));
  const lenient = new RegExp(lenientSource);
  const separators = sites.map((site, i) => canonicalSeparator(site, i, lenient, examples, countryCode));
  const canonical = new RegExp(canonicalSource(separators));
  const format: PostalFormat = {
    lenient,
    separators,
    canonical,
    examples: [...examples],
    firstPartName: FIRST_PARTS[countryCode],
    completions: [],
  };
  const completions = new Set<string>();
  for (const example of examples) {
    const first = firstPartOf(format, example);
    if (first !== undefined) completions.add(example.slice(first.length));
  }
  return { ...format, completions: [...completions] };
}

/**
 * What a site holds in canonical form: what every example that reaches it writes there; for a site
 * no example reaches, its one character if the pattern requires it, else nothing.
 */
function canonicalSeparator(site: Site, index: number, lenient: RegExp, examples: readonly string[], countryCode: string): string {
  const seen = new Set<string>();
  for (const example of examples) {
    const match = lenient.exec(example);
    if (!match) throw new Error(`${countryCode}: the example ${example} does not match its own pattern`);
    const written = match[2 * index + 2];
    if (written !== undefined) seen.add(written);
  }
  if (seen.size > 1) throw new Error(`${countryCode}: the examples disagree on separator ${index}: ${[...seen].join(' / ')}`);
  const [agreed] = seen;
  if (agreed !== undefined) return agreed;
  return site.optional ? '' : site.chars.charAt(0);
}

/**
 * Rewrites a source pattern: each separator site becomes `(?=([^]*))([ -]?)` in the lenient form
 * and a placeholder filled with the canonical separator in the canonical form; the source's own
 * capturing groups become non-capturing, so the sites' groups are numbered 1, 2, 3, ...
 * The patterns use only escapes, character classes, groups, alternation and quantifiers.
 */
function rewrite(source: string): { lenientSource: string; canonicalSource: (separators: readonly string[]) => string; sites: Site[] } {
  const sites: Site[] = [];
  // Pieces of the canonical source; a number stands for site `n`'s canonical separator.
  const canonicalPieces: (string | number)[] = [];
  let lenient = '';
  let i = 0;
  const emit = (text: string): void => {
    lenient += text;
    canonicalPieces.push(text);
  };
  while (i < source.length) {
    const c = source[i]!;
    let atom: string;
    let separator: string | undefined;
    if (c === '\\') {
      atom = source.slice(i, i + 2);
      if (atom === '\\-' || atom === '\\ ') separator = atom.charAt(1);
      i += 2;
    } else if (c === '[') {
      let end = i + 1;
      while (end < source.length && source[end] !== ']') end += source[end] === '\\' ? 2 : 1;
      atom = source.slice(i, end + 1);
      const members = atom.slice(1, -1).replace(/\\(.)/g, '$1');
      if (members.length > 0 && /^[ -]+$/.test(members)) separator = [...new Set(members)].join('');
      i = end + 1;
    } else if (c === '(') {
      // A capturing group becomes non-capturing; `(?:`, `(?=`, `(?!` stay as they are.
      emit(source[i + 1] === '?' ? '(' : '(?:');
      i++;
      continue;
    } else if (c === ' ' || c === '-') {
      atom = c;
      separator = c;
      i++;
    } else {
      emit(c);
      i++;
      continue;
    }
    if (separator === undefined) {
      emit(atom);
      continue;
    }
    const optional = source[i] === '?';
    if (optional) i++;
    if ('*+{'.includes(source[i] ?? '')) throw new Error(`separator with an unsupported quantifier in ${source}`);
    canonicalPieces.push(sites.length);
    sites.push({ chars: separator, optional });
    lenient += '(?=([^]*))([ -]?)';
  }
  const canonicalSource = (separators: readonly string[]): string =>
    canonicalPieces.map((piece) => (typeof piece === 'number' ? (separators[piece] ?? '') : piece)).join('');
  return { lenientSource: lenient, canonicalSource, sites };
}
