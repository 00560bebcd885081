import { defineConfig } from 'tsup';

/** One entry per public module: `srl-kit` and `srl-kit/<module>`. */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'reward/index': 'src/reward/index.ts',
    'trajectory/index': 'src/trajectory/index.ts',
    'prompts/index': 'src/prompts/index.ts',
    'io/index': 'src/io/index.ts',
    'advantage/index': 'src/advantage/index.ts',
    'ops/index': 'src/ops/index.ts',
    'backends/index': 'src/backends/index.ts',
    'pool/index': 'src/pool/index.ts',
    'pool/worker': 'src/pool/worker.ts',
    'server/index': 'src/server/index.ts',
    'server/worker': 'src/server/worker.ts',
    'server/cluster-worker': 'src/server/cluster-worker.ts',
    'cli/srl': 'src/cli/srl.ts',
  },
  // tfjs is a peer dependency: never bundled, so there is one tfjs-core instance.
  external: [/^@tensorflow\//, 'webgpu', '@huggingface/tokenizers', 'hyparquet-writer', 'hyparquet'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  splitting: true,
  target: 'node20',
  outDir: 'dist',
});
