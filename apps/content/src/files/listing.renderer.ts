import { encodePath, escapeHtml } from '../http/html';
import type { ListingEntry } from './content-node';
import type { ListingPage } from './listing-page';

/** A directory listing: JSON for scripts (`Accept: application/json`), HTML for people, one `page` of it. */
export function renderListing(
  path: readonly string[],
  all: readonly ListingEntry[],
  json: boolean,
  page?: ListingPage,
): { body: Buffer; contentType: string } {
  const entries = json || !page ? all : page.entries;
  const base = `/pulp/content/${path.length ? `${encodePath(path)}/` : ''}`;
  const items = entries.map((entry) => ({
    ...entry,
    href: `${base}${encodePath([entry.name])}${entry.type === 'directory' ? '/' : ''}`,
  }));
  if (json) {
    return {
      body: Buffer.from(JSON.stringify({ path: base, entries: items })),
      contentType: 'application/json',
    };
  }
  const title = `Index of ${escapeHtml(base)}`;
  const rows = items.map((item) => {
    const label = escapeHtml(item.name + (item.type === 'directory' ? '/' : ''));
    const size = item.size === undefined ? '' : ` <small>${item.size} bytes</small>`;
    return `<li><a href="${escapeHtml(item.href)}">${label}</a>${size}</li>`;
  });
  const up = path.length > 1 ? `/pulp/content/${encodePath(path.slice(0, -1))}/` : '/pulp/content/';
  const parent = path.length ? [`<li><a href="${escapeHtml(up)}">../</a></li>`] : [];
  const html = [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${title}</title></head><body>`,
    `<h1>${title}</h1>`,
    '<ul>',
    ...parent,
    ...rows,
    '</ul>',
    ...(page && page.pages > 1 ? [pageLinks(page)] : []),
    '</body></html>',
    '',
  ].join('\n');
  return { body: Buffer.from(html), contentType: 'text/html; charset=utf-8' };
}

function pageLinks({ number, pages }: ListingPage): string {
  const previous = number > 1 ? `<a rel="prev" href="?page=${number - 1}">previous</a> ` : '';
  const next = number < pages ? ` <a rel="next" href="?page=${number + 1}">next</a>` : '';
  return `<p>${previous}Page ${number} of ${pages}${next}</p>`;
}
