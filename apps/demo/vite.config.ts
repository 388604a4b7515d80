import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * `npm run build` writes dist/, which the gateway serves at /demo/ (hence relative URLs).
 * `npm run dev` serves the demo with hot reload and proxies the gateway's routes, so the
 * page and the gateway share an origin there too: start the gateway first (`npm start`).
 */
const gateway = process.env.GATEWAY_URL ?? 'http://localhost:8080';

export default defineConfig({
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: {
    proxy: {
      '/ws': { target: gateway, ws: true },
      '/dev': gateway,
    },
  },
});
