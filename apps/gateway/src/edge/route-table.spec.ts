import { RouteTable } from './route-table.js';

const url = (path: string) => new URL(`http://gateway${path}`);

describe('RouteTable', () => {
  it('matches an exact path only', () => {
    const table = new RouteTable<string>();
    table.add({ path: '/ws' }, 'ws');
    expect(table.find(url('/ws?ticket=t'))).toBe('ws');
    expect(table.find(url('/ws/'))).toBeUndefined();
    expect(table.find(url('/wsx'))).toBeUndefined();
  });

  it('matches a prefix and what lies below it, not a longer name', () => {
    const table = new RouteTable<string>();
    table.add({ prefix: '/app' }, 'app');
    expect(table.find(url('/app'))).toBe('app');
    expect(table.find(url('/app/socket'))).toBe('app');
    expect(table.find(url('/apple'))).toBeUndefined();
  });

  it('lets the first matching route win, and removes a route by its disposer', () => {
    const table = new RouteTable<string>();
    const remove = table.add({ prefix: '/' }, 'all');
    table.add({ path: '/ws' }, 'ws');
    expect(table.find(url('/ws'))).toBe('all');
    remove();
    expect(table.find(url('/ws'))).toBe('ws');
    remove();
    expect(table.find(url('/other'))).toBeUndefined();
  });
});
