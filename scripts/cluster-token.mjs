#!/usr/bin/env node
// `npm run --silent cluster:token -- <userId> [ttlSeconds]`: an HS256 JWT for the cluster of
// `npm run cluster`, signed with JWT_SECRET (yours, else deploy/cluster.env's placeholder).
// The cluster runs with a real secret rather than development mode, whose per-process
// secret one node cannot verify for the other; this stands in for your app's token issuer.
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { readEnvFile } from './cluster/env-file.mjs';

const [userId, ttl = '3600'] = process.argv.slice(2);
if (!userId || !/^\d+$/.test(ttl)) {
  process.stderr.write('usage: npm run --silent cluster:token -- <userId> [ttlSeconds]\n');
  process.exit(2);
}
const shared = readEnvFile(fileURLToPath(new URL('../deploy/cluster.env', import.meta.url)));
const secret = process.env.JWT_SECRET || shared.get('JWT_SECRET');
const claim = process.env.JWT_USER_CLAIM || shared.get('JWT_USER_CLAIM') || 'sub';

const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ [claim]: userId, iat: now, exp: now + Number(ttl) })}`;
const signature = createHmac('sha256', secret).update(unsigned).digest('base64url');
process.stdout.write(`${unsigned}.${signature}\n`);
