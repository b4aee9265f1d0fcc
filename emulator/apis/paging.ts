/** List pagination as the API does it: page_size (0 = all) and an opaque next_page_token. */
import { invalidArgument, unary } from './api-error';

export function page<T>(items: readonly T[], pageSize: number, pageToken: string): { items: T[]; nextPageToken: string } {
  const start = pageToken ? Number(Buffer.from(pageToken, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidArgument(`Invalid page_token '${pageToken}'`);
  const size = pageSize > 0 ? pageSize : items.length;
  const end = start + size;
  return {
    items: items.slice(start, end),
    nextPageToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : '',
  };
}

/** The paging fields every v2 List request has. */
export interface ListRequest {
  parent: string;
  pageSize: number;
  pageToken: string;
}

/** A List method: one page of what `all` finds under the request's parent, as the response's `field`. */
export function listMethod<T>(field: string, all: (parent: string) => readonly T[]) {
  return unary((req: ListRequest) => {
    const { items, nextPageToken } = page(all(req.parent), req.pageSize, req.pageToken);
    return { [field]: items, nextPageToken };
  });
}
