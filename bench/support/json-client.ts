import { Pool } from 'undici';

export interface JsonClient {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  close(): void;
}

/**
 * A keep-alive HTTP client with at most `sockets` connections, as a busy front proxy would hold.
 * undici's pool, not node:http's agent: the load generator shares the machine's two cores with
 * the server, and undici spends about half the CPU per request that node:http's client does, so
 * less of the bench's own cost is charged to the HTTP path.
 */
export function createJsonClient(baseUrl: string, sockets: number): JsonClient {
  const pool = new Pool(baseUrl, { connections: sockets, pipelining: 1, keepAliveTimeout: 120_000 });
  return {
    async post(path, body, headers = {}) {
      const res = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return { status: res.statusCode, body: await res.body.text() };
    },
    close: () => void pool.close(),
  };
}
