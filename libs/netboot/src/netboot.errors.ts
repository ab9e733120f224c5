/** A manifest or index bootdepot refuses to use; the message names the offending field and why. */
export class ManifestRejectedError extends Error {
  override readonly name = 'ManifestRejectedError';
}

/** Input to a boot-script or .treeinfo renderer that would break the generated syntax. */
export class UnsafeBootParameterError extends Error {
  override readonly name = 'UnsafeBootParameterError';
}

export class TreeinfoParseError extends Error {
  override readonly name = 'TreeinfoParseError';
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`.treeinfo line ${line}: ${reason}`);
  }
}
