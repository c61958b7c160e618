import * as hdr from 'hdr-histogram-js';

/** Percentiles of one latency histogram, in milliseconds (recorded in microseconds, 3 significant digits). */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** An HDR histogram of latencies recorded in milliseconds (stored as microseconds up to 10 minutes). */
export function latencyHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

export function recordMs(histogram: hdr.Histogram, ms: number): void {
  histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
}

/** A histogram in the compact form worker threads send back (HdrHistogram's compressed base64). */
export function encodeHistogram(histogram: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/** Sums histograms encoded by `encodeHistogram` (e.g. one per worker). */
export function mergeHistograms(encoded: readonly string[]): hdr.Histogram {
  const merged = latencyHistogram();
  for (const text of encoded) merged.add(hdr.decodeFromCompressedBase64(text));
  return merged;
}

export function summarize(histogram: hdr.Histogram): LatencySummary {
  const ms = (micros: number) => Math.round(micros / 10) / 100;
  if (histogram.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    count: histogram.totalCount,
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
  };
}
