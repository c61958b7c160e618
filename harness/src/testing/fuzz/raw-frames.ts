import { RawSocketIo } from '../raw-socket-io.ts';
import { errorCodes } from './fuzz-fixture.ts';

/**
 * Frames no client library sends, for a hand-spoken websocket joined to /chat: malformed Engine.IO and
 * Socket.IO packets, binary frames, acks for nothing, unknown namespaces, oversized and deeply nested frames.
 */
export function malformedFrames(roomId: string): Array<string | Uint8Array> {
  const room = JSON.stringify(roomId);
  return [
    ...['', 'x', '9', '7', '5', '6', '1', '0', '0{}', '2probe', '3', '4', '48', '4x', '4-1'],
    ...['40', '40/chat,', '40/nope,{}', '40/chat,{"token":1}', '41/chat,', '41', '44/chat,{"message":"x"}'],
    ...['42/chat,', '42/chat,{', '42/chat,"sendMessage"', '42/chat,[]', '42/chat,[1,2]', '42/chat,[null]'],
    ...['42/chat,{"a":1}', '42/chat,1["ping"]', '42/chat,-1["ping",{}]', '42/chat,99999999999999999999999["ping",{}]'],
    ...['42/chat,1.5["ping",{}]', '42/chat,7["sendMessage"', '42/chat,7["__proto__",{}]'],
    ...['42/chat,7["constructor",{}]', '42["ping",{}]', '42/nope,7["ping",{}]', '43/chat,5[{"ok":true}]'],
    '43/chat,[]',
    '451-/chat,7["sendMessage",{"_placeholder":true,"num":0}]',
    '451-/chat,7["sendMessage",{"_placeholder":true,"num":5}]',
    ...['46/chat,', '49/chat,7[]', '4\u0000', '4\uD800'],
    `42/chat,7["sendMessage",{"roomId":${room},"message":"${'x'.repeat(70_000)}","clientMessageId":"big"}]`,
    `42/chat,7["sendMessage",${'['.repeat(5000)}${']'.repeat(5000)}]`,
    `42/chat,7["sendMessage",${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}]`,
    `42/chat,7["joinRoom",{"roomId":${room},"afterSeq":${'9'.repeat(400)}}]`,
    new Uint8Array([0xff, 0x00, 0x01, 0x02]),
    new Uint8Array(70_000),
  ];
}

/**
 * An answer to a raw frame: an ack must be a coded refusal or a pong (the list has valid pings), a
 * CONNECT_ERROR must carry a code, except Socket.IO's own `Invalid namespace` for a namespace the gateway
 * does not serve.
 */
function checkRawAnswer(what: string, reply: string, problems: string[]): void {
  const body = JSON.parse(reply.slice(reply.search(/[[{]/))) as
    [{ ok?: boolean; serverTime?: string; error?: { code?: string } } | undefined] | { message?: string };
  if (Array.isArray(body)) {
    const [ack] = body;
    const coded = ack?.ok === false && errorCodes.has(ack.error?.code ?? '');
    if (!coded && !(ack?.ok === true && typeof ack.serverTime === 'string'))
      problems.push(`${what}: answered without a code: ${reply.slice(0, 200)}`);
  } else if (!errorCodes.has(body.message ?? '') && body.message !== 'Invalid namespace') {
    problems.push(`${what}: refused without a code: ${reply.slice(0, 200)}`);
  }
}

/**
 * Sends `frame` on a connection of its own joined to /chat (with `token`), then a ping: the frame must end in
 * a coded answer or a clean close, never a hang. Adds what went wrong to `problems`.
 */
export async function tryRawFrame(
  socketUrl: string,
  token: string,
  frame: string | Uint8Array,
  problems: string[],
): Promise<void> {
  const what = `raw ${typeof frame === 'string' ? JSON.stringify(frame.slice(0, 60)) : `binary(${frame.length})`}`;
  const socket = await RawSocketIo.open(socketUrl);
  try {
    const joined = await socket.join('/chat', token);
    if (!joined?.startsWith('40/chat,{"sid"')) throw new Error(`could not join /chat: ${joined}`);
    socket.send(frame);
    socket.send('42/chat,900["ping",{}]');
    let answered = false;
    for (
      let reply = await socket.next(5000);
      reply !== undefined && !answered;
      reply = socket.closed ? undefined : await socket.next(5000)
    ) {
      if (reply.startsWith('43/chat,900[')) answered = true;
      else if (reply.startsWith('43/chat,') || reply.startsWith('44')) checkRawAnswer(what, reply, problems);
    }
    if (!answered && !(await socket.waitClosed(2000))) problems.push(`${what}: neither answered nor closed (hangs)`);
  } finally {
    socket.close();
  }
}
