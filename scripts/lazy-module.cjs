/**
 * Makes bundled modules evaluate at first use instead of when they are required. google-gax's index
 * requires its static protobuf classes for IAM, locations and long-running operations (about a quarter
 * of an action's bundle, 500 KB minified) and so evaluates them at every start, though a step needs at
 * most the operations classes, and only once it waits for an operation. The bundle's entry
 * (bundle.mjs) replaces those modules' factories in webpack's module table with `lazyFactory`.
 *
 * `keys` are the module's export names; each becomes a getter that evaluates the module once. They
 * stay lazy through TypeScript's `__importStar`, which copies getters as getters.
 */
function lazyFactory(factory, keys) {
  return function lazy(module, exports, require) {
    let real;
    const load = () => {
      if (!real) {
        real = { id: module.id, loaded: false, exports: {} };
        factory.call(real.exports, real, real.exports, require);
        real.loaded = true;
      }
      return real.exports;
    };
    for (const key of keys) Object.defineProperty(exports, key, { enumerable: true, get: () => load()[key] });
  };
}

/** Wraps, in webpack's module table `modules`, each factory of `ids` that the bundle holds. */
function lazyModules(modules, ids, keys) {
  for (const id of ids) if (modules[id]) modules[id] = lazyFactory(modules[id], keys);
}

module.exports = { lazyFactory, lazyModules };
