import { memoryBytes } from './memory-quantity';

it.each([
  ['512Mi', 512 * 2 ** 20],
  ['2Gi', 2 * 2 ** 30],
  ['1G', 1e9],
  ['128M', 128e6],
  ['0.5Gi', 2 ** 29],
  ['536870912', 536870912],
  ['64Ki', 65536],
  ['', undefined],
  [undefined, undefined],
  ['0Mi', undefined],
  ['512 MB', undefined],
  ['-1Gi', undefined],
  ['1.5Xi', undefined],
])('memoryBytes(%j) = %j', (quantity, bytes) => {
  expect(memoryBytes(quantity)).toBe(bytes);
});
