import type { AddressInfo } from 'node:net';
import { AriError } from './ari-error';
import { createSimServer } from './http-server';
import { bridgeRoutes } from './routes/bridge-routes';
import { channelRoutes } from './routes/channel-routes';
import { miscRoutes } from './routes/misc-routes';
import { p, type RouteSpec } from './routes/route-types';
import { SimAsterisk } from './sim-asterisk';
import { createSimControl } from './sim-control';
import { asteriskTimestamp } from './sim-timers';
import type { Simulator, SimulatorOptions } from './types';

/** Every ARI operation the simulator serves; the Swagger descriptions are generated from it. */
export function buildRoutes(sim: SimAsterisk): RouteSpec[] {
  const events: RouteSpec = {
    resource: 'events', path: '/events', method: 'GET', nickname: 'eventWebsocket', summary: 'WebSocket connection for events.', responseClass: 'Message',
    params: [
      p.query('app', 'string', 'Applications to subscribe to.', { required: true, allowMultiple: true }),
      p.query('subscribeAll', 'boolean', 'Subscribe to all Asterisk events.', { defaultValue: false }),
    ],
    handle: () => {
      throw new AriError(400, 'WebSocket upgrade required');
    },
  };
  return [...miscRoutes(sim, asteriskTimestamp()), ...channelRoutes(sim), ...bridgeRoutes(sim), events];
}

/**
 * Starts an ARI-compatible Asterisk simulator on real HTTP and WebSocket.
 * Default 127.0.0.1:8088 with the documented demo credentials asterisk/asterisk.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const user = options.user ?? 'asterisk';
  const password = options.password ?? 'asterisk';
  const sim = new SimAsterisk(options);
  const control = createSimControl(sim);
  const { server, wss } = createSimServer({ sim, control, routes: buildRoutes(sim), user, password });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8088, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  sim.logger.info({ url }, 'ARI simulator listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    user,
    password,
    control,
    close() {
      closing ??= new Promise<void>((resolve) => {
        sim.close();
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
