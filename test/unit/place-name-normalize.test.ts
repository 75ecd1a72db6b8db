/** The place-name normalization (src/place-names/normalize.ts): what two names must share to be one. */
import { describe, expect, it } from 'vitest';
import { foldedWords, normalizePlaceName, prefixForms } from '../../src/place-names/normalize.js';

describe('normalizePlaceName', () => {
  it.each([
    ['München', 'MÜNCHEN', 'munchen', 'Munchen'],
    ['Köln', 'KÖLN', 'koln'],
    ['St. Louis', 'Saint Louis', 'ST LOUIS', 'st louis', 'St-Louis', 'Saint-Louis'],
    ['Sainte-Foy', 'Ste. Foy', 'STE FOY'],
    ['Winston-Salem', 'Winston Salem', 'winston–salem', 'WINSTON  SALEM'],
    ["Coeur d'Alene", 'Coeur d’Alene', 'Coeur dAlene', 'COEUR D´ALENE'],
    ['Gießen', 'Giessen', 'GIESSEN'],
    ['Ærøskøbing', 'Aeroskobing'],
    ['Łódź', 'Lodz'],
    ['Þórshöfn', 'Thorshofn'],
    ['İstanbul', 'Istanbul', 'ISTANBUL'],
    ['Ｔｏｋｙｏ', 'Tokyo'],
    ['ﬁnland', 'Finland'],
    ['Οδυσσεύς', 'ΟΔΥΣΣΕΥΣ', 'οδυσσευσ'],
  ])('takes %j and every other spelling of its row for one name', (...spellings) => {
    const forms = new Set(spellings.map(normalizePlaceName));
    expect(forms.size).toBe(1);
  });

  it.each([
    ['München', 'munchen'],
    ['St. Louis', 'saint louis'],
    ['Ste. Foy', 'sainte foy'],
    ["Coeur d'Alene", 'coeur dalene'],
    ['  Winston -- Salem  ', 'winston salem'],
    ['Jbsa Ft Sam Houston', 'jbsa ft sam houston'],
    ['Москва', 'москва'],
    ['Йошкар-Ола', 'йошкар ола'],
    ['がっこう', 'がっこう'],
    ['Hawaiʻi', 'hawaii'],
    ['Zürich 1', 'zurich 1'],
  ])('writes %j as %j', (name, form) => {
    expect(normalizePlaceName(name)).toBe(form);
  });

  it('keeps marks that make other letters outside the Latin and Greek scripts: й is not и, が is not か', () => {
    expect(normalizePlaceName('й')).not.toBe(normalizePlaceName('и'));
    expect(normalizePlaceName('が')).not.toBe(normalizePlaceName('か'));
  });

  it('keeps st and saint apart from words that only begin like them', () => {
    expect(normalizePlaceName('Stamford')).toBe('stamford');
    expect(normalizePlaceName('Saintes')).toBe('saintes');
    expect(normalizePlaceName('West St')).toBe('west saint');
  });

  it.each(['', '   ', '--', "'", '!?', '\u0301'])('is empty for %j, which has no letter or digit', (name) => {
    expect(normalizePlaceName(name)).toBe('');
    expect(foldedWords(name)).toEqual([]);
  });

  it('leaves no mark without its letter at the start of a word', () => {
    expect(normalizePlaceName('a \u0301b')).toBe('a b');
  });
});

describe('prefixForms', () => {
  it('matches the typed text, with its complete words normalized', () => {
    expect(prefixForms('St. Lou')).toEqual([{ text: 'saint lou', wholeWord: false }]);
    expect(prefixForms('bever')).toEqual([{ text: 'bever', wholeWord: false }]);
    expect(prefixForms('Saint')).toEqual([{ text: 'saint', wholeWord: false }]);
  });

  it('also takes a last word that is an abbreviation as the whole word it abbreviates', () => {
    expect(prefixForms('st')).toEqual([
      { text: 'st', wholeWord: false },
      { text: 'saint', wholeWord: true },
    ]);
    expect(prefixForms('Rue Ste')).toEqual([
      { text: 'rue ste', wholeWord: false },
      { text: 'rue sainte', wholeWord: true },
    ]);
  });

  it('has no form for a name with no letter or digit', () => {
    expect(prefixForms('  .  ')).toEqual([]);
  });
});
