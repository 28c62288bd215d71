/**
 * A real HTTP server on 127.0.0.1 (port 0) answering from a table of routes, for checks that read a
 * JSON endpoint (queue depth, backup time) and for fake AWS APIs that return one canned error.
 *
 *   const srv = await startRouteServer({ '/outbox': json({ pending: 3 }) });
 *   srv.url('/outbox');           // http://127.0.0.1:<port>/outbox
 *   srv.requests;                 // every request seen: method, path, headers
 *   await srv.close();            // in afterAll: also cuts connections left hanging
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers one request. */
export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A running server. */
export interface RouteServer {
  url(path: string): string;
  readonly requests: { method: string; path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A route answering `body` as JSON (a string is sent as is, so broken JSON can be served). */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Route {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

/** Starts a server; an unknown path answers 404. `'*'` is the route for every path. */
export async function startRouteServer(routes: Record<string, Route>): Promise<RouteServer> {
  const requests: RouteServer['requests'] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ method: req.method ?? '', path, headers: req.headers });
    const route = routes[path] ?? routes['*'];
    if (route) route(req, res);
    else json({ error: 'not found' }, 404)(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
