import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../../ports/logger';
import type { MailMessage, Mailer } from '../../ports/mailer';

export interface NodemailerOptions {
  /** smtp:// or smtps:// URL; unset: messages are rendered to JSON and logged, not sent. */
  smtpUrl?: string;
  from: string;
  logger: Logger;
  /** Give up on one message after this long. */
  timeoutMs?: number;
}

/**
 * The Mailer port over nodemailer. Without SMTP_URL it uses nodemailer's JSON transport, so the
 * demo and the tests see exactly what would have been sent (logged at info, without the body).
 */
export class NodemailerMailer implements Mailer {
  private readonly transport: Transporter;
  readonly sending: 'smtp' | 'json';

  constructor(private readonly options: NodemailerOptions) {
    const timeout = options.timeoutMs ?? 10_000;
    if (options.smtpUrl) {
      if (!/^smtps?:\/\//.test(options.smtpUrl)) throw new Error('SMTP_URL: must be an smtp:// or smtps:// URL');
      const url = new URL(options.smtpUrl);
      this.transport = nodemailer.createTransport({
        host: url.hostname,
        port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
        secure: url.protocol === 'smtps:',
        auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      });
      this.sending = 'smtp';
    } else {
      this.transport = nodemailer.createTransport({ jsonTransport: true });
      this.sending = 'json';
    }
  }

  async send(message: MailMessage): Promise<void> {
    const info = (await this.transport.sendMail({ from: this.options.from, to: message.to, subject: message.subject, text: message.text, html: message.html })) as { messageId?: string };
    this.options.logger.info({ messageId: info.messageId, subject: message.subject, transport: this.sending }, 'e-mail sent');
  }

  close(): void {
    this.transport.close();
  }
}
