import { defineConfig } from 'tsup';

/** One entry per public module: `srl-kit` and `srl-kit/<module>`. */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'reward/index': 'src/reward/index.ts',
    'trajectory/index': 'src/trajectory/index.ts',
    'prompts/index': 'src/prompts/index.ts',
    'io/index': 'src/io/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  splitting: true,
  target: 'node20',
  outDir: 'dist',
});
