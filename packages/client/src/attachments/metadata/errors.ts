import { ClientError } from '../../errors.js';

/** A picture we could not parse is not sent: we cannot promise it carries no location. */
export function unreadableImage(kind: string, why: string): never {
  throw new ClientError(
    'InvalidContent',
    `this ${kind} image could not be cleaned of its metadata (${why}), so it was not sent; send it as a document in a ZIP file, or re-save it first`,
  );
}
