/** Which spec a finding is about. */
export type Spec = 'asyncapi' | 'openapi';

/** A frame, message or response that does not match the specs, or that the specs lack. */
export interface Violation {
  spec: Spec;
  /** What was checked: `/chat ack of sendMessage`, `NATS chat.evt.<room>`, `POST /api/chat/rooms → 201`, … */
  where: string;
  /** JSON pointer of the failing value ('/' for the whole frame). */
  path: string;
  message: string;
}

/** Where a checker reports what it saw. */
export interface ConformanceSink {
  violation(violation: Violation): void;
  /** A spec operation or message that traffic matched (a coverage unit, e.g. `sendMessage` or `/chat messageAck`). */
  exercised(spec: Spec, kind: 'operation' | 'message', unit: string): void;
}
