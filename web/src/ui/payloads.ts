// json/plain payload helpers: the data is base64 of the UTF-8 JSON text, as in Temporal's JSON proto form.

export interface Payload {
  metadata?: Record<string, string>;
  data?: string;
}

const JSON_PLAIN = 'json/plain';

function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(base64: string): string {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

/** Encodes one value as a json/plain payload. */
export function encodePayload(value: unknown): Payload {
  return { metadata: { encoding: toBase64(JSON_PLAIN) }, data: toBase64(JSON.stringify(value ?? null)) };
}

/** Decodes a list of payloads (accepts `{payloads: [...]}` or an array); non-JSON payloads come back as text. */
export function decodePayloads(payloads: { payloads?: Payload[] } | Payload[] | null | undefined): unknown[] {
  const list = Array.isArray(payloads) ? payloads : (payloads?.payloads ?? []);
  return list.map(decodePayload);
}

export function decodePayload(payload: Payload): unknown {
  const encoding = payload.metadata?.encoding ? fromBase64(payload.metadata.encoding) : '';
  const text = payload.data ? fromBase64(payload.data) : '';
  if (encoding === 'binary/null' || (!payload.data && encoding !== JSON_PLAIN)) return null;
  if (encoding === JSON_PLAIN) return text === '' ? null : JSON.parse(text);
  return text;
}
