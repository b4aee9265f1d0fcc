/* eslint-disable @typescript-eslint/no-require-imports */
type Module = { id?: number; exports: Record<string, unknown> };
type Factory = (module: Module, exports: Module['exports'], require: (id: number) => unknown) => void;
const { lazyFactory, lazyModules } = require('../../scripts/lazy-module.cjs') as {
  lazyFactory: (factory: Factory, keys: string[]) => Factory;
  lazyModules: (modules: Record<number, Factory>, ids: number[], keys: string[]) => void;
};

// A module shaped like protobufjs's static classes: it replaces module.exports with a shared root.
function staticProtos(): { factory: Factory; runs: () => number } {
  let runs = 0;
  const factory: Factory = (module, _exports, require) => {
    runs++;
    module.exports = { google: { longrunning: { Operation: require(1) } } };
  };
  return { factory, runs: () => runs };
}
const require1 = (id: number) => `module ${id}`;
// What TypeScript's __importStar does with a CommonJS module: its own keys, as bindings.
const importStar = (mod: Record<string, unknown>) => {
  const result: Record<string, unknown> = {};
  for (const k of Object.keys(mod)) {
    const desc = Object.getOwnPropertyDescriptor(mod, k)!;
    Object.defineProperty(result, k, 'get' in desc ? { enumerable: true, get: () => mod[k] } : desc);
  }
  return result;
};

describe('lazyFactory', () => {
  it('evaluates the module at the first use of an export, once, with the bundle require', () => {
    const { factory, runs } = staticProtos();
    const module: Module = { id: 7, exports: {} };
    lazyFactory(factory, ['google'])(module, module.exports, require1);
    const imported = importStar(module.exports);
    expect(runs()).toBe(0);
    expect((imported.google as { longrunning: { Operation: string } }).longrunning.Operation).toBe('module 1');
    expect(imported.google).toBe(module.exports.google);
    expect(runs()).toBe(1);
  });
});

describe('lazyModules', () => {
  it('wraps the factories of the ids the table holds and ignores the others', () => {
    const { factory, runs } = staticProtos();
    const other: Factory = () => undefined;
    const modules: Record<number, Factory> = { 1: factory, 2: other };
    lazyModules(modules, [1, 3], ['google']);
    expect(modules[1]).not.toBe(factory);
    expect(modules[2]).toBe(other);
    expect(3 in modules).toBe(false);
    const module: Module = { exports: {} };
    modules[1](module, module.exports, require1);
    expect(runs()).toBe(0);
    expect(Object.keys(module.exports)).toEqual(['google']);
  });
});
