import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where nginx lives when it is not on PATH (Debian puts it in /usr/sbin, off a user's PATH). */
const SBIN = ['/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin', '/opt/homebrew/bin'];

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The nginx binary: `NGINX_BIN` (when it is executable), else the first `nginx` on PATH or
 * in the sbin folders; undefined when there is none.
 * @returns {string | undefined}
 */
export function findNginx(env = process.env) {
  if (env.NGINX_BIN) return executable(env.NGINX_BIN) ? env.NGINX_BIN : undefined;
  const folders = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN];
  return folders.map((folder) => join(folder, 'nginx')).find(executable);
}

/**
 * Renders the template the way the official nginx image's envsubst step does: only the
 * `${NAME}`s given are replaced, so nginx's own `$variables` stay as they are.
 * @param {string} template
 * @param {Record<string, string>} values
 */
export function renderTemplate(template, values) {
  return template.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name) => (Object.hasOwn(values, name) ? values[name] : whole));
}

/**
 * Writes a main nginx.conf for a foreground nginx of our own under `dir` (pid, temp folders,
 * errors on stderr; nothing of the system's nginx), including the rendered template.
 * @param {{ dir: string, templatePath: string, values: Record<string, string> }} options
 * @returns {string} the path of nginx.conf
 */
export function writeNginxConfig({ dir, templatePath, values }) {
  mkdirSync(dir, { recursive: true });
  const site = join(dir, 'switchboard.conf');
  writeFileSync(site, renderTemplate(readFileSync(templatePath, 'utf8'), values));
  const temp = (name) => `${name}_temp_path ${join(dir, name)};`;
  const main = [
    '# Written by scripts/cluster.mjs for this run only.',
    'daemon off;',
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    'error_log stderr notice;',
    'events { worker_connections 1024; }',
    'http {',
    `    ${temp('client_body')}`,
    `    ${temp('proxy')}`,
    `    ${temp('fastcgi')}`,
    `    ${temp('uwsgi')}`,
    `    ${temp('scgi')}`,
    `    include ${site};`,
    '}',
    '',
  ].join('\n');
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, main);
  return conf;
}
