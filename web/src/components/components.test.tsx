import { act, useState } from 'react';
import { cleanup, render } from './testing';
import type { AttributeRow } from '../attributes';
import { AttributesEditor } from './AttributesEditor';
import { EditRecordForm } from './EditRecordForm';
import { RecordDetails } from './RecordDetails';
import { TimelineList } from './Timeline';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { FactorList } from './Factors';
import { KpiCard } from './KpiCard';
import { Empty, ErrorBox } from './States';
import { TierChip } from './TierChip';

afterEach(cleanup);

describe('components', () => {
  it('shows a KPI with an accessible label', () => {
    const root = render(<KpiCard id="leads" label="Leads created" value="1,234" hint="56 open" />);
    const card = root.querySelector('[data-testid="kpi-leads"]')!;
    expect(card.getAttribute('aria-labelledby')).toBe('kpi-leads-label');
    expect(root.querySelector('#kpi-leads-label')!.textContent).toBe('Leads created');
    expect(root.querySelector('[data-testid="kpi-leads-value"]')!.textContent).toBe('1,234');
  });
  it('shows the server problem detail and each field error once', () => {
    const error = new ApiError({
      title: 'Bad Request',
      status: 400,
      detail: 'to must be after from',
      errors: [
        { field: 'to', message: 'to must be after from' },
        { field: 'from', message: 'is not a date' },
      ],
    });
    const root = render(<ErrorBox error={error} />);
    const box = root.querySelector('[role="alert"]')!;
    expect(box.textContent).toContain('Bad Request (400)');
    expect(box.textContent).toContain('to must be after from');
    expect(box.querySelectorAll('li')).toHaveLength(1);
    expect(box.querySelector('li')!.textContent).toBe('from: is not a date');
  });
  it('renders nothing without an error', () => {
    expect(render(<ErrorBox error={undefined} />).innerHTML).toBe('');
  });
  it('marks tiers and the unscored', () => {
    expect(render(<TierChip tier="hot" />).querySelector('.chip-hot')!.textContent).toBe('hot');
    expect(render(<TierChip tier={null} />).textContent).toBe('unscored');
  });
  it('lists factors with their direction', () => {
    const root = render(
      <FactorList
        factors={[
          { column: 'a', value: '1', contribution: 0.5, words: 'a is 1, which raises the score' },
          { column: 'b', value: '2', contribution: -0.2, words: 'b is 2, which lowers the score' },
        ]}
      />,
    );
    const items = root.querySelectorAll('li');
    expect(items[0].className).toBe('up');
    expect(items[1].className).toBe('down');
    expect(items[1].textContent).toContain('lowers');
  });
  it('shows an empty state with its reason', () => {
    expect(render(<Empty title="Nothing yet">arrives later</Empty>).textContent).toBe(
      'Nothing yetarrives later',
    );
  });
  it('draws timeline entries with their kind, time and answer delay', () => {
    const root = render(
      <TimelineList
        entries={[
          {
            key: 'message-1',
            kind: 'message',
            at: '2026-11-06T10:00:00.000000Z',
            title: 'Sent email: Offer',
            response_seconds: 5400,
          },
          { key: 'event-2', kind: 'event', at: '2026-11-05T08:30:00.000000Z', title: 'Page view' },
        ]}
      />,
    );
    const items = root.querySelectorAll('[data-testid="timeline"] li');
    expect(items).toHaveLength(2);
    expect(items[0].getAttribute('data-kind')).toBe('message');
    expect(items[0].textContent).toContain('answered after 1.5 h');
    expect(items[1].querySelector('time')!.getAttribute('dateTime')).toBe(
      '2026-11-05T08:30:00.000000Z',
    );
    expect(items[1].textContent).toContain('5 Nov 2026, 08:30');
  });
  it('edits attributes with labelled inputs and buttons', () => {
    let latest: AttributeRow[] = [];
    function Harness() {
      const [rows, setRows] = useState<AttributeRow[]>([{ key: 'plan', value: 'pro' }]);
      latest = rows;
      return <AttributesEditor rows={rows} onChange={setRows} />;
    }
    const root = render(<Harness />);
    expect(root.querySelector('input[aria-label="Attribute 1 name"]')!.getAttribute('value')).toBe(
      'plan',
    );
    const add = [...root.querySelectorAll('button')].find(
      (b) => b.textContent === 'Add attribute',
    )!;
    act(() => add.click());
    expect(latest).toEqual([
      { key: 'plan', value: 'pro' },
      { key: '', value: '' },
    ]);
    act(() =>
      (
        root.querySelector('button[aria-label="Remove attribute plan"]') as HTMLButtonElement
      ).click(),
    );
    expect(latest).toEqual([{ key: '', value: '' }]);
  });
  it('offers Edit only to who may, and swaps in the form', () => {
    const props = {
      headingId: 'h',
      fields: [['E-mail', 'a@b.c']] as [string, string][],
      attributes: { plan: 'pro' },
      onSaved: () => {},
    };
    const form = () => <form aria-label="the form" />;
    const viewer = render(<RecordDetails {...props} editable={false} form={form} />);
    expect(viewer.querySelector('button')).toBeNull();
    expect(viewer.querySelector('dl')!.textContent).toBe('E-maila@b.cplanpro');
    const rep = render(<RecordDetails {...props} editable form={form} />);
    act(() => rep.querySelector('button')!.click());
    expect(rep.querySelector('form[aria-label="the form"]')).not.toBeNull();
    expect(rep.querySelector('dl')).toBeNull();
  });
  it('refuses a nameless attribute value before sending', () => {
    const root = render(
      <EditRecordForm
        label="Edit lead"
        path="/nowhere"
        fields={[{ key: 'name', label: 'Name' }]}
        initial={{ name: 'A' }}
        attributes={{}}
        toBody={(v) => v}
        onDone={() => {
          throw new Error('sent');
        }}
      />,
    );
    act(() =>
      [...root.querySelectorAll('button')].find((b) => b.textContent === 'Add attribute')!.click(),
    );
    const value = root.querySelector('input[aria-label="Attribute 1 value"]') as HTMLInputElement;
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(
        value,
        'orphan',
      );
      value.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() =>
      root
        .querySelector('form')!
        .dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })),
    );
    expect(root.querySelector('[role="alert"]')!.textContent).toBe(
      'Check the formCustom attributes: the value "orphan" needs a name',
    );
    expect(root.querySelector('label')!.textContent).toBe('Name');
  });
});
