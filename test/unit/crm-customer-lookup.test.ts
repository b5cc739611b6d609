import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompositeCustomerLookup } from '../../src/adapters/crm/composite-customer-lookup';
import { HttpCustomerLookup } from '../../src/adapters/crm/http-customer-lookup';
import type { CustomerLookup, CustomerRecord } from '../../src/ports/customer-lookup';
import type { Logger } from '../../src/ports/logger';

/** A logger that keeps every line, to check what was (and was not) logged. */
function recordingLogger() {
  const lines: Array<{ level: string; obj: unknown; msg?: string }> = [];
  const log: Logger = {
    child: () => log,
    trace: (obj, msg) => lines.push({ level: 'trace', obj, msg }),
    debug: (obj, msg) => lines.push({ level: 'debug', obj, msg }),
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
  const dump = () => JSON.stringify(lines.map((l) => ({ ...l, obj: l.obj instanceof Error ? String(l.obj) : l.obj, err: String((l.obj as { err?: unknown })?.err ?? '') })));
  return { log, lines, dump };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('CRM customer lookup over HTTP', () => {
  let server: Server;
  let handler: Handler;
  let requests: IncomingMessage[];
  let baseUrl: string;

  before(async () => {
    server = createServer((req, res) => {
      requests.push(req);
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lookup`;
  });
  beforeEach(() => {
    requests = [];
  });
  afterEach(() => server.closeAllConnections());
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const json = (status: number, body: unknown): Handler => (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const lookup = (log: Logger, extra: Partial<ConstructorParameters<typeof HttpCustomerLookup>[0]> = {}) =>
    new HttpCustomerLookup({ url: baseUrl, token: 'crm-secret-token', timeoutMs: 300, log, ...extra });

  it('asks with the phone and e-mail and the bearer token, and answers the record as from the CRM', async () => {
    handler = json(200, { customer: { id: 42, name: 'Vera Lane', phone: '+12025550199', email: 'vera@example.com', accountRef: 'A-7', notes: 'gold', url: 'https://crm.example.com/c/42' } });
    const { log } = recordingLogger();
    const found = await lookup(log).find({ phone: '+12025550199', email: 'vera@example.com' });
    assert.deepEqual(found, { id: '42', name: 'Vera Lane', phone: '+12025550199', email: 'vera@example.com', accountRef: 'A-7', notes: 'gold', url: 'https://crm.example.com/c/42', source: 'crm' });
    assert.equal(requests.length, 1);
    const url = new URL(requests[0]!.url!, baseUrl);
    assert.equal(url.pathname, '/lookup');
    assert.equal(url.searchParams.get('phone'), '+12025550199');
    assert.equal(url.searchParams.get('email'), 'vera@example.com');
    assert.equal(requests[0]!.headers.authorization, 'Bearer crm-secret-token');
  });

  it('takes the first element of a list and a bare record; missing fields become null', async () => {
    const { log } = recordingLogger();
    handler = json(200, [{ id: 'c-1', name: 'First' }, { id: 'c-2', name: 'Second' }]);
    assert.equal((await lookup(log).find({ phone: '+12025550100' }))?.name, 'First');
    handler = json(200, { id: 'c-3' });
    assert.deepEqual(await lookup(log).find({ email: 'x@example.com' }), { id: 'c-3', name: null, phone: null, email: null, accountRef: null, notes: null, url: null, source: 'crm' });
    handler = json(200, { customer: null });
    assert.equal(await lookup(log).find({ email: 'x@example.com' }), null);
    handler = json(200, []);
    assert.equal(await lookup(log).find({ email: 'x@example.com' }), null);
  });

  it('answers "no record" for 404 without logging a failure, and asks nothing without a phone or e-mail', async () => {
    const { log, lines } = recordingLogger();
    handler = json(404, { error: 'not found' });
    assert.equal(await lookup(log).find({ phone: '+12025550100' }), null);
    assert.equal(await lookup(log).find({ phone: null, email: null }), null);
    assert.equal(requests.length, 1);
    assert.equal(lines.filter((l) => l.level === 'warn').length, 0);
  });

  it('answers "no record" within the timeout when the CRM does not answer, and logs it without the token or the number', async () => {
    handler = () => undefined; // never answers
    const { log, lines, dump } = recordingLogger();
    const found = await lookup(log, { timeoutMs: 100 }).find({ phone: '+12025550177', email: 'hidden@example.com' });
    assert.equal(found, null);
    assert.equal(requests.length, 1);
    assert.equal(lines.filter((l) => l.level === 'warn').length, 1);
    const logged = dump();
    assert.ok(!logged.includes('crm-secret-token'), 'the token is not logged');
    assert.ok(!logged.includes('+12025550177') && !logged.includes('hidden@example.com'), 'the query is not logged');
  });

  it('answers "no record" for error statuses, non-JSON, unsafe links, wrong shapes and oversized bodies', async () => {
    const cases: Array<[string, Handler]> = [
      ['500', json(500, { error: 'down' })],
      ['401', json(401, { error: 'token' })],
      ['not JSON', (_req, res) => res.end('<html>login</html>')],
      ['javascript: link', json(200, { id: '1', name: 'X', url: 'javascript:alert(1)' })],
      ['no id', json(200, { name: 'Nameless' })],
      ['wrong types', json(200, { id: '1', name: 42 })],
      ['oversized', json(200, { id: '1', notes: 'x'.repeat(3000) })],
      [
        'oversized, chunked',
        (_req, res) => {
          res.write('{"id":"1","notes":"');
          res.write('x'.repeat(3000));
          res.end('"}');
        },
      ],
    ];
    for (const [label, h] of cases) {
      handler = h;
      const { log, lines } = recordingLogger();
      assert.equal(await lookup(log, { maxBytes: 2048 }).find({ phone: '+12025550100' }), null, label);
      assert.equal(lines.filter((l) => l.level === 'warn').length, 1, `${label} is logged`);
    }
  });

  it('strips control characters from what an agent will see', async () => {
    handler = json(200, { id: '9', name: 'Eve\u0007\r\nAdmin', notes: '  \u0000 ' });
    const { log } = recordingLogger();
    const found = await lookup(log).find({ phone: '+12025550100' });
    assert.equal(found?.name, 'Eve Admin');
    assert.equal(found?.notes, null);
  });

  it('refuses a URL that is not http(s) at construction', () => {
    const { log } = recordingLogger();
    assert.throws(() => new HttpCustomerLookup({ url: 'file:///etc/passwd', timeoutMs: 100, log }), /http\(s\)/);
    assert.throws(() => new HttpCustomerLookup({ url: baseUrl, timeoutMs: 0, log }), /timeout/);
  });
});

describe('composite customer lookup', () => {
  const record = (id: string, source: string): CustomerRecord => ({ id, name: id, phone: null, email: null, accountRef: null, notes: null, source });
  class CountingLookup implements CustomerLookup {
    calls = 0;
    constructor(private readonly answer: () => Promise<CustomerRecord | null>) {}
    async find(): Promise<CustomerRecord | null> {
      this.calls++;
      return this.answer();
    }
  }
  const counting = (answer: () => Promise<CustomerRecord | null>) => new CountingLookup(answer);

  it('answers from the customers table first and asks the CRM only when the table has nothing', async () => {
    const { log } = recordingLogger();
    const db = counting(async () => record('db-1', 'db'));
    const crm = counting(async () => record('crm-1', 'crm'));
    const both = new CompositeCustomerLookup([{ name: 'db', lookup: db }, { name: 'crm', lookup: crm }], log);
    assert.equal((await both.find({ phone: '+12025550100' }))?.id, 'db-1');
    assert.equal(crm.calls, 0);

    const empty = counting(async () => null);
    const fallback = new CompositeCustomerLookup([{ name: 'db', lookup: empty }, { name: 'crm', lookup: crm }], log);
    assert.equal((await fallback.find({ phone: '+12025550100' }))?.id, 'crm-1');
    assert.equal(crm.calls, 1);
  });

  it('skips a lookup that fails, logs it, and answers null when no source has a record', async () => {
    const { log, lines } = recordingLogger();
    const broken = counting(async () => {
      throw new Error('table gone');
    });
    const crm = counting(async () => null);
    const lookup = new CompositeCustomerLookup([{ name: 'db', lookup: broken }, { name: 'crm', lookup: crm }], log);
    assert.equal(await lookup.find({ email: 'a@example.com' }), null);
    assert.equal(crm.calls, 1);
    assert.deepEqual(lines.map((l) => [l.level, (l.obj as { lookup?: string }).lookup]), [['warn', 'db']]);
  });
});
