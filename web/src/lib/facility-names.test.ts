import { describe, expect, it } from 'vitest';
import { distinctNames } from './facility-names.ts';

describe('distinctNames', () => {
  it('leaves unique names alone and separates repeated ones by zip, then by id', () => {
    const labels = distinctNames([
      { id: 'a', name: 'Home', zip: '10011' },
      { id: 'b', name: 'Home', zip: '11215' },
      { id: 'c', name: 'Deli', zip: '10011' },
      { id: 'd', name: 'Import', zip: null },
      { id: 'e', name: 'Import', zip: null },
      { id: 'f', name: 'Shop', zip: '10040' },
      { id: 'g', name: 'Shop', zip: '10040' },
    ]);
    expect(Object.fromEntries(labels)).toEqual({
      a: 'Home (zip 10011)',
      b: 'Home (zip 11215)',
      c: 'Deli',
      d: 'Import (no zip, id d)',
      e: 'Import (no zip, id e)',
      f: 'Shop (zip 10040, id f)',
      g: 'Shop (zip 10040, id g)',
    });
    expect(new Set(labels.values()).size).toBe(7);
  });
});
