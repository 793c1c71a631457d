// Baseline for SpeBot's write benchmark: the smallest Bolt for JS app that does what a durable `/spe propose` must
// do. Bolt's HTTP receiver verifies the Slack signature (and the timestamp's age) of every request on /slack/events;
// `/spe propose <text>` inserts the item with the next number of its workspace into SQLite (WAL, synchronous=FULL:
// the commit is fsynced before the ack, as SpeBot's default) and acks with an ephemeral reply. No card, no outbox,
// no votes: everything SpeBot does beyond that is extra work the baseline does not pay.
// Environment: PORT, SLACK_SIGNING_SECRET, DB (SQLite file), SLACK_API_URL (the load generator's fake Web API).
const { App, LogLevel } = require('@slack/bolt');
const Database = require('better-sqlite3');

const db = new Database(process.env.DB);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`
  CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY,
    team_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    author_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (team_id, number)
  );
  CREATE TABLE IF NOT EXISTS item_events (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items (id),
    kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    at TEXT NOT NULL
  );`);

const nextNumber = db.prepare('SELECT COALESCE(MAX(number), 0) + 1 AS n FROM items WHERE team_id = ?');
const insertItem = db.prepare(
  'INSERT INTO items (team_id, number, title, author_id, channel_id, created_at) VALUES (?, ?, ?, ?, ?, ?)');
const insertEvent = db.prepare('INSERT INTO item_events (item_id, kind, actor_id, at) VALUES (?, ?, ?, ?)');
// One transaction per proposal: the number is read and used under SQLite's write lock, so numbers stay gap-free
// and unique; better-sqlite3 is synchronous, so the commit (and its fsync) completes before ack() is called.
const propose = db.transaction((team, user, channel, title) => {
  const at = new Date().toISOString();
  const { n } = nextNumber.get(team);
  const { lastInsertRowid } = insertItem.run(team, n, title, user, channel, at);
  insertEvent.run(lastInsertRowid, 'proposed', user, at);
  return n;
});

const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  token: 'xoxb-bench',
  // The bot's ids are given, so Bolt's single-workspace authorize never calls auth.test on a request.
  botId: 'BBENCH',
  botUserId: 'UBOT',
  tokenVerificationEnabled: false,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  logLevel: LogLevel.WARN,
  customRoutes: [
    { path: '/healthz', method: ['GET'], handler: (req, res) => { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('ok'); } },
  ],
});

// Slack's three control characters, so the reply shows the user's text as typed (as SpeBot escapes it).
const esc = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

app.command('/spe', async ({ command, ack }) => {
  const text = (command.text || '').trim();
  if (!text.startsWith('propose ')) {
    await ack({ response_type: 'ephemeral', text: 'Usage: /spe propose <text>' });
    return;
  }
  const title = text.slice('propose '.length).trim();
  if (title.length === 0) {
    await ack({ response_type: 'ephemeral', text: 'Say what to propose: /spe propose <text>' });
    return;
  }
  const n = propose(command.team_id, command.user_id, command.channel_id, title);
  await ack({ response_type: 'ephemeral', text: `Captured #${n}: ${esc(title)}` });
});

(async () => {
  await app.start(Number(process.env.PORT));
  console.log(`bolt baseline listening on ${process.env.PORT}`);
})();
