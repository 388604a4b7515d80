// Removes the package's dist/ so that a file deleted from src/ never lingers in the published
// package. Run from the package's folder (npm runs workspace scripts there).
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
