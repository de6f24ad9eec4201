import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import nodemailer from "nodemailer";

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** Our own Message-ID, derived from the job id so a re-sent message is recognisable as the same. */
  messageId: string;
}

export interface MailTransport {
  kind: "smtp" | "files";
  send(message: OutgoingEmail): Promise<{ messageId: string; location?: string }>;
  close(): void;
}

/**
 * SMTP_URL set: nodemailer over SMTP. Unset (embedded mode): each message is written as an .eml file under
 * DATA_DIR/mail, so a laptop install needs no mail server and the links can be opened from the file.
 */
export function createMailTransport(options: {
  smtpUrl: string | undefined;
  dataDir: string;
  /** SMTP_MAX_CONNECTIONS: the pool's bound (default 3); connections are reused across messages. */
  maxConnections?: number;
}): MailTransport {
  if (options.smtpUrl) {
    // Pool options belong in the transport options (the second argument would be message defaults).
    const transporter = nodemailer.createTransport({
      url: options.smtpUrl,
      pool: true,
      maxConnections: options.maxConnections ?? 3,
      maxMessages: 1000,
    });
    return {
      kind: "smtp",
      async send(message) {
        const info = await transporter.sendMail(message);
        return { messageId: info.messageId };
      },
      close: () => transporter.close(),
    };
  }
  const dir = join(options.dataDir, "mail");
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    kind: "files",
    async send(message) {
      const info = (await builder.sendMail(message)) as { message: Buffer; messageId: string };
      await mkdir(dir, { recursive: true });
      const safeId = message.messageId.replace(/[^\w.-]/g, "_");
      const location = join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}_${safeId}.eml`);
      await writeFile(location, info.message, { mode: 0o600 });
      return { messageId: info.messageId, location };
    },
    close() {},
  };
}
