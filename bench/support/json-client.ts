import { Agent, request } from 'node:http';

export interface JsonClient {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  close(): void;
}

/** A keep-alive HTTP client with at most `sockets` connections, as a busy front proxy would hold. */
export function createJsonClient(baseUrl: string, sockets: number): JsonClient {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const base = new URL(baseUrl);
  return {
    post(path, body, headers = {}) {
      const payload = Buffer.from(JSON.stringify(body));
      return new Promise((resolve, reject) => {
        const req = request(
          { agent, host: base.hostname, port: base.port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
