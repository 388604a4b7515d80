import { readFileSync } from 'node:fs';

/**
 * Reads a Compose `env_file` (`KEY=VALUE` a line, `#` comments, blank lines) into a map, so
 * `npm run cluster` runs the nodes with the very values docker-compose.yml gives them.
 * Quotes and inline comments are not part of the format we use, so they are refused
 * rather than read differently from Compose.
 * @param {string} path
 * @returns {Map<string, string>}
 */
export function readEnvFile(path) {
  const values = new Map();
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const match = /^([A-Z][A-Z0-9_]*)=([^"'#]*)$/.exec(line);
      if (!match) throw new Error(`${path}:${index + 1}: expected KEY=VALUE without quotes or comments, got ${JSON.stringify(line)}`);
      values.set(match[1], match[2]);
    });
  return values;
}
