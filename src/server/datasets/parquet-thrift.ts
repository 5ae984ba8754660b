/**
 * Just enough of Thrift's compact protocol to read a Parquet page header: a struct becomes a map
 * from field id to value (integers as numbers, nested structs as maps); lists, strings and other
 * fields a page header may carry (statistics, CRC) are read past.
 */
export type ThriftStruct = Map<number, number | boolean | ThriftStruct>;

export interface ByteReader {
  bytes: Uint8Array;
  offset: number;
}

const BOOL_TRUE = 1;
const BOOL_FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;

export function readStruct(reader: ByteReader): ThriftStruct {
  const out: ThriftStruct = new Map();
  let field = 0;
  for (;;) {
    if (reader.offset >= reader.bytes.length) throw new Error('page header ends inside a struct');
    const head = reader.bytes[reader.offset++]!;
    const type = head & 0x0f;
    if (type === 0) return out;
    const delta = head >> 4;
    field = delta ? field + delta : zigzag(readVarint(reader));
    const value = readValue(reader, type);
    if (value !== undefined) out.set(field, value);
  }
}

function readValue(reader: ByteReader, type: number): number | boolean | ThriftStruct | undefined {
  switch (type) {
    case BOOL_TRUE:
      return true;
    case BOOL_FALSE:
      return false;
    case BYTE:
      return reader.bytes[reader.offset++]!;
    case I16:
    case I32:
    case I64:
      return zigzag(readVarint(reader));
    case DOUBLE:
      reader.offset += 8;
      return undefined;
    case BINARY:
      reader.offset += readVarint(reader);
      return undefined;
    case LIST:
    case SET: {
      const head = reader.bytes[reader.offset++]!;
      const size = head >> 4 === 15 ? readVarint(reader) : head >> 4;
      for (let i = 0; i < size; i++) skipElement(reader, head & 0x0f);
      return undefined;
    }
    case MAP: {
      const size = readVarint(reader);
      if (size === 0) return undefined;
      const types = reader.bytes[reader.offset++]!;
      for (let i = 0; i < size; i++) {
        skipElement(reader, types >> 4);
        skipElement(reader, types & 0x0f);
      }
      return undefined;
    }
    case STRUCT:
      return readStruct(reader);
    default:
      throw new Error(`unknown thrift type ${type} in a page header`);
  }
}

/** In lists, booleans take a byte each (unlike struct fields, where the type carries the value). */
function skipElement(reader: ByteReader, type: number): void {
  if (type === BOOL_TRUE || type === BOOL_FALSE) reader.offset++;
  else readValue(reader, type);
}

/** Unsigned LEB128. Page header integers fit in 53 bits, so plain numbers are enough. */
export function readVarint(reader: ByteReader): number {
  let result = 0;
  let scale = 1;
  for (;;) {
    const byte = reader.bytes[reader.offset++]!;
    result += (byte & 0x7f) * scale;
    if (byte < 0x80) return result;
    scale *= 128;
  }
}

function zigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}
