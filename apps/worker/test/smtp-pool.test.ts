import assert from "node:assert/strict";
import { after, test } from "node:test";
import { createMailTransport } from "@honeydue/email";
import { SMTPServer } from "smtp-server";

test("email goes through a bounded pool: 60 messages over at most SMTP_MAX_CONNECTIONS connections", async () => {
  let connections = 0;
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, _session, callback) {
      stream.on("data", () => {});
      stream.on("end", () => {
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.server.address() as { port: number }).port;
  const transport = createMailTransport({
    smtpUrl: `smtp://127.0.0.1:${port}`,
    dataDir: "/nonexistent",
    maxConnections: 2,
  });
  try {
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        transport.send({
          from: "honeyDue <no-reply@honeydue.test>",
          to: `pool${i}@example.test`,
          subject: "pool",
          text: "hello",
          html: "<p>hello</p>",
          messageId: `<pool-${i}@honeydue.test>`,
        }),
      ),
    );
  } finally {
    transport.close();
  }
  assert.equal(received, 60);
  assert.ok(connections <= 2, `${connections} connections for 60 messages`);
});
