/**
 * Place names as the place-name search compares them: two names are one when their normalized forms
 * are equal; pure, the same for the data and the query. What is set aside (compatibility forms, case,
 * Latin and Greek accents, punctuation, how saint is written) is a contract: docs/search.md states it.
 */

/** Apostrophes and the characters written for them (the Hawaiian ʻokina too): removed, joining the word. */
const APOSTROPHES = /['‘’ʼʻ`´]/gu;
/** Combining marks on a Latin or Greek letter; elsewhere a mark makes another letter (`й`) and stays. */
const ACCENTS = /([\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu;
const SEPARATORS = /[^\p{L}\p{M}\p{N}]+/gu;
/** Marks left with no letter to sit on (at the start of a word), dropped. */
const STRAY_MARKS = /(^|\s)\p{M}+/gu;
const ASCII = /^[\x20-\x7e]*$/;
const ASCII_APOSTROPHES = /['`]/g;
const ASCII_SEPARATORS = /[^a-z0-9]+/g;

/** Lower-case letters NFKD leaves whole, and what they fold to. */
const LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
  ŀ: 'l',
  ς: 'σ',
};
const FOLDED_LETTERS = new RegExp(`[${Object.keys(LETTERS).join('')}]`, 'gu');

const WORDS: ReadonlyMap<string, string> = new Map([
  ['st', 'saint'],
  ['saint', 'saint'],
  ['ste', 'sainte'],
  ['sainte', 'sainte'],
]);

const spelled = (word: string): string => WORDS.get(word) ?? word;

/** The words of a name normalized but for how saint is written; empty when it has no letter or digit. */
export function foldedWords(name: string): string[] {
  // Most names are plain ASCII: the same steps, with no Unicode normalization nor classes of characters by script.
  const words = ASCII.test(name)
    ? name.toLowerCase().replace(ASCII_APOSTROPHES, '').replace(ASCII_SEPARATORS, ' ').trim()
    : name
        .replace(APOSTROPHES, '')
        .normalize('NFKD')
        .toLowerCase()
        .replace(FOLDED_LETTERS, (letter) => LETTERS[letter] ?? letter)
        .replace(ACCENTS, '$1')
        .normalize('NFC')
        .replace(SEPARATORS, ' ')
        .replace(STRAY_MARKS, '$1')
        .trim();
  return words === '' ? [] : words.split(' ');
}

/** The normalized form of a place name (see the module comment); `''` when it has no letter or digit. */
export function normalizePlaceName(name: string): string {
  return foldedWords(name).map(spelled).join(' ');
}

export interface PrefixForm {
  readonly text: string;
  /** Only as whole words: the name is `text`, or `text` and a space and more. */
  readonly wholeWord: boolean;
}

/**
 * The forms a PREFIX search for `name` matches: its normalized form with the last word as typed and,
 * when that word abbreviates one (`st`), that word whole. Empty when it has no letter or digit.
 */
export function prefixForms(name: string): readonly PrefixForm[] {
  const words = foldedWords(name);
  const last = words.pop();
  if (last === undefined) return [];
  const head = words.map(spelled);
  const typed: PrefixForm = { text: [...head, last].join(' '), wholeWord: false };
  const word = WORDS.get(last);
  return word === undefined || word === last ? [typed] : [typed, { text: [...head, word].join(' '), wholeWord: true }];
}
