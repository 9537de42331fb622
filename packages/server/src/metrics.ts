/**
 * A small hand-written Prometheus registry (text exposition format 0.0.4):
 * counters, gauges read at scrape time, and fixed-bucket histograms. Labels
 * are low-cardinality (route, status, outcome), never identifiers.
 */

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  // Unlabelled counts run per message (stored, delivered, acked): no entries array for them.
  let empty = true;
  for (const _ in labels) {
    empty = false;
    break;
  }
  if (empty) return '';
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** A monotonically increasing count, optionally split by labels. */
export class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [key, v] of this.values) lines.push(`${this.name}${key} ${v}`);
    return lines.join('\n');
  }
}

/** A value read when scraped. */
export class Gauge {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}
  render(): string {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} gauge`,
      `${this.name} ${this.read()}`,
    ].join('\n');
  }
}

/** Observations counted into fixed cumulative buckets. */
export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++)
      if (value <= (this.buckets[i] as number)) this.counts[i] = (this.counts[i] ?? 0) + 1;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => {
      lines.push(`${this.name}_bucket{le="${b}"} ${this.counts[i]}`);
    });
    lines.push(
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.count}`,
    );
    return lines.join('\n');
  }
}

/** Every metric the server exports. */
export class ServerMetrics {
  readonly httpRequests = new Counter('tacet_http_requests_total', 'HTTP requests by route and status.');
  readonly registrations = new Counter('tacet_registrations_total', 'Accounts created.');
  readonly rateLimited = new Counter('tacet_rate_limited_total', 'Requests refused by a rate limiter.');
  readonly authFailures = new Counter(
    'tacet_auth_failures_total',
    'Requests or upgrades with a bad credential.',
  );
  readonly prekeysClaimed = new Counter('tacet_prekeys_claimed_total', 'Prekeys handed out, by kind.');
  readonly messagesStored = new Counter('tacet_messages_stored_total', 'Envelopes durably enqueued.');
  readonly sendsRefused = new Counter('tacet_sends_refused_total', 'Sends refused, by error code.');
  readonly messagesDelivered = new Counter(
    'tacet_messages_delivered_total',
    'Envelopes written to a socket.',
  );
  readonly messagesAcked = new Counter('tacet_messages_acked_total', 'Envelopes deleted after a client ack.');
  readonly messagesExpired = new Counter(
    'tacet_messages_expired_total',
    'Envelopes deleted by the retention sweeper.',
  );
  readonly framesRejected = new Counter(
    'tacet_ws_frames_rejected_total',
    'Malformed WebSocket frames (connection closed).',
  );
  readonly commitBatch = new Histogram(
    'tacet_commit_batch_size',
    'Operations sharing one storage commit.',
    [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  );
  readonly sendLatency = new Histogram(
    'tacet_send_commit_seconds',
    'Time from a send frame to its durable ack.',
    [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  );
  private readonly gauges: Gauge[] = [];

  /** Registers a gauge read at scrape time. */
  gauge(name: string, help: string, read: () => number): void {
    this.gauges.push(new Gauge(name, help, read));
  }

  /** The whole registry in Prometheus text format. */
  render(): string {
    const all = [
      this.httpRequests,
      this.registrations,
      this.rateLimited,
      this.authFailures,
      this.prekeysClaimed,
      this.messagesStored,
      this.sendsRefused,
      this.messagesDelivered,
      this.messagesAcked,
      this.messagesExpired,
      this.framesRejected,
      this.commitBatch,
      this.sendLatency,
      ...this.gauges,
    ];
    return `${all.map((m) => m.render()).join('\n')}\n`;
  }
}
