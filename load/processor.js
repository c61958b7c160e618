// Custom steps for the Artillery scenarios (https://www.artillery.io/docs/reference/engines/socketio):
// fresh credentials and clientMessageIds per virtual user, and the few set-ups a YAML flow cannot express
// (users signed up ahead of a storm, a second user who writes to the virtual user). REST calls go to
// `apiUrl` (the runner passes it with --variables), sockets to the run's --target.
import { randomUUID } from 'node:crypto';

/** A new username and password for the virtual user (usernames are unique per registration). */
export function newCredentials(context, _events, done) {
  context.vars.username = `load_${randomUUID().slice(0, 12)}`;
  context.vars.password = `pw-${randomUUID()}`;
  done();
}

/** A fresh clientMessageId for the next send (the gateway deduplicates retries by it). */
export function newClientMessageId(context, _events, done) {
  context.vars.clientMessageId = randomUUID();
  done();
}

/**
 * `before` hook of the reconnect storm: `stormUsers` users (one join-rate budget each) who are all members of
 * one room holding `stormHistory` messages. Every virtual user takes one of them and resumes the room from
 * seq 0, so the storm replays the whole history to many sockets at once.
 */
export async function prepareStorm(context, events) {
  const { apiUrl } = context.vars;
  const users = [];
  for (let i = 0; i < Number(context.vars.stormUsers); i++) users.push(await signUp(apiUrl, events));
  const [owner] = users;
  const room = await call(apiUrl, owner, 'POST', '/chat/rooms', {
    name: 'storm',
    memberIds: users.slice(1).map((u) => u.id),
  });
  for (let i = 0; i < Number(context.vars.stormHistory); i++) {
    await call(apiUrl, users[i % users.length], 'POST', '/chat/messages', {
      roomId: room.id,
      message: `history ${i}`,
      clientMessageId: randomUUID(),
    });
  }
  context.vars.stormTokens = users.map((u) => u.token);
  context.vars.stormRoomId = room.id;
}

/** Takes one of the storm users' tokens at random (`prepareStorm` signed them up). */
export function pickStormUser(context, _events, done) {
  const tokens = context.vars.stormTokens;
  context.vars.token = tokens[Math.floor(Math.random() * tokens.length)];
  done();
}

/**
 * A second user (over REST) creates a room with the virtual user in it and sends `notifyMessages` messages
 * naming them: the virtual user is not in the room, so each one notifies them (a mention and an unread count).
 */
export async function partnerMentions(context, events) {
  const { apiUrl, username, userId } = context.vars;
  const partner = await signUp(apiUrl, events);
  const room = await call(apiUrl, partner, 'POST', '/chat/rooms', { name: 'notify', memberIds: [userId] });
  for (let i = 0; i < Number(context.vars.notifyMessages); i++) {
    await call(apiUrl, partner, 'POST', '/chat/messages', {
      roomId: room.id,
      message: `@${username} hello ${i}`,
      clientMessageId: randomUUID(),
    });
  }
  context.vars.mentionedAt = performance.now();
}

/**
 * After `subscribe` is acked on /notifications, waits for the first `notification` (the engine counts every
 * event a socket receives, so one replayed before the ack counts too) and records how long after the
 * partner's last send it arrived.
 */
export function awaitNotification(context, events, done) {
  const record = () =>
    events.emit('histogram', 'notifications.delivery_ms', performance.now() - context.vars.mentionedAt);
  if (context.__receivedMessageCount > 0) {
    record();
    return done();
  }
  const socket = context.sockets['/notifications'];
  const timer = setTimeout(() => {
    socket.off('notification', received);
    done(new Error('no notification within 10 s'));
  }, 10_000);
  function received() {
    clearTimeout(timer);
    record();
    done();
  }
  socket.once('notification', received);
}

async function signUp(apiUrl, events) {
  const credentials = { username: `load_${randomUUID().slice(0, 12)}`, password: `pw-${randomUUID()}` };
  await call(apiUrl, undefined, 'POST', '/auth/register', credentials);
  const started = performance.now();
  const response = await fetch(`${apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (response.status !== 200) throw new Error(`login: ${response.status} ${await response.text()}`);
  events.emit('histogram', 'setup.login_ms', performance.now() - started);
  const { id } = await response.json();
  const cookie = response.headers
    .getSetCookie()
    .find((c) => c.startsWith('sid='))
    ?.split(';')[0];
  const { token } = await call(apiUrl, { cookie }, 'GET', '/auth/session-token');
  return { id, cookie, token };
}

async function call(apiUrl, user, method, path, body) {
  const headers = {
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...(user?.cookie ? { cookie: user.cookie } : {}),
  };
  const response = await fetch(`${apiUrl}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
