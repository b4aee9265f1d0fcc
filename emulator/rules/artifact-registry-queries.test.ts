import * as grpc from '@grpc/grpc-js';
import { IMAGE_ORDER, RESOURCE_ORDER, ordered, tagFilter } from './artifact-registry-queries';

const T = 'projects/p/locations/l/repositories/r/packages/web/tags/';
const V = 'projects/p/locations/l/repositories/r/packages/web/versions/sha256:';
const tags = [
  { name: `${T}v1`, version: `${V}aaa` },
  { name: `${T}v2`, version: `${V}bbb` },
  { name: `${T}latest`, version: `${V}bbb` },
];

describe('ListTags filter', () => {
  it.each([
    ['', ['v1', 'v2', 'latest']],
    [`name="${T}v1"`, ['v1']],
    [`name = "${T}v*"`, ['v1', 'v2']],
    [`name="*test"`, ['latest']],
    [`name="*TEST*"`, ['latest']],
    [`version="${V}bbb"`, ['v2', 'latest']],
    [`name="${T}v"`, []],
  ])('%s keeps %j', (filter, want) => {
    expect(tags.filter(tagFilter(filter)).map((t) => t.name.slice(T.length))).toEqual(want);
  });

  it.each(['name=v1', 'tag="v1"', 'name="a" AND version="b"'])('%s is INVALID_ARGUMENT', (filter) => {
    expect(() => tagFilter(filter)).toThrow(
      expect.objectContaining({ code: grpc.status.INVALID_ARGUMENT, message: expect.stringContaining(filter) }),
    );
  });
});

describe('ListDockerImages order_by', () => {
  const at = (seconds: number) => ({ seconds: String(seconds), nanos: 0 });
  const images = [
    { name: 'b', uploadTime: at(30), updateTime: at(100), buildTime: null },
    { name: 'a', uploadTime: at(200), updateTime: at(5), buildTime: at(1) },
    { name: 'c', uploadTime: at(9), updateTime: at(50), buildTime: at(2) },
  ];
  it.each([
    ['', ['a', 'b', 'c']],
    ['name desc', ['c', 'b', 'a']],
    ['upload_time', ['c', 'b', 'a']],
    ['update_time desc', ['b', 'c', 'a']],
    ['build_time', ['b', 'a', 'c']],
  ])('%j sorts as %j', (orderBy, want) => {
    expect(ordered(images, orderBy, IMAGE_ORDER).map((i) => i.name)).toEqual(want);
  });

  it('rejects unknown fields', () => {
    expect(() => ordered(images, 'size', IMAGE_ORDER)).toThrow(
      /Invalid order_by 'size': use one of name, upload_time, update_time, build_time/,
    );
  });
});

describe('ListVersions / ListPackages order_by', () => {
  const at = (seconds: number) => ({ seconds: String(seconds), nanos: 0 });
  const versions = [
    { name: 'v-b', createTime: at(1), updateTime: at(9) },
    { name: 'v-a', createTime: at(2), updateTime: at(2) },
  ];
  it.each([
    ['create_time desc', ['v-a', 'v-b']],
    ['update_time', ['v-a', 'v-b']],
    ['create_time', ['v-b', 'v-a']],
  ])('%j sorts as %j', (orderBy, want) => {
    expect(ordered(versions, orderBy, RESOURCE_ORDER).map((v) => v.name)).toEqual(want);
  });

  it('names the fields it accepts', () => {
    expect(() => ordered(versions, 'upload_time', RESOURCE_ORDER)).toThrow(/use one of name, create_time, update_time/);
  });
});
