import { describe, expect, it } from 'vitest';
import { attributeRows, attributesPatch, parseAttributeValue } from './attributes';

describe('custom attributes', () => {
  it('types values the way they were stored', () => {
    expect(parseAttributeValue('40')).toBe(40);
    expect(parseAttributeValue('-1.5')).toBe(-1.5);
    expect(parseAttributeValue('true')).toBe(true);
    expect(parseAttributeValue('0042')).toBe('0042');
    expect(parseAttributeValue('1e3')).toBe('1e3');
    expect(parseAttributeValue('40', 'forty')).toBe('40'); // a string key stays a string
    expect(parseAttributeValue('41', 40)).toBe(41);
  });
  it('rows show every value as text', () => {
    expect(attributeRows({ plan: 'pro', seats: 40, trial: false })).toEqual([
      { key: 'plan', value: 'pro' },
      { key: 'seats', value: '40' },
      { key: 'trial', value: 'false' },
    ]);
  });
  it('patches only what changed, removing with null', () => {
    const before = { plan: 'pro', seats: 40, region: 'north' };
    const rows = [
      { key: 'plan', value: 'pro' },
      { key: 'seats', value: '45' },
      { key: 'industry', value: 'retail' },
    ];
    expect(attributesPatch(before, rows)).toEqual({
      patch: { region: null, seats: 45, industry: 'retail' },
    });
    expect(attributesPatch(before, attributeRows(before))).toEqual({ patch: {} });
  });
  it('renaming a key removes the old one', () => {
    expect(attributesPatch({ a: 'x' }, [{ key: 'b', value: 'x' }])).toEqual({
      patch: { a: null, b: 'x' },
    });
  });
  it('ignores blank rows and refuses nameless or repeated keys', () => {
    expect(attributesPatch({}, [{ key: ' ', value: '' }])).toEqual({ patch: {} });
    expect(attributesPatch({}, [{ key: '', value: 'v' }])).toEqual({
      error: 'the value "v" needs a name',
    });
    expect(
      attributesPatch({}, [
        { key: 'k', value: '1' },
        { key: 'k ', value: '2' },
      ]),
    ).toEqual({ error: '"k" is given twice' });
  });
});
