// A BatchStore for Node: an append-only log file, one record per batch,
// fsync'd before commit() resolves.
//
// File layout (all integers little-endian):
//   file header   8 bytes  "DLABLOG" 0x01
//   record        16-byte header + payload
//     magic        u32  0x44524543 ("CERD" on disk)
//     length       u32  payload bytes
//     payload crc  u32  CRC-32 of the payload
//     header crc   u32  CRC-32 of the 12 bytes before it
//     payload      UTF-8 JSON of the batch (the engine's WriteBatch form)
//
// On load every record is replayed into a snapshot. A crash in the middle of
// an append leaves a torn tail: an incomplete or checksum-failing record with
// no valid record after it. That tail is cut off (with a warning), since the
// batch in it was never acknowledged. A bad record that is followed by valid
// ones is real corruption of acknowledged data, and load() refuses to open.
//
// One process writes a file at a time; the host serializes commits.
import { open, readFile, mkdir, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { applyBatch, emptySnapshot, validateBatch, type BatchStore, type StoreSnapshot, type WriteBatch } from './batch-store.ts';

const FILE_HEADER = Buffer.from([0x44, 0x4c, 0x41, 0x42, 0x4c, 0x4f, 0x47, 0x01]); // "DLABLOG" 1
const RECORD_MAGIC = 0x44524543;
const RECORD_HEADER_BYTES = 16;

export class StoreCorruptionError extends Error {
  readonly code = 'DATA_LOSS';
  constructor(message: string) {
    super(message);
    this.name = 'StoreCorruptionError';
  }
}

export interface NodeFileStoreOptions {
  /** Called when a torn tail is cut off; defaults to process.emitWarning. */
  onWarning?: (message: string) => void;
}

/** Encodes one record (exported for tests that fabricate damaged files). */
export function encodeRecord(batch: WriteBatch): Buffer {
  const payload = Buffer.from(JSON.stringify(batch), 'utf8');
  const header = Buffer.alloc(RECORD_HEADER_BYTES);
  header.writeUInt32LE(RECORD_MAGIC, 0);
  header.writeUInt32LE(payload.length, 4);
  header.writeUInt32LE(crc32(payload), 8);
  header.writeUInt32LE(crc32(header.subarray(0, 12)), 12);
  return Buffer.concat([header, payload]);
}

type RecordCheck =
  | { ok: true; end: number; payload: Buffer }
  | { ok: false; reason: string };

function checkRecord(data: Buffer, at: number): RecordCheck {
  if (data.length - at < RECORD_HEADER_BYTES) return { ok: false, reason: 'incomplete record header' };
  if (data.readUInt32LE(at) !== RECORD_MAGIC) return { ok: false, reason: 'bad record magic' };
  if (data.readUInt32LE(at + 12) !== crc32(data.subarray(at, at + 12))) return { ok: false, reason: 'record header checksum mismatch' };
  const length = data.readUInt32LE(at + 4);
  const start = at + RECORD_HEADER_BYTES;
  if (data.length - start < length) return { ok: false, reason: 'incomplete record payload' };
  const payload = data.subarray(start, start + length);
  if (data.readUInt32LE(at + 8) !== crc32(payload)) return { ok: false, reason: 'record payload checksum mismatch' };
  return { ok: true, end: start + length, payload };
}

/** Is there any intact record starting after `from`? Then the damage is not a torn tail. */
function intactRecordAfter(data: Buffer, from: number): number {
  const magic = Buffer.alloc(4);
  magic.writeUInt32LE(RECORD_MAGIC, 0);
  for (let at = data.indexOf(magic, from + 1); at >= 0; at = data.indexOf(magic, at + 1)) {
    if (checkRecord(data, at).ok) return at;
  }
  return -1;
}

export class NodeFileStore implements BatchStore {
  readonly path: string;
  #options: NodeFileStoreOptions;
  #file: FileHandle | null = null;
  #size = 0; // bytes of intact, durable log
  #queue: Promise<void> = Promise.resolve();
  #broken: Error | null = null;
  #records = 0;

  constructor(path: string, options: NodeFileStoreOptions = {}) {
    this.path = path;
    this.#options = options;
  }

  /** How many batches the log holds. */
  get records(): number {
    return this.#records;
  }

  #warn(message: string): void {
    if (this.#options.onWarning) this.#options.onWarning(message);
    else process.emitWarning(message, { code: 'DURABLE_LAB_STORE_TORN_TAIL' });
  }

  async load(): Promise<StoreSnapshot> {
    if (this.#file) throw new Error(`${this.path}: already loaded`);
    await mkdir(dirname(this.path), { recursive: true });
    let data: Buffer;
    try {
      data = await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      data = Buffer.alloc(0);
    }
    const file = await open(this.path, constants.O_RDWR | constants.O_CREAT, 0o644);
    try {
      const snapshot = emptySnapshot();
      let records = 0;
      let offset: number;
      if (data.length < FILE_HEADER.length && FILE_HEADER.subarray(0, data.length).equals(data)) {
        // New file, or one whose creation was cut short.
        if (data.length > 0) this.#warn(`${this.path}: incomplete file header rewritten`);
        await file.truncate(0);
        await file.write(FILE_HEADER, 0, FILE_HEADER.length, 0);
        await file.sync();
        await syncDirectory(dirname(this.path));
        offset = FILE_HEADER.length;
      } else if (!data.subarray(0, FILE_HEADER.length).equals(FILE_HEADER)) {
        throw new StoreCorruptionError(`${this.path} is not a Durable Lab store log (bad file header)`);
      } else {
        offset = FILE_HEADER.length;
        while (offset < data.length) {
          const record = checkRecord(data, offset);
          if (!record.ok) {
            const later = intactRecordAfter(data, offset);
            if (later >= 0) {
              throw new StoreCorruptionError(
                `${this.path}: record ${records + 1} at byte ${offset} is damaged (${record.reason}) ` +
                  `but an intact record follows at byte ${later}; refusing to open a store that lost committed data`,
              );
            }
            this.#warn(
              `${this.path}: torn tail after record ${records} (${record.reason}); ` +
                `truncating ${data.length - offset} bytes at byte ${offset}`,
            );
            await file.truncate(offset);
            await file.sync();
            break;
          }
          let batch: unknown;
          try {
            batch = JSON.parse(record.payload.toString('utf8'));
            validateBatch(batch);
          } catch (error) {
            throw new StoreCorruptionError(`${this.path}: record ${records + 1} at byte ${offset} has a valid checksum but is not a batch: ${(error as Error).message}`);
          }
          applyBatch(snapshot, batch);
          records += 1;
          offset = record.end;
        }
      }
      this.#file = file;
      this.#size = offset;
      this.#records = records;
      return snapshot;
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  commit(batch: WriteBatch): Promise<void> {
    const result = this.#queue.then(() => this.#append(batch));
    this.#queue = result.catch(() => {});
    return result;
  }

  async #append(batch: WriteBatch): Promise<void> {
    if (this.#broken) throw this.#broken;
    if (!this.#file) throw new Error(`${this.path}: load() must be called before commit()`);
    validateBatch(batch);
    const record = encodeRecord(batch);
    try {
      let written = 0;
      while (written < record.length) {
        const { bytesWritten } = await this.#file.write(record, written, record.length - written, this.#size + written);
        written += bytesWritten;
      }
      await this.#file.sync();
    } catch (error) {
      // The log may now end in a partial record; cut it off so later records
      // do not land after garbage, and refuse further commits either way.
      this.#broken = new Error(`${this.path}: commit failed: ${(error as Error).message}`);
      await this.#file.truncate(this.#size).catch(() => {});
      throw this.#broken;
    }
    this.#size += record.length;
    this.#records += 1;
  }

  async close(): Promise<void> {
    await this.#queue;
    const file = this.#file;
    this.#file = null;
    this.#broken ??= new Error(`${this.path}: store is closed`);
    await file?.close();
  }
}

async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, constants.O_RDONLY);
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
