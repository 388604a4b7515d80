/**
 * Which request targets a route takes: one exact path, or a path prefix, which matches the
 * prefix itself and everything below it (`/app` takes `/app` and `/app/x`, not `/apple`).
 */
export type RouteMatch = { path: string } | { prefix: string };

interface Route<H> {
  match: RouteMatch;
  handler: H;
}

/**
 * An ordered table of routes by path; the first route added that matches a target wins.
 * Rows are added by whoever serves a path (the Switchboard endpoint, later the proxy), so
 * the edge that owns the server's events need not know them.
 */
export class RouteTable<H> {
  private readonly routes: Route<H>[] = [];

  /** Adds a route; returns the way to remove it again. */
  add(match: RouteMatch, handler: H): () => void {
    const route = { match, handler };
    this.routes.push(route);
    return () => {
      const index = this.routes.indexOf(route);
      if (index !== -1) this.routes.splice(index, 1);
    };
  }

  /** The handler of the first route that takes `target`, or undefined when none does. */
  find(target: URL): H | undefined {
    return this.routes.find((route) => matches(route.match, target.pathname))?.handler;
  }
}

function matches(match: RouteMatch, pathname: string): boolean {
  if ('path' in match) return pathname === match.path;
  const { prefix } = match;
  return pathname === prefix || pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}
