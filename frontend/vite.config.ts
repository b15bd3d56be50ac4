// Vite config for the Golem editor. Build output goes to frontend/dist, which the Go binary embeds.
import { defineConfig } from 'vitest/config'
import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('.', import.meta.url))
const backend = process.env.GOLEM_URL ?? 'http://127.0.0.1:6789'

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: false, // keep dist/.gitkeep
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false, ws: true },
      '/ws': { target: backend, ws: true },
    },
  },
  test: {
    root,
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
