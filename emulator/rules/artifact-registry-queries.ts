/** Artifact Registry list queries: `order_by` keys and ListTags `filter`, as pure functions. */
import { invalidArgument } from '../apis/api-error';

type Timestamp = { seconds: string; nanos: number };

/** A sortable key of a Timestamp field (empty when unset, so unset sorts first). */
const timeKey = (t: Timestamp | null | undefined): string =>
  t ? `${t.seconds.padStart(15, '0')}.${String(t.nanos).padStart(9, '0')}` : '';

type Named = { name: string };
export type OrderKeys<T> = Readonly<Record<string, (item: T) => string>>;

export const IMAGE_ORDER: OrderKeys<Named & { uploadTime: Timestamp; updateTime: Timestamp; buildTime: Timestamp | null }> = {
  name: (i) => i.name,
  upload_time: (i) => timeKey(i.uploadTime),
  update_time: (i) => timeKey(i.updateTime),
  build_time: (i) => timeKey(i.buildTime),
};

export const RESOURCE_ORDER: OrderKeys<Named & { createTime: Timestamp; updateTime: Timestamp }> = {
  name: (v) => v.name,
  create_time: (v) => timeKey(v.createTime),
  update_time: (v) => timeKey(v.updateTime),
};

/** `order_by`: one field of `keys`, optionally followed by `desc`; by name when empty. Names break ties. */
export function ordered<T extends Named>(items: readonly T[], orderBy: string, keys: OrderKeys<T>): T[] {
  const m = /^\s*(\w*)\s*(asc|desc)?\s*$/i.exec(orderBy);
  const key = keys[m?.[1] || 'name'];
  if (!m || !key) {
    throw invalidArgument(
      `Invalid order_by '${orderBy}': use one of ${Object.keys(keys).join(', ')}, optionally followed by desc`,
    );
  }
  const sign = m[2]?.toLowerCase() === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => sign * key(a).localeCompare(key(b)) || a.name.localeCompare(b.name));
}

/**
 * ListTags `filter`: `name="..."` or `version="..."`, where `*` matches any characters (the forms the
 * API documents); an empty filter matches every tag.
 */
export function tagFilter(filter: string): (tag: { name: string; version: string }) => boolean {
  if (filter.trim() === '') return () => true;
  const m = /^\s*(name|version)\s*=\s*"([^"]*)"\s*$/.exec(filter);
  if (!m)
    throw invalidArgument(`Invalid filter '${filter}': expected name="TAG_NAME" or version="VERSION_NAME" (* is a wildcard)`);
  const field = m[1] as 'name' | 'version';
  const pattern = new RegExp(
    `^${m[2]
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return (tag) => pattern.test(tag[field]);
}
