// Removes dist/ so that a file deleted from src/ never lingers in the published package.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
