// Layering of watchpost, checked by `npm run lint:deps` (part of `npm test`). README "Architecture" states the same rules.
const TEST = '(\\.test\\.ts|\\.int\\.test\\.ts)$';
/** Run-time inference: the models/ files that load sessions and run them (not the build-time folders). */
const MODELS_RUNTIME = '^models/(?!convert/|faceapi/|prepare/|onnx/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles (type-only imports count: they couple the modules just the same).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pipeline-imports-nothing',
      severity: 'error',
      comment: 'pipeline/ is the domain: no I/O and nothing else of the project (its tests may use test/ helpers).',
      from: { path: '^pipeline/' },
      to: { path: '^(alerting|api|audit|bench|bin|cli|fixtures|models|runtime|scripts|storage|workers)/' },
    },
    {
      name: 'shared-floors-not-roles',
      severity: 'error',
      comment:
        'storage/ (database, repositories), audit/ and alerting/ (alert services, delivery) serve the API and the ' +
        'workers alike: they never reach up into a role, the HTTP layer or the CLI.',
      from: { path: '^(storage|audit|alerting)/', pathNot: TEST },
      to: { path: '^(api|cli|workers|bench|fixtures)/' },
    },
    {
      name: 'workers-not-api-or-cli',
      severity: 'error',
      comment:
        'Workers are process roles; what they share with the API or the CLI lives a floor down (runtime/, pipeline/, ' +
        'storage/, audit/, alerting/).',
      from: { path: '^workers/' },
      to: { path: '^(api|cli)/' },
    },
    {
      name: 'api-not-workers',
      severity: 'error',
      comment: 'The API enqueues work for the workers; it never runs their code.',
      from: { path: '^api/' },
      to: { path: '^workers/' },
    },
    {
      name: 'api-not-fixtures',
      severity: 'error',
      comment: 'Fixtures are test footage: the API never depends on them (its tests may).',
      from: { path: '^api/', pathNot: TEST },
      to: { path: '^fixtures/' },
    },
    {
      name: 'runtime-not-models',
      severity: 'error',
      comment: 'runtime/ is process plumbing under every role; models are loaded by the roles that need them.',
      from: { path: '^runtime/' },
      to: { path: '^models/' },
    },
    {
      name: 'inference-not-conversion',
      severity: 'error',
      comment:
        'Run-time inference never imports TF.js-to-ONNX conversion (models/convert, models/faceapi); it reaches the ' +
        'model cache only through models/prepare/index.ts (ensureModel converts on a cache miss). models/onnx, the ' +
        'ONNX graph writer, is shared: the gallery index builds its matching graph with it at run time.',
      from: { path: MODELS_RUNTIME, pathNot: TEST },
      to: { path: '^models/(convert|faceapi)/|^models/prepare/(?!index\\.ts$)' },
    },
    {
      name: 'conversion-only-from-models-and-cli',
      severity: 'error',
      comment:
        "Only models/ and the CLI (`watchpost models prepare`, the demo's first run) touch the conversion folders.",
      from: { path: '^(alerting|api|audit|bin|fixtures|pipeline|runtime|storage|workers)/', pathNot: TEST },
      to: { path: '^models/(convert|faceapi|onnx|prepare)/' },
    },
    {
      name: 'browser-code-no-node',
      severity: 'error',
      comment:
        'The dashboard bundle (api/web/src) and the event-stream reader it shares with the CLI run in a browser: ' +
        'no Node built-ins.',
      from: { path: '^(api/web/src/|runtime/event-stream\\.ts$)', pathNot: TEST },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'production-not-test-helpers',
      severity: 'error',
      comment: 'Test helpers and factories live under test/ and are used only by tests and benchmarks.',
      from: { path: '^(alerting|api|audit|bin|cli|fixtures|models|pipeline|runtime|storage|workers)/', pathNot: TEST },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|data|test-artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
