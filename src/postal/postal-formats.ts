/**
 * Each country's postal-code format, compiled on first use from `postal-code-checker` (libaddressinput, CC-BY 4.0). A space
 * or hyphen in a pattern is a separator site, where a code may have either or nothing; canonical is what the examples have.
 */
import { COUNTRIES } from 'postal-code-checker';

/**
 * Countries whose codes have a first part (up to the first separator) that GeoNames' files key by (the UK's outward
 * code, a US ZIP of a ZIP+4), by the name users know it: accepted alone, and matching a full code in such data.
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

export interface PostalFormat {
  /**
   * Matches an upper-case code with a space, a hyphen or nothing at each site. Site `i` has groups `2i + 1`, the rest of
   * the code from there, and `2i + 2`, the separator written; both undefined at a site the match did not reach.
   */
  readonly lenient: RegExp;
  /** What each site holds in canonical form: `' '`, `'-'` or `''`. */
  readonly separators: readonly string[];
  /** Matches exactly the canonical codes. */
  readonly canonical: RegExp;
  readonly examples: readonly string[];
  readonly firstPartName: string | undefined;
  /** Each example from its first separator on (`' 8SY'`): a first part is valid when one of these completes it. */
  readonly completions: readonly string[];
}

const formats = new Map<string, PostalFormat | null>();

/** A country's format (upper-case ISO code); `undefined` when the source has none (no postal codes, or XK). */
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

export const countriesWithFormats = (): string[] => Object.keys(COUNTRIES).filter((cc) => (COUNTRIES[cc]?.patterns.length ?? 0) > 0);

/** The canonical spelling of `code` from its match of `format.lenient`: `code` itself when canonical already. */
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

interface Site {
  readonly chars: string;
  readonly optional: boolean;
}

/** Throws when an example disagrees with the derived format: a bug, which the unit tests catch. */
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

/** What every example reaching the site writes there; for a site none reaches, its required character or nothing. */
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
 * Each separator site becomes `(?=([^]*))([ -]?)` in the lenient form and its canonical separator in the canonical form;
 * other groups become non-capturing, so the sites' are 1, 2, 3... Patterns use only escapes, classes, groups, |, quantifiers.
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
