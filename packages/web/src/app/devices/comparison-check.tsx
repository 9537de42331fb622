/**
 * The comparison code both devices show before a link completes. The person
 * confirms they match; a server in the middle would make them differ.
 */
export interface ComparisonCheckProps {
  code: string;
  /** How the other device is named in the question ("the new device", "your other device"). */
  other: string;
  busy: boolean;
  onMatch: () => void;
  onDiffer: () => void;
}

/** @example <ComparisonCheck code="123 456" other="the new device" busy={false} onMatch={ok} onDiffer={stop} /> */
export function ComparisonCheck({ code, other, busy, onMatch, onDiffer }: ComparisonCheckProps) {
  return (
    <div class="comparison">
      <p>Does {other} show this same code?</p>
      <p class="comparison-code" data-testid="comparison-code">
        {code}
      </p>
      <button type="button" disabled={busy} onClick={onMatch}>
        They match — link it
      </button>{' '}
      <button type="button" class="danger" disabled={busy} onClick={onDiffer}>
        They differ — stop
      </button>
    </div>
  );
}
