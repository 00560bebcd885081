/**
 * Generates `src/backends/_gradients.generated.ts`: tfjs-core's own gradient
 * definitions (`dist/gradients/*.js`, the list in `dist/register_all_gradients.js`)
 * and chained tensor methods (`dist/public/chained_ops/*.js`: `x.sum()`, ...),
 * rewritten so that they use only tfjs-core's public API, handed in at run time.
 *
 * Why: tfjs-core's Node entry (`dist/tf-core.node.js`) registers neither, and its
 * `dist/register_all_gradients.js` and `register_all_chained_ops.js` are extensionless
 * ESM that Node can neither `import` nor `require`. Only bundlers load it. The `@tensorflow/tfjs` union
 * package works around this by bundling a second copy of the core code. Here, every
 * tfjs-core module that a gradient imports is replaced by a shim that reads the same
 * names from the caller's `@tensorflow/tfjs-core` namespace. Only the gradient files
 * and the few internal op wrappers they call (e.g. `avgPoolGrad`) are bundled. So
 * there is one tfjs-core instance, in Node and in browsers.
 *
 * Run: `npx tsx test/backends/generate-gradients.ts` (writes the file). The test
 * `gradients-generated.test.ts` fails when the installed tfjs-core's gradient sources
 * no longer match the hash recorded in the generated file.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const coreRoot = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
const coreDist = join(coreRoot, 'dist');

/** The generated file, relative to the repository root. */
export const GENERATED = join('src', 'backends', '_gradients.generated.ts');

/** Internal modules that are bundled (everything else becomes a shim over the public API). */
function isBundled(rel: string): boolean {
  if (rel.startsWith(`gradients${sep}`) || rel.startsWith(join('public', 'chained_ops') + sep)) return true;
  // Op wrappers used only by gradients, which tfjs-core does not export, plus the
  // helper they call to coerce inputs.
  return /^ops[\\/].*(_grad|backprop_filter|backprop_input|_backprop)\.js$/.test(rel) || rel === 'tensor_util_env.js' || rel === 'types.js';
}

/** Where each internal module's names live in the public API (default: the namespace itself). */
const NAMESPACE_OF: Record<string, string> = {
  'util.js': '__tf.util',
  'util_base.js': '__tf.util',
  'ops/axis_util.js': '__tf.backend_util',
  'ops/broadcast_util.js': '__tf.backend_util',
  'ops/conv_util.js': '__tf.backend_util',
  'ops/selu_util.js': '__tf.backend_util',
  'ops/slice_util.js': '__tf.slice_util',
};

/** The names a module exports (ESM syntax as tsc emits it), following `export *`. */
function exportedNames(file: string, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(/^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|enum)\s+([\w$]+)/gm)) {
    names.add(m[1] as string);
  }
  for (const m of src.matchAll(/^export\s*\{([^}]*)\}/gm)) {
    for (const part of (m[1] as string).split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop();
      if (name) names.add(name);
    }
  }
  for (const m of src.matchAll(/^export\s+\*\s+from\s+'([^']+)'/gm)) {
    for (const name of exportedNames(resolve(dirname(file), `${m[1] as string}.js`), seen)) names.add(name);
  }
  return names;
}

/** The source of a shim module: each exported name read from the public namespace. */
function shimSource(rel: string, tf: Record<string, unknown>, used: ReadonlySet<string> | undefined): string {
  const key = rel.split(sep).join('/');
  if (key === 'engine.js') return 'export const ENGINE = __tf.engine();';
  if (key === 'kernel_registry.js') return 'export const registerGradient = () => {};';
  if (key === 'base.js') return 'export const backend_util = __tf.backend_util;';
  const ns = NAMESPACE_OF[key] ?? (key.startsWith('ops/image/') ? '__tf.image' : '__tf');
  const holder = ns === '__tf' ? tf : (tf[ns.slice('__tf.'.length)] as Record<string, unknown>);
  const lines: string[] = [];
  for (const name of [...exportedNames(join(coreDist, rel))].sort()) {
    // Only the names some bundled file uses: a property read is kept by tree shaking.
    if (name in holder && (used === undefined || used.has(name))) lines.push(`export const ${name} = ${ns}.${name};`);
  }
  return lines.join('\n');
}

