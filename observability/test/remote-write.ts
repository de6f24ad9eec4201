/**
 * A dependency-free Prometheus remote-write (v1) payload builder:
 * protobuf `prometheus.WriteRequest`, compressed with the snappy BLOCK format
 * (literal-only encoding, which every snappy decoder accepts).
 */

export interface RemoteWriteSeries {
  labels: Record<string, string>; // must include __name__
  samples: { value: number; timestampMs: number }[];
}

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

const enc = new TextEncoder();

function lengthDelimited(field: number, payload: Uint8Array | number[]): number[] {
  return [(field << 3) | 2, ...varint(payload.length), ...payload];
}

function encodeLabel(name: string, value: string): number[] {
  return [...lengthDelimited(1, enc.encode(name)), ...lengthDelimited(2, enc.encode(value))];
}

function encodeSample(value: number, timestampMs: number): number[] {
  const dbl = new Uint8Array(8);
  new DataView(dbl.buffer).setFloat64(0, value, true);
  return [(1 << 3) | 1, ...dbl, (2 << 3) | 0, ...varint(timestampMs)];
}

/** Protobuf-encoded WriteRequest. Labels are sorted by name, as the spec requires. */
export function encodeWriteRequest(series: RemoteWriteSeries[]): Uint8Array {
  const out: number[] = [];
  for (const s of series) {
    const ts: number[] = [];
    for (const name of Object.keys(s.labels).sort()) {
      ts.push(...lengthDelimited(1, encodeLabel(name, s.labels[name] ?? "")));
    }
    for (const sample of s.samples) {
      ts.push(...lengthDelimited(2, encodeSample(sample.value, sample.timestampMs)));
    }
    out.push(...lengthDelimited(1, ts));
  }
  return Uint8Array.from(out);
}

/** Snappy block format using literals only (valid, just not smaller). */
export function snappyLiteralCompress(input: Uint8Array): Uint8Array<ArrayBuffer> {
  const out: number[] = [...varint(input.length)];
  for (let i = 0; i < input.length; i += 65536) {
    const chunk = input.subarray(i, Math.min(i + 65536, input.length));
    const n = chunk.length - 1;
    if (n < 60) out.push(n << 2);
    else if (n < 256) out.push(60 << 2, n);
    else out.push(61 << 2, n & 0xff, n >> 8);
    out.push(...chunk);
  }
  return Uint8Array.from(out);
}

/** Body + headers for `POST /api/v1/write`. */
export function remoteWriteRequest(series: RemoteWriteSeries[]): {
  body: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
} {
  return {
    body: snappyLiteralCompress(encodeWriteRequest(series)),
    headers: {
      "content-type": "application/x-protobuf",
      "content-encoding": "snappy",
      "x-prometheus-remote-write-version": "0.1.0",
      "user-agent": "honeydue-observability-test",
    },
  };
}
