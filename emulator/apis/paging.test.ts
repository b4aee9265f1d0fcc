import { page } from './paging';

const items = [1, 2, 3, 4, 5];

it('walks all pages with the tokens it returns', () => {
  const seen: number[] = [];
  let token = '';
  let pages = 0;
  do {
    const p = page(items, 2, token);
    seen.push(...p.items);
    token = p.nextPageToken;
    pages++;
  } while (token);
  expect(seen).toEqual(items);
  expect(pages).toBe(3);
});

it.each([
  [0, '', 5, ''],
  [10, '', 5, ''],
])('page size %i gives %i items', (size, token, count, next) => {
  expect(page(items, size, token)).toEqual({ items: items.slice(0, count), nextPageToken: next });
});

it('rejects a token it did not make', () => {
  expect(() => page(items, 2, 'bm9wZQ')).toThrow(/Invalid page_token/);
});