/** Records, per shimmed module, which of its names a bundled file imports (named or `ns.name`). */
function recordUses(file: string, source: string, uses: Map<string, Set<string>>): void {
  for (const m of source.matchAll(/^import\s+(?:\{([^}]*)\}|\*\s+as\s+([\w$]+))\s+from\s+'([^']+)'/gm)) {
    const target = relative(coreDist, resolve(dirname(file), `${m[3] as string}.js`));
    const set = uses.get(target) ?? new Set<string>();
    uses.set(target, set);
    if (m[1] !== undefined) {
      for (const part of m[1].split(',')) {
        const name = part.trim().split(/\s+as\s+/)[0];
        if (name) set.add(name);
      }
    } else {
      for (const p of source.matchAll(new RegExp(`\\b${m[2] as string}\\.([\\w$]+)`, 'g'))) set.add(p[1] as string);
    }
  }
}

/** sha256 over the sources that the generated file is derived from. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  const list = (dir: string) =>
    readdirSync(join(coreDist, dir))
      .filter((f) => f.endsWith('.js') && !f.endsWith('_test.js'))
      .sort()
      .map((f) => join(dir, f));
  const files = ['register_all_gradients.js', ...list('gradients'), ...list(join('public', 'chained_ops'))];
  for (const f of files) {
    // The trailing source map differs with the build machine's paths; hash the code only.
    hash.update(f).update('\0').update(readFileSync(join(coreDist, f), 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, ''));
  }
  return hash.digest('hex');
}

/** The version of the installed tfjs-core. */
export function coreVersion(): string {
  return (JSON.parse(readFileSync(join(coreRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** One piece of the generated file: a tfjs-core entry, bundled over shims, wrapped in a function. */
interface Piece {
  /** The entry file, relative to tfjs-core's `dist/`. */
  readonly entry: string;
  /** Rewrites the entry's source (e.g. to export its list instead of registering it). */
  readonly edit: (source: string) => string;
  /** The shim of `tensor.js`. */
  readonly tensorShim: string;
  /** The wrapper's first lines (doc comment and signature), and its last statement. */
  readonly head: readonly string[];
  readonly tail: string;
}

const GRADIENTS: Piece = {
  entry: 'register_all_gradients.js',
  edit: (source) =>
    source
      .replace(/^import \{ registerGradient \}.*$/m, '')
      .replace(/^for \(const gradientConfig of gradConfigs\)[\s\S]*$/m, 'export { gradConfigs };\n'),
  tensorShim: 'export const getGlobalTensorClass = () => __tf.Tensor;',
  head: [
    '/**',
    " * tfjs-core's gradient configs (`register_all_gradients.js`), built over the given tfjs-core.",
    ' * @internal',
    ' */',
    'export function createGradConfigs(__tf: typeof tfc): tfc.GradConfig[] {',
  ],
  tail: 'return gradConfigs;',
};

const CHAINED_OPS: Piece = {
  entry: join('public', 'chained_ops', 'register_all_chained_ops.js'),
  edit: (source) => source,
  // The methods go onto the object passed in (a guard over Tensor.prototype).
  tensorShim: 'export const getGlobalTensorClass = () => ({ prototype: __prototype });\nexport const Tensor = __tf.Tensor;',
  head: [
    '/**',
    " * tfjs-core's chained ops (`x.sum()`, `x.exp()`, ...: `register_all_chained_ops.js`), assigned",
    ' * onto `__prototype` (a guard over `Tensor.prototype`).',
    ' * @internal',
    ' */',
    'export function installChainedOps(__tf: typeof tfc, __prototype: object): void {',
  ],
  tail: '',
};

/** Builds the generated file's text from the installed tfjs-core. */
export async function generateGradients(): Promise<string> {
  const tf = require('@tensorflow/tfjs-core') as Record<string, unknown>;
  const parts: string[] = [];
  const bundledAll = new Set<string>();
  for (const piece of [GRADIENTS, CHAINED_OPS]) {
    const entry = piece.edit(readFileSync(join(coreDist, piece.entry), 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, ''));
    // Pass 1 finds which names of each shimmed module are used; pass 2 emits only those.
    const uses = new Map<string, Set<string>>();
    await bundleOnce(piece, entry, tf, uses, undefined);
    const { text, bundled } = await bundleOnce(piece, entry, tf, undefined, uses);
    for (const f of bundled) bundledAll.add(f);
    parts.push(wrap(piece, text));
  }
  return [...header(bundledAll), ...parts].join('\n');
}

async function bundleOnce(
  piece: Piece,
  entry: string,
  tf: Record<string, unknown>,
  record: Map<string, Set<string>> | undefined,
  uses: Map<string, Set<string>> | undefined,
): Promise<{ text: string; bundled: Set<string> }> {
  const bundled = new Set<string>();
  const plugin: Plugin = {
    name: 'tfjs-core-public-api',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const file = resolve(args.resolveDir, args.path.endsWith('.js') ? args.path : `${args.path}.js`);
        const rel = relative(coreDist, file);
        if (rel.startsWith('..')) return undefined;
        if (isBundled(rel)) {
          bundled.add(rel);
          return { path: file };
        }
        return { path: rel, namespace: 'tfjs-shim' };
      });
      b.onLoad({ filter: /.*/, namespace: 'tfjs-shim' }, (args) => ({
        contents: args.path === 'tensor.js' ? piece.tensorShim : shimSource(args.path, tf, uses?.get(args.path)),
        loader: 'js',
      }));
      if (record) {
        b.onLoad({ filter: /\.js$/ }, (args) => {
          const contents = readFileSync(args.path, 'utf8');
          recordUses(args.path, contents, record);
          return { contents, loader: 'js' };
        });
      }
    },
  };
  const result = await build({
    stdin: { contents: entry, resolveDir: dirname(join(coreDist, piece.entry)), sourcefile: piece.entry, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    legalComments: 'none',
    treeShaking: true,
    plugins: [plugin],
    logLevel: 'silent',
  });
  return { text: (result.outputFiles[0] as { text: string }).text, bundled };
}

function header(bundled: ReadonlySet<string>): string[] {
  const extra = [...bundled].filter((f) => !f.startsWith('gradients') && !f.startsWith(join('public', 'chained_ops')));
  return [
    '// @ts-nocheck',
    '/* eslint-disable */',
    '// GENERATED by test/backends/generate-gradients.ts from @tensorflow/tfjs-core. Do not edit.',
    `// tfjs-core version: ${coreVersion()}`,
    `// source sha256: ${sourceHash()}`,
    `// bundled besides gradients/ and public/chained_ops/: ${extra.sort().join(', ')}`,
    '//',
    '// The code below is from TensorFlow.js, Copyright Google LLC, licensed under the',
    '// Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0). Its',
    '// tfjs-core imports are replaced by reads from the namespace passed in, so no second',
    '// copy of tfjs-core is loaded.',
    '',
    "import type * as tfc from '@tensorflow/tfjs-core';",
    '',
  ];
}

/** Wraps a bundle in the piece's function. */
function wrap(piece: Piece, text: string): string {
  const body = text
    .replace(/export\s*\{[^}]*\};\s*$/, '')
    .replace(/^\/\/ (<stdin>|.*register_all_\w+\.js)$/gm, '')
    .replace(/^\/\/ node_modules\/@tensorflow\/tfjs-core\/dist\//gm, '// ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const indented = body
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
  return [...piece.head, indented, ...(piece.tail ? [`  ${piece.tail}`] : []), '}', ''].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await generateGradients();
  writeFileSync(join(root, GENERATED), text);
  console.log(`wrote ${GENERATED} (${text.length} characters)`);
}
