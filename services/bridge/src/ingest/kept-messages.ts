import type { IHeaders } from 'kafkajs';

/** What dead-lettering a message needs (dead-letter.producer.ts). */
export interface DeadLetterMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
  offset: string;
}

/**
 * A batch's messages as the bridge keeps them until the batch is stored
 * (to dead-letter those storage refuses), copied out of the fetch response.
 * kafkajs decodes keys and values as Buffer slices of the whole response,
 * so keeping one message would keep the response of every partition it
 * brought: here the keys and values of a batch share one copy of their own
 * bytes (one allocation and a memcpy per message), and headers, rare, are
 * copied per message.
 */
export class KeptMessages {
  private readonly bytes: Buffer;
  /** Per message: key start, key end, value start, value end in `bytes`; -1 for a null key or value. */
  private readonly bounds: Int32Array;
  private readonly offsets: string[];
  private readonly headers: Array<IHeaders | undefined> | undefined;

  constructor(messages: ReadonlyArray<DeadLetterMessage>) {
    let total = 0;
    let withHeaders = false;
    for (const m of messages) {
      total += (m.key?.length ?? 0) + (m.value?.length ?? 0);
      if (m.headers !== undefined && Object.keys(m.headers).length > 0) withHeaders = true;
    }
    this.bytes = Buffer.allocUnsafeSlow(total);
    this.bounds = new Int32Array(messages.length * 4);
    this.offsets = new Array<string>(messages.length);
    let at = 0;
    const put = (slot: number, part: Buffer | null): void => {
      if (part === null) {
        this.bounds[slot] = -1;
        this.bounds[slot + 1] = -1;
        return;
      }
      this.bounds[slot] = at;
      at += part.copy(this.bytes, at);
      this.bounds[slot + 1] = at;
    };
    for (let i = 0; i < messages.length; i += 1) {
      const m = messages[i]!;
      put(i * 4, m.key);
      put(i * 4 + 2, m.value);
      this.offsets[i] = m.offset;
    }
    this.headers = withHeaders ? messages.map((m) => copyHeaders(m.headers)) : undefined;
  }

  get length(): number {
    return this.offsets.length;
  }

  offset(index: number): string {
    return this.offsets[index]!;
  }

  /** The message at `index` of the batch, as read (views of the copy). */
  message(index: number): DeadLetterMessage {
    const part = (slot: number): Buffer | null =>
      this.bounds[slot] === -1 ? null : this.bytes.subarray(this.bounds[slot], this.bounds[slot + 1]);
    const message: DeadLetterMessage = {
      key: part(index * 4),
      value: part(index * 4 + 2),
      offset: this.offsets[index]!,
    };
    const headers = this.headers?.[index];
    if (headers !== undefined) message.headers = headers;
    return message;
  }
}

function copyHeaders(headers: IHeaders | undefined): IHeaders | undefined {
  if (headers === undefined) return undefined;
  const copy: IHeaders = {};
  const one = (v: Buffer | string): Buffer | string => (typeof v === 'string' ? v : Buffer.from(v));
  for (const [name, value] of Object.entries(headers)) {
    copy[name] = value === undefined ? undefined : Array.isArray(value) ? value.map(one) : one(value);
  }
  return copy;
}
