import { strict as assert } from 'node:assert';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { NodemailerMailer } from '../../src/adapters/mail/nodemailer-mailer';
import { silentLogger } from '../unit/dialer-support';

/** A minimal SMTP server on port 0 that keeps what it receives. */
function smtpSink(): Promise<{ server: Server; port: number; messages: Array<{ from: string; to: string[]; data: string }> }> {
  const messages: Array<{ from: string; to: string[]; data: string }> = [];
  const server = createServer((socket) => {
    let buffer = '';
    let inData = false;
    let current = { from: '', to: [] as string[], data: '' };
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push(current);
            current = { from: '', to: [], data: '' };
            socket.write('250 queued\r\n');
          } else current.data += `${line}\n`;
          continue;
        }
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO' || cmd === 'HELO') socket.write('250 sink\r\n');
        else if (cmd === 'MAIL') {
          current.from = line;
          socket.write('250 ok\r\n');
        } else if (cmd === 'RCPT') {
          current.to.push(line);
          socket.write('250 ok\r\n');
        } else if (cmd === 'DATA') {
          inData = true;
          socket.write('354 go on\r\n');
        }
        else if (cmd === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, messages })));
}

describe('outcome e-mail over nodemailer', () => {
  it('sends through SMTP when SMTP_URL is set', async () => {
    const sink = await smtpSink();
    const mailer = new NodemailerMailer({ smtpUrl: `smtp://127.0.0.1:${sink.port}`, from: 'Help <help@example.com>', logger: silentLogger });
    try {
      await mailer.send({ to: 'ada@example.com', subject: 'We could not reach you', text: 'We tried to call you back 3 times.' });
      assert.equal(sink.messages.length, 1);
      assert.match(sink.messages[0]!.from, /help@example\.com/);
      assert.match(sink.messages[0]!.to[0]!, /ada@example\.com/);
      assert.match(sink.messages[0]!.data, /Subject: We could not reach you/);
      assert.match(sink.messages[0]!.data, /We tried to call you back 3 times\./);
    } finally {
      mailer.close();
      sink.server.close();
    }
  });

  it('renders to JSON without SMTP, and refuses a non-SMTP URL', async () => {
    const mailer = new NodemailerMailer({ from: 'help@example.com', logger: silentLogger });
    assert.equal(mailer.sending, 'json');
    await mailer.send({ to: 'ada@example.com', subject: 's', text: 't' });
    assert.throws(() => new NodemailerMailer({ smtpUrl: 'http://x', from: 'a@b.c', logger: silentLogger }), /SMTP_URL/);
  });
});
