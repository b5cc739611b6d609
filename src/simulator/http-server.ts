import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { AriError } from './ari-error';
import { handleControl } from './control-routes';
import type { SimAsterisk } from './sim-asterisk';
import { apiDeclaration, resourceListing } from './swagger';
import { AriRequest, type RouteSpec } from './routes/route-types';
import type { SimControl } from './types';

const MAX_BODY = 1024 * 1024;
const REALM = 'Basic realm="Asterisk REST Interface"';
const MISSING_APP_HTML = '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n<html><head>\r\n<title>400 Bad Request</title>\r\n</head><body>\r\n<h1>Bad Request</h1>\r\n<p>HTTP request is missing param: [app]</p>\r\n<hr />\r\n<address>Asterisk/22.10.1</address>\r\n</body></html>\r\n';

interface CompiledRoute {
  route: RouteSpec;
  regex: RegExp;
  names: string[];
}

export interface ServerDeps {
  sim: SimAsterisk;
  control: SimControl;
  routes: RouteSpec[];
  user: string;
  password: string;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** HTTP + WebSocket front of the simulator: ARI under /ari, control API under /sim, both behind ARI's basic auth. */
export function createSimServer(deps: ServerDeps): { server: Server; wss: WebSocketServer } {
  const compiled: CompiledRoute[] = deps.routes.map((route) => {
    const names: string[] = [];
    const pattern = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, regex: new RegExp(`^${pattern}$`), names };
  });
  const expected = `${deps.user}:${deps.password}`;
  const authorized = (req: IncomingMessage, url: URL): boolean => {
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) return safeEqual(Buffer.from(header.slice(6), 'base64').toString('utf8'), expected);
    const key = url.searchParams.get('api_key');
    return key !== null && safeEqual(key, expected);
  };
  const wss = new WebSocketServer({ noServer: true });

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      deps.sim.logger.error({ err }, 'simulator request failed');
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    if (!url.pathname.startsWith('/ari/') && !url.pathname.startsWith('/sim/')) return send(res, 404, { message: 'Not found' });
    if (!authorized(req, url)) return send(res, 401, { message: 'Authentication required' }, { 'WWW-Authenticate': REALM });
    let body: unknown;
    try {
      body = await readBody(req);
    } catch (err) {
      return send(res, err instanceof AriError ? err.status : 400, err instanceof AriError ? err.body() : { message: 'Invalid request body' });
    }
    try {
      if (url.pathname.startsWith('/sim/')) {
        const result = handleControl(deps.control, method, url.pathname, url.searchParams, body);
        return send(res, result.status, result.body);
      }
      const path = url.pathname.slice('/ari'.length);
      const basePath = `http://${req.headers.host ?? 'localhost'}/ari`;
      const doc = /^\/api-docs\/(\w+)\.json$/.exec(path);
      if (method === 'GET' && path === '/api-docs/resources.json') return send(res, 200, resourceListing(deps.routes, basePath));
      if (method === 'GET' && doc) {
        const declaration = apiDeclaration(doc[1]!, deps.routes, basePath);
        return declaration ? send(res, 200, declaration) : send(res, 404, { message: 'Resource not found' });
      }
      const matches = compiled.map((c) => ({ c, m: c.regex.exec(path) })).filter((x) => x.m !== null);
      if (matches.length === 0) return send(res, 404, { message: 'Resource not found' });
      const forMethod = matches.filter((x) => x.c.route.method === method).sort((a, b) => a.c.names.length - b.c.names.length)[0];
      if (!forMethod) {
        const allow = ['OPTIONS', ...new Set(matches.map((x) => x.c.route.method))].join(',');
        return send(res, 405, { message: 'Invalid method' }, { Allow: allow });
      }
      const pathParams = Object.fromEntries(forMethod.c.names.map((n, i) => [n, decodeURIComponent(forMethod.m![i + 1]!)]));
      const values = new Map<string, string[]>();
      for (const [k, v] of url.searchParams) if (k !== 'api_key') values.set(k, [...(values.get(k) ?? []), v]);
      const objectBody = mergeBody(body, values);
      const result = forMethod.c.route.handle(new AriRequest(pathParams, values, objectBody));
      if (result.raw) {
        res.writeHead(result.status, { 'Content-Type': result.contentType ?? 'application/octet-stream', 'Content-Length': result.raw.length });
        res.end(result.raw);
        return;
      }
      return send(res, result.status, result.body);
    } catch (err) {
      if (err instanceof AriError) return send(res, err.status, err.body());
      throw err;
    }
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ari/events') return rejectUpgrade(socket, 404, 'application/json', JSON.stringify({ message: 'Resource not found' }));
    if (!authorized(req, url)) return rejectUpgrade(socket, 401, 'application/json', JSON.stringify({ message: 'Authentication required' }), REALM);
    const apps = (url.searchParams.get('app') ?? '').split(',').map((a) => a.trim()).filter(Boolean);
    if (apps.length === 0) return rejectUpgrade(socket, 400, 'text/html', MISSING_APP_HTML);
    const subscribeAll = /^(true|yes|1)$/i.test(url.searchParams.get('subscribeAll') ?? '');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const disconnect = deps.sim.hub.connect({ send: (data) => ws.send(data) }, apps, subscribeAll);
      deps.sim.logger.debug({ apps }, 'ARI WebSocket connected');
      ws.on('close', () => {
        disconnect();
        deps.sim.logger.debug({ apps }, 'ARI WebSocket closed');
      });
      ws.on('error', () => disconnect());
    });
  });

  return { server, wss };
}

/** JSON body fields other than containers (variables, fields) are parameters, as Asterisk reads them. */
function mergeBody(body: unknown, values: Map<string, string[]>): Record<string, unknown> | undefined {
  if (body instanceof URLSearchParams) {
    for (const [k, v] of body) values.set(k, [...(values.get(k) ?? []), v]);
    return undefined;
  }
  if (body === undefined) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AriError(400, 'Request body must be a JSON object');
  const obj = body as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'variables' || k === 'fields') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values.set(k, [String(v)]);
    else if (Array.isArray(v)) values.set(k, v.map(String));
  }
  return obj;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new AriError(413, 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return new URLSearchParams(text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AriError(400, 'Request body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function rejectUpgrade(socket: Socket, status: number, contentType: string, body: string, authenticate?: string): void {
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found' }[status] ?? 'Error';
  const lines = [`HTTP/1.1 ${status} ${reason}`, `Content-Type: ${contentType}`, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
  if (authenticate) lines.push(`WWW-Authenticate: ${authenticate}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
