// Patches chat's sendMessage handler (in a copy of the chat image, never in the source tree) into a deliberately
// broken build: when the append fails (Postgres gone), it still answers ok with a made-up message, as a service
// that acks before its commit does. The chaos suite must fail against it (scripts/chaos-broken-build.sh).
const fs = require('node:fs');
const file = process.argv[2];
const source = fs.readFileSync(file, 'utf8');
const healthy = "{ clientMessageId },\n      );\n      if (outcome.kind === 'duplicate')";
if (!source.includes(healthy)) throw new Error(`${file}: sendMessage no longer looks as this patch expects`);
fs.writeFileSync(
  file,
  source.replace(
    healthy,
    '{ clientMessageId },\n      ).catch(() => undefined);\n' +
      '      if (outcome === undefined) return { ok: true, message: { id: messageId, roomId, seq: 1, senderId: actorId, message, clientMessageId, createdAt: new Date().toISOString(), deleted: false } };\n' +
      "      if (outcome.kind === 'duplicate')",
  ),
);
