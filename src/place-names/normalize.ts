/**
 * Place names as the place-name search compares them: two names are one when their normalized
 * forms are equal. Pure, and the same for the data and the query, so both sides always agree.
 *
 * What is ignored, in this order:
 *  1. compatibility forms (Unicode NFKD: ligatures such as `ﬁ`, full-width letters);
 *  2. case (`toLowerCase`, which does not depend on the locale);
 *  3. accents on Latin and Greek letters: their combining marks (`München` → `munchen`), and the
 *     Latin letters Unicode does not decompose but readers take for accented ones (`ß` → `ss`,
 *     `æ` → `ae`, `ø` → `o`, `ł` → `l`, …); Greek final sigma is sigma. Marks on letters of other
 *     scripts stay, since there they make other letters (a dakuten changes a kana, a breve makes
 *     `й`), and the name is recomposed (NFC);
 *  4. punctuation: apostrophes join (`Coeur d'Alene` → `coeur dalene`), and every other run of
 *     characters that are neither letters, marks nor digits is one space (`Winston-Salem` →
 *     `winston salem`, `St. Louis` → `st louis`), none at the ends;
 *  5. how saint is written: the words `st` and `saint` are `saint`, `ste` and `sainte` `sainte`
 *     (`St. Louis`, `ST LOUIS` and `Saint Louis` → `saint louis`).
 * Other scripts are not transliterated: `Москва` is `москва`, and `moskva` another name.
 */

/** Apostrophes and the characters written for them (the Hawaiian ʻokina too): removed, joining the word. */
const APOSTROPHES = /['‘’ʼʻ`´]/gu;
/** Combining marks on a Latin or Greek letter. */
const ACCENTS = /([\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu;
/** Runs of characters that are not part of a word. */
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

/** Words written in several ways, and the one form they are compared in. */
const WORDS: ReadonlyMap<string, string> = new Map([
  ['st', 'saint'],
  ['saint', 'saint'],
  ['ste', 'sainte'],
  ['sainte', 'sainte'],
]);

const spelled = (word: string): string => WORDS.get(word) ?? word;

/**
 * The words of a name with steps 1 to 4 applied (not 5): lower case, no accents, no punctuation.
 * An empty list when the name has no letter or digit.
 */
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

/** One way a name may begin for a PREFIX search to match it. */
export interface PrefixForm {
  /** What the normalized name begins with. */
  readonly text: string;
  /** Only as whole words: the name is `text`, or `text` and a space and more. */
  readonly wholeWord: boolean;
}

/**
 * What a PREFIX search for `name` matches: the normalized names that begin with its normalized
 * form, where its last word may still be a word being typed. That word is taken as written; when it
 * is also an abbreviation (`st`, `ste`), a second form takes it as the word it abbreviates, whole:
 * `st` matches `stamford` and also `saint louis`, and `st lou` matches `saint louis`. Empty when
 * the name has no letter or digit.
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
