import { describe, it, expect, beforeAll } from 'vitest';
import {
  expectIntactAfterFuzz,
  FuzzFailures,
  startFuzzFixture,
  type FuzzFixture,
} from '../src/testing/fuzz/fuzz-fixture.ts';
import { malformedFrames, tryRawFrame } from '../src/testing/fuzz/raw-frames.ts';
import { generatedCases, runSocketCases, socketCases } from '../src/testing/fuzz/socket-cases.ts';

describe('fuzz: hostile socket events, payloads and packets are refused with codes and change nothing', () => {
  let fixture: FuzzFixture;
  /** Cases tried, per kind, printed at the end. */
  const tried = { socketFrames: 0, rawPackets: 0 };

  beforeAll(async () => {
    fixture = await startFuzzFixture();
    return () => fixture.env.stop();
  });

  it('acks every frame with a code: unknown names, spoiled payloads, odd arguments, generated input', async () => {
    const failures = new FuzzFailures();
    const cases = [...socketCases(fixture.valid), ...generatedCases(fixture.valid)];
    tried.socketFrames += cases.length;
    const dropped = await runSocketCases(fixture.alice, cases, failures);
    expect(dropped).toEqual([]);
    expect(failures.list).toEqual([]);
  });

  /**
   * Frames no client library sends, each on a hand-spoken websocket joined to /chat. Each must end in a coded
   * answer or a clean close, never a hang: when the connection stays open, a ping right after must still be
   * answered, and every answer must be coded.
   */
  it('answers or cleanly closes on every malformed Engine.IO/Socket.IO packet, huge or deep frame', async () => {
    const frames = malformedFrames(fixture.target.id);
    const problems: string[] = [];
    tried.rawPackets += frames.length;
    // Each frame on its own connection (many close it), eight connections at a time.
    for (let i = 0; i < frames.length; i += 8) {
      await Promise.all(
        frames
          .slice(i, i + 8)
          .map((frame) => tryRawFrame(fixture.env.stack.urls.socket, fixture.token, frame, problems)),
      );
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('stored nothing hostile, every service is still up, and normal use still works (with NFC text)', async () => {
    console.log(`fuzz: ${tried.socketFrames} socket frames, ${tried.rawPackets} raw Engine.IO/Socket.IO packets tried`);
    await expectIntactAfterFuzz(fixture);
  });
});
