import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

// The src-main/ + src-renderer/ layout is not electron-vite's default src/{main,preload,renderer},
// so every entry is named here (see docs/build.md).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          // The engine runs in its own process (utilityProcess.fork) from this separate entry.
          engine: resolve(__dirname, 'src-main/engine/process.ts'),
          // An evaluation's data-parallel replica runs in a worker thread of the engine from this entry.
          'data-parallel-worker': resolve(__dirname, 'src-main/engine/evaluate/data-parallel-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be CommonJS.
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [vue()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: true,
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src-renderer/index.html') },
        // The views load lazily (router.ts), so zod lands in a chunk shared by several views. Its
        // jitless setting (zod-setup.ts) must run before any module that builds or parses a schema,
        // or zod probes `new Function` and the page's CSP reports it: zod and the setting share one
        // chunk, which runs whole before every chunk that imports zod.
        output: { codeSplitting: { groups: [{ name: 'zod', test: /node_modules[\\/]zod[\\/]|src-renderer[\\/]zod-setup\.ts$/ }] } },
      },
    },
  },
});
