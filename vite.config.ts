import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The web app lives in src/web and is served by the Lenslet server from dist/web.
export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  // One bundle (~500 kB, ~150 kB gzipped): React, TanStack and zod are most of it; the server sends
  // it precompressed and immutable, so splitting buys little.
  build: { outDir: '../../dist/web', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
  server: { proxy: { '^/(health|folders|file|thumb|metadata|search|refresh|item|items|events|presence|metrics|export|query|histogram|views|og-image|auth|admin/)': 'http://127.0.0.1:7070' } },
});
