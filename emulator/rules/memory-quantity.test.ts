import { containerMemoryBytes, memoryBytes } from './memory-quantity';

// How a quantity is read is resource-limits.test.ts's; here what means no limit.
it.each([
  ['512Mi', 512 * 2 ** 20],
  ['', undefined],
  [undefined, undefined],
  [null, undefined],
  ['0Mi', undefined],
  ['512 MB', undefined],
])('memoryBytes(%j) = %j', (quantity, bytes) => {
  expect(memoryBytes(quantity)).toBe(bytes);
});

it.each([
  [{ image: 'i' }, undefined, undefined],
  [{ image: 'i' }, '512Mi', 512 * 2 ** 20],
  [{ image: 'i', resources: { limits: { memory: '1Gi' } } }, '512Mi', 2 ** 30],
])("containerMemoryBytes(%j, %j): the container's own limit, else the fallback", (container, fallback, bytes) => {
  expect(containerMemoryBytes(container, fallback)).toBe(bytes);
});
