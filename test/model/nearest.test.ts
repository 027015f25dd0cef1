import { describe, expect, test } from 'vitest';
import { didYouMean, editDistance, nearest } from '../../src/model/nearest.js';

describe('suggestions for misspelled names', () => {
  test('swapping two neighbouring letters is one edit', () => {
    expect(editDistance('nmae', 'name')).toBe(1);
    expect(editDistance('homeRegoin', 'homeRegion')).toBe(1);
    expect(editDistance('note', 'name')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  test('nearest is case-insensitive, best first, within the bound', () => {
    expect(nearest('REGIONS', ['homeRegion', 'regions'])).toEqual(['regions']);
    expect(nearest('regins', ['glue', 'region', 'regions'])).toEqual(['regions', 'region']);
    expect(nearest('owner', ['id', 'name', 'state', 'ou', 'joined', 'closed'])).toEqual([]);
  });

  test('didYouMean names the best candidate, or nothing', () => {
    expect(didYouMean('identifer', ['name', 'identifier'])).toBe("; did you mean 'identifier'?");
    expect(didYouMean('colour', ['name', 'identifier'])).toBe('');
  });
});
