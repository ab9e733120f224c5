import { describe, expect, it } from 'vitest';
import { cellText, renderRecord, renderTable } from './table.render';

describe('renderTable', () => {
  const columns = [
    { header: 'name', value: (r: { name: string; size: number; tags: string[] | null }) => r.name },
    { header: 'size', value: (r: { size: number }) => r.size, align: 'right' as const },
    { header: 'tags', value: (r: { tags: string[] | null }) => r.tags },
  ];

  it('aligns columns to the widest cell, right-aligning numbers, without trailing spaces', () => {
    const text = renderTable(
      [
        { name: 'fedora', size: 5, tags: ['40-*', '41-*'] },
        { name: 'centos-stream', size: 12345, tags: null },
      ],
      columns,
    );
    expect(text).toBe(
      ['NAME            SIZE  TAGS', 'fedora             5  40-*,41-*', 'centos-stream  12345  -', ''].join('\n'),
    );
  });

  it('prints only the header for no rows', () => {
    expect(renderTable([], columns)).toBe('NAME  SIZE  TAGS\n');
  });
});

describe('cellText', () => {
  it('shows missing values as a dash and flattens whitespace so a row stays one line', () => {
    expect(cellText(null)).toBe('-');
    expect(cellText([])).toBe('-');
    expect(cellText('a\nb')).toBe('a b');
    expect(cellText({ a: 1 })).toBe('{"a":1}');
    expect(cellText(false)).toBe('false');
  });
});

describe('renderRecord', () => {
  it('lines up values after the longest key', () => {
    expect(renderRecord({ name: 'fedora', base_path: 'f', repository: null })).toBe(
      'name:       fedora\nbase_path:  f\nrepository: -\n',
    );
  });
});
