/**
 * Marks an operation that needs no credentials (set by `@Public()`); the document's post-processing turns it
 * into `security: []` and removes the mark.
 */
export const PUBLIC_OPERATION = 'x-bootdepot-public';
