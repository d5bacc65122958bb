// CRC-32 (IEEE 802.3, the polynomial zlib uses) over the UTF-16 code units of
// a string, each fed low byte first. Used by the IndexedDB store to notice a
// record that is not what it wrote; it is not a cryptographic check.
const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 of the strings' UTF-16 code units, as if concatenated; an unsigned 32-bit integer. */
export function crc32Text(...parts: string[]): number {
  let crc = -1;
  for (const text of parts) {
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      crc = TABLE[(crc ^ unit) & 0xff]! ^ (crc >>> 8);
      crc = TABLE[(crc ^ (unit >>> 8)) & 0xff]! ^ (crc >>> 8);
    }
  }
  return (crc ^ -1) >>> 0;
}
