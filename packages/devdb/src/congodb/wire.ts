// Process-wide corrections to how CongoDB's server reads commands and writes replies (applied once, on the first
// start). They change no byte on the wire, only what each command costs the server.
import { CongoServer, WireProtocol } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import { BsonWriter } from './bson-writer';

const OP_MSG = 2013;
/** Message header (16 bytes), OP_MSG flag bits (4) and the kind of the body section (1). */
const OP_MSG_PREFIX = 21;

interface ConnectionState {
  buffer: Buffer;
}

let applied = false;

export function applyWirePatches(): void {
  if (applied) return;
  applied = true;

  // A reply was serialised by bson into its own buffer, copied into a zero-filled message and copied once more
  // on the way; now it is written once, behind its header, into a buffer every reply reuses, and copied out once
  // (the socket may hold it after write() returns).
  const writer = new BsonWriter();
  const protocol = WireProtocol as unknown as {
    encodeOpMsgResponse(responseTo: number, response: Record<string, unknown>, requestID?: number): Buffer;
  };
  protocol.encodeOpMsgResponse = (responseTo, response, requestID = Math.floor(Math.random() * 0x7fffffff)) => {
    writer.clear();
    writer.reserve(OP_MSG_PREFIX);
    writer.writeDocument(response);
    writer.writeInt32At(0, writer.length);
    writer.writeInt32At(4, requestID);
    writer.writeInt32At(8, responseTo);
    writer.writeInt32At(12, OP_MSG);
    writer.writeInt32At(16, 0);
    writer.writeByteAt(20, 0);
    return Buffer.from(writer.bytes());
  };

  // Every chunk read from a client was appended to what was left of the previous one with Buffer.concat, a copy
  // of each command even when nothing was left (the usual case: one command per chunk).
  const server = CongoServer.prototype as unknown as {
    handleData(state: ConnectionState, data: Buffer): void;
    processMessages(state: ConnectionState): Promise<void>;
  };
  server.handleData = function handleData(this: typeof server, state, data) {
    state.buffer = state.buffer.length === 0 ? data : Buffer.concat([state.buffer, data]);
    void this.processMessages(state);
  };
}
