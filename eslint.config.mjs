import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * A path inside a package (`pkg/sub`, `@scope/pkg/sub`): dependencies only through their public entry
 * points, since a file inside a package can move in any release. Allowed: Node's own modules and the
 * sub-paths @actions/expressions and @actions/workflow-parser list in their package.json `exports`.
 */
const DEEP = '^(?!node:)(?!@actions/(expressions|workflow-parser)/)(@[^/]+/)?[^@./][^/]*/';
const DEEP_IMPORTS = [
  {
    regex: DEEP,
    message: 'Import a dependency through its public entry point (package.json `exports` or main), not a file inside it.',
  },
];
/** The same for `require('…')` and `import('…')` types, which no-restricted-imports does not see. */
const DEEP_LITERAL = `Literal[value=/${DEEP.replaceAll('/', '\\/')}/]`;
const DEEP_REQUIRE = {
  selector: `CallExpression[callee.name='require'] > ${DEEP_LITERAL}, TSImportType ${DEEP_LITERAL}`,
  message: DEEP_IMPORTS[0].message,
};
/** What only tests, the bench and the emulator may import. */
const NOT_PRODUCT = [
  {
    regex: '^(\\.\\./)+(emulator|test|bench)(/|$)',
    message: 'Product code never imports emulator/, test/ or bench/: move what both need into src/.',
  },
];
/** A unit test beside its code is no product code: of those folders it may import test/helpers/, shared by all tests. */
const NOT_IN_UNIT_TESTS = [
  {
    regex: '^(\\.\\./)+(emulator|bench|test(?!/helpers/))(/|$)',
    message: 'A unit test in src/ imports only test/helpers/ of emulator/, test/ and bench/.',
  },
];

const ACTIONS_TOOLKIT = {
  group: ['@actions/*'],
  message: 'Only src/runtime/ talks to the Actions toolkit; take a Reporter instead.',
};

/**
 * src/'s layers, lowest first (ARCHITECTURE.md, Layers): a folder imports only folders of the layers
 * before its own, never its own layer's others or a later one. runtime, the edge, may import anything.
 */
const LAYERS = [
  ['inputs', 'report', 'identity'],
  ['cloudrun', 'github'],
  ['regional'],
  ['registry', 'health'],
  ['migrations'],
  ['image', 'traffic'],
  ['deploy'],
  ['release'],
  ['runtime'],
];
/** Each folder of src/ and the folders it may not import: its own layer's others and every later layer's. */
const UPWARD = Object.fromEntries(
  LAYERS.flatMap((layer, i) =>
    layer.map((folder) => [
      folder,
      LAYERS.slice(i)
        .flat()
        .filter((other) => other !== folder),
    ]),
  ),
);
const upwardImports = (folder) => [
  {
    regex: `^(\\.\\./)+(${UPWARD[folder].join('|')})(/|$)`,
    message: `src/ depends downwards only (ARCHITECTURE.md, Layers): src/${folder}/ may not import src/${UPWARD[folder].join('/, src/')}/. Move what both need into the lower folder.`,
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'build/',
      'coverage/',
      'examples/**/node_modules/',
      'examples/**/generated/',
      'examples/**/build/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Fixture apps are plain CommonJS programs that run inside test images.
    files: ['test/fixtures/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Dependencies only through their public entry points (package.json `exports` or main): a path
    // inside a package (its lib/, build/src/, ...) can move in any release.
    files: ['**/*.{ts,mts,mjs,cjs,js}'],
    ignores: ['test/fixtures/**', 'examples/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: DEEP_IMPORTS }],
      'no-restricted-syntax': ['error', DEEP_REQUIRE],
    },
  },
  {
    // Product code never reaches into the emulator, the tests or the bench (they may import src/).
    files: ['src/**/*.ts', 'actions/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...DEEP_IMPORTS, ...NOT_PRODUCT] }] },
  },
  {
    // The core must not depend on the Actions toolkit: only the runtime adapter and entry points may.
    files: ['src/**/*.ts'],
    ignores: ['src/runtime/**', 'src/github/octokit.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [...DEEP_IMPORTS, ...NOT_PRODUCT, ACTIONS_TOOLKIT],
        },
      ],
    },
  },
  {
    files: ['src/**/*.test.ts'],
    ignores: ['src/runtime/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...DEEP_IMPORTS, ...NOT_IN_UNIT_TESTS, ACTIONS_TOOLKIT] }] },
  },
  // The layers, folder by folder, for product code (a test may set up its subject with a higher layer).
  ...Object.keys(UPWARD)
    .filter((folder) => UPWARD[folder].length > 0)
    .map((folder) => ({
      files: [`src/${folder}/**/*.ts`],
      ignores: ['**/*.test.ts', 'src/github/octokit.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          { patterns: [...DEEP_IMPORTS, ...NOT_PRODUCT, ACTIONS_TOOLKIT, ...upwardImports(folder)] },
        ],
      },
    })),
  {
    // The one file outside src/runtime/ that may use the toolkit (Octokit) still sits in its layer.
    files: ['src/github/octokit.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...DEEP_IMPORTS, ...NOT_PRODUCT, ...upwardImports('github')] }] },
  },
  {
    // src/actions.ts lists every action: the release layer, below only the runtime.
    files: ['src/actions.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...DEEP_IMPORTS,
            ...NOT_PRODUCT,
            ACTIONS_TOOLKIT,
            {
              regex: '^\\./runtime(/|$)',
              message: 'src/ depends downwards only (ARCHITECTURE.md, Layers): src/actions.ts may not import src/runtime/.',
            },
          ],
        },
      ],
    },
  },
  {
    // No function over 80 lines (blank lines and comments count) outside the tests.
    files: ['src/**/*.ts', 'emulator/**/*.ts', 'scripts/**/*.{ts,mjs}', 'bench/**/*.ts', 'actions/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80 }] },
  },
);
