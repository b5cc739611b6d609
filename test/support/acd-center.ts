import { parseCenterConfig, type CenterConfig } from '../../src/domain/center-config';

/** A small valid center: two queues, three agents, a main menu with a sub-menu. Override parts per test. */
export function centerDocument(): Record<string, unknown> {
  return {
    queues: [
      { id: 'support', name: 'Support', announceEverySeconds: 30, maxWaitSeconds: 120, ringTimeoutSeconds: 15, wrapUpSeconds: 10, missesBeforePause: 2 },
      { id: 'sales', name: 'Sales', strategy: 'round-robin', priority: 4 },
    ],
    agents: [
      { id: 'alice', name: 'Alice', endpoint: 'PJSIP/agent-1001', queues: { support: 1, sales: 2 }, credentials: { tokenSha256: 'a'.repeat(64) } },
      { id: 'bob', name: 'Bob', endpoint: 'PJSIP/agent-1002', queues: { support: 1 }, credentials: { tokenSha256: 'b'.repeat(64) } },
      { id: 'carol', name: 'Carol', endpoint: 'PJSIP/agent-1003', queues: { sales: 1 }, credentials: { tokenSha256: 'c'.repeat(64) } },
    ],
    dids: { '5551234': 'main', '5559999': 'sales-direct' },
    defaultMenu: 'main',
    operator: { queue: 'support' },
    menus: {
      main: {
        prompt: ['sound:welcome', 'sound:press-1-support-2-sales'],
        timeoutSeconds: 5,
        maxRetries: 2,
        onExhausted: { action: 'operator' },
        options: {
          '1': { action: 'queue', queue: 'support' },
          '2': { action: 'menu', menu: 'sales-direct' },
          '3': { action: 'callback', queue: 'support' },
          '4': { action: 'voicemail', queue: 'support' },
          '9': { action: 'repeat' },
          '0': { action: 'operator' },
        },
      },
      'sales-direct': { prompt: 'sound:sales-menu', options: { '1': { action: 'queue', queue: 'sales' }, '*': { action: 'menu', menu: 'main' } }, onExhausted: { action: 'queue', queue: 'sales' } },
    },
  };
}

export function testCenter(mutate?: (doc: Record<string, unknown>) => void): CenterConfig {
  const doc = centerDocument();
  mutate?.(doc);
  return parseCenterConfig(doc);
}
