// The baseline the gateway is compared with: a bare Socket.IO server (same library, same websocket
// transport) with no auth, no persistence and no NATS. `joinRoom` joins a Socket.IO room; `sendMessage`
// broadcasts `message` to the room at once and acks. Run as its own process (so its RSS is its own);
// prints its port on stdout.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { transports: ['websocket'], maxHttpBufferSize: 65_536 });
const seqs = new Map<string, number>();

io.of('/chat').on('connection', (socket) => {
  socket.on('joinRoom', (request: { roomId: string }, ack: (reply: unknown) => void) => {
    void socket.join(request.roomId);
    ack({ ok: true });
  });
  socket.on('sendMessage', (request: { roomId: string; message: string }, ack: (reply: unknown) => void) => {
    const seq = (seqs.get(request.roomId) ?? 0) + 1;
    seqs.set(request.roomId, seq);
    io.of('/chat').to(request.roomId).emit('message', { roomId: request.roomId, seq, message: request.message });
    ack({ ok: true, message: { seq } });
  });
});

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  console.log(typeof address === 'object' && address ? address.port : 0);
});
process.on('SIGTERM', () => {
  io.close(() => process.exit(0)).catch((err: unknown) => {
    console.error('closing the Socket.IO server failed:', err);
    process.exit(1);
  });
});
