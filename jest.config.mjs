import { fileURLToPath } from 'node:url';

const rootDir = fileURLToPath(new URL('.', import.meta.url));
const react18 = `${rootDir}test/react-18/node_modules`;

/**
 * One jest run for every package: unit specs beside the code, cross-package tests in
 * test/. ESM throughout, because NestJS 12 ships ESM only. ts-jest only transpiles
 * (type checking is `npm run typecheck`); it needs TypeScript's compiler API, hence
 * TypeScript 6.
 */
const shared = {
  rootDir,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.test.json' }],
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
const relativeJs = { '^(\\.{1,2}/.*)\\.js$': '$1' };

export default {
  testTimeout: 30_000,
  projects: [
    {
      ...shared,
      displayName: 'main',
      moduleNameMapper: relativeJs,
      testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.spec.ts', '<rootDir>/test/**/*.test.{ts,tsx}'],
    },
    {
      // @switchboard/react supports React 18 too: its hook tests run again with React 18
      // (test/react-18 holds it) in place of the React 19 everything else uses.
      ...shared,
      displayName: 'react-18',
      moduleNameMapper: {
        '^react$': `${react18}/react/index.js`,
        '^react/(.*)$': `${react18}/react/$1`,
        '^react-dom$': `${react18}/react-dom/index.js`,
        '^react-dom/server$': `${react18}/react-dom/server.node.js`,
        '^react-dom/(.*)$': `${react18}/react-dom/$1`,
        ...relativeJs,
      },
      testMatch: ['<rootDir>/test/react/**/*.test.tsx'],
    },
  ],
};
