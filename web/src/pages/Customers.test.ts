import { describe, expect, it } from 'vitest';
import { customerSegment } from './Customers';

describe('customer segment', () => {
  it('is shown only when the server gives the field', () => {
    expect(customerSegment({})).toEqual([]);
    expect(customerSegment({ segment: 'champions' })).toEqual([['Segment', 'champions']]);
    expect(customerSegment({ segment: null })).toEqual([['Segment', 'not segmented yet']]);
  });
});
