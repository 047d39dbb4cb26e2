import { defineConfig } from 'vite';

// The UI ships as static files that the query service and standalone serve
// at `/`: relative asset URLs (works behind a path prefix), no CDN, no
// external fonts, nothing fetched at run time but the API.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 200,
  },
});
