/**
 * The one SQL condition for "this `repository_content` row is content of version `number`": membership is the
 * range [version_added, version_removed), the upper end open while the unit is still present.
 *
 * `number` is an SQL expression (`$2`, `:n`, `v.number`); `alias` names the `repository_content` row (empty
 * for none). Both are written by code, never taken from a request.
 */
export function inVersion(number: string, alias = 'rc'): string {
  const column = alias ? `${alias}.` : '';
  return `${column}version_added <= ${number} AND (${column}version_removed IS NULL OR ${column}version_removed > ${number})`;
}
