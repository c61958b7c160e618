import type { Manager, Socket } from 'socket.io-client';
import { checkerFromEnv, formatViolation, type ContractChecker } from '@chatrt/contracts/conformance';

let checker: ContractChecker | undefined | null = null;

/** The harness's checker when `CONTRACT_CHECK=strict` (the test suites set it), created on first use. */
function harnessChecker(): ContractChecker | undefined {
  if (checker === null) {
    checker = checkerFromEnv(process.env, (violation) => {
      console.error(`contract violation: ${formatViolation(violation)}`);
    });
  }
  return checker;
}

// Socket.IO packet types (socket.io-parser's PacketType).
const EVENT = 2;
const ACK = 3;
const CONNECT_ERROR = 4;
const BINARY_EVENT = 5;
const BINARY_ACK = 6;

type SocketIoPacket = { type: number; nsp: string; data?: unknown; id?: number };

const checkedManagers = new WeakSet<Manager>();
let managerCount = 0;

/** The manager's packet decoder, which it keeps across reconnections. */
type PacketDecoder = { on(event: 'decoded', listener: (packet: SocketIoPacket) => void): void };

/**
 * Checks every Socket.IO packet of `socket`'s connection against asyncapi.yaml: events both ways, acks and
 * CONNECT_ERROR data. Incoming packets are read from the manager's decoder as decoded (its public `packet`
 * event comes a tick later, after the socket has rewritten acks for `timeout()` callers); outgoing ones
 * where the manager encodes them (`_packet`), the one place that has an event's ack id.
 */
export function checkSocketFrames(socket: Socket): void {
  const check = harnessChecker();
  const manager = socket.io;
  if (!check || checkedManagers.has(manager)) return;
  checkedManagers.add(manager);
  const connection = `manager-${(managerCount += 1)}`;
  (manager as unknown as { decoder: PacketDecoder }).decoder.on('decoded', (packet) => {
    const args = Array.isArray(packet.data) ? packet.data : [];
    if (packet.type === EVENT || packet.type === BINARY_EVENT) check.serverEvent(packet.nsp, args[0], args.slice(1));
    else if ((packet.type === ACK || packet.type === BINARY_ACK) && packet.id !== undefined)
      check.ack(connection, packet.nsp, packet.id, args);
    else if (packet.type === CONNECT_ERROR) check.connectError(packet.nsp, packet.data);
  });
  const send = manager._packet.bind(manager);
  manager._packet = (packet) => {
    const outgoing = packet as Partial<SocketIoPacket>;
    if ((outgoing.type === EVENT || outgoing.type === BINARY_EVENT) && Array.isArray(outgoing.data)) {
      check.clientEvent(connection, outgoing.nsp ?? '/', outgoing.data[0], outgoing.data.slice(1), outgoing.id);
    }
    send(packet);
  };
}

/** Checks one REST exchange the harness made against openapi.yaml (`responseText` as received). */
export function checkRestExchange(
  method: string,
  url: string,
  requestBody: unknown,
  response: Response,
  responseText: string,
): void {
  const check = harnessChecker();
  if (!check) return;
  const contentType = response.headers.get('content-type');
  let responseBody: unknown = responseText === '' ? undefined : responseText;
  if (contentType?.includes('json') && responseText !== '') {
    try {
      responseBody = JSON.parse(responseText) as unknown;
    } catch {
      // Left as text: the JSON schema then reports it.
    }
  }
  const { pathname, search } = new URL(url);
  check.restExchange({
    method,
    url: `${pathname}${search}`,
    requestBody,
    status: response.status,
    contentType,
    responseBody,
  });
}
