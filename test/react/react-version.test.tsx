import { version } from 'react';
import { version as domVersion } from 'react-dom';

// jest runs test/react twice (see jest.config.mjs): once per supported React major.
it('runs the hook tests on one supported React major, with a matching react-dom', () => {
  expect(version).toMatch(/^(18|19)\./);
  expect(domVersion).toBe(version);
});
