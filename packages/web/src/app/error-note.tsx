/** An error in plain words, announced to screen readers; nothing when there is none. */
export function ErrorNote({ error }: { error: string | null }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}
