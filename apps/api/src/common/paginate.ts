import { type FlatKind, parsePrn, parseReference } from '@app/core';
import { Type as Class } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Request } from 'express';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { applyLabelSelect } from './labels';
import { LabeledListQuery, ListQuery, NamedListQuery } from './list-query.dto';
import { FieldErrors } from './problem';

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

const DEFAULT_LIMIT = 100;

/** A named response class `Paginated<Item>` for the OpenAPI document. */
export function Paginated<T>(item: Class<T>): Class<Page<T>> {
  class PaginatedResponse {
    @ApiProperty({ description: 'Total number of results matching the filters.', type: 'integer' })
    count: number;

    @ApiProperty({ description: 'URL of the next page, or null.', type: String, nullable: true })
    next: string | null;

    @ApiProperty({ description: 'URL of the previous page, or null.', type: String, nullable: true })
    previous: string | null;

    @ApiProperty({ type: [item] })
    results: T[];
  }
  Object.defineProperty(PaginatedResponse, 'name', { value: `Paginated${item.name}` });
  return PaginatedResponse;
}

/** Applies `ordering` (API field name → SQL expression), falling back to `fallback`. */
export function applyOrdering<E extends ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  ordering: string | undefined,
  fields: Record<string, string>,
  fallback: string,
): void {
  const terms = (ordering ?? fallback).split(',');
  const unknown = terms.map((t) => t.replace(/^-/, '')).filter((name) => !(name in fields));
  if (unknown.length) {
    throw FieldErrors.of(
      'ordering',
      `unknown field(s) ${unknown.join(', ')}; allowed: ${Object.keys(fields).join(', ')}`,
    );
  }
  terms.forEach((term, i) => {
    const column = fields[term.replace(/^-/, '')]!;
    const direction = term.startsWith('-') ? 'DESC' : 'ASC';
    if (i === 0) qb.orderBy(column, direction);
    else qb.addOrderBy(column, direction);
  });
}

/**
 * What every list of named, labelled objects (remotes, repositories, distributions, exporters, importers) takes:
 * the name filters, `pulp_href__in`/`prn__in`, `pulp_label_select` and `ordering` (by name unless asked).
 */
export function applyNamedListQuery<E extends ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  query: LabeledListQuery,
  kind: FlatKind,
  ordering: Record<string, string>,
): void {
  applyNameFilters(qb, query);
  applyReferenceFilters(qb, query, kind);
  applyLabelSelect(qb, query.pulp_label_select);
  applyOrdering(qb, query.ordering, ordering, 'name');
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function applyNameFilters<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, query: NamedListQuery): void {
  const name = `${qb.alias}.name`;
  if (query.name !== undefined) qb.andWhere(`${name} = :name`, { name: query.name });
  if (query.name__in !== undefined) qb.andWhere(`${name} = ANY(:nameIn)`, { nameIn: query.name__in });
  if (query.name__startswith !== undefined) {
    qb.andWhere(`${name} LIKE :nameStarts ESCAPE '\\'`, { nameStarts: `${likeEscape(query.name__startswith)}%` });
  }
  if (query.name__contains !== undefined) {
    qb.andWhere(`${name} LIKE :nameHas ESCAPE '\\'`, { nameHas: `%${likeEscape(query.name__contains)}%` });
  }
  if (query.name__icontains !== undefined) {
    qb.andWhere(`${name} ILIKE :nameLike ESCAPE '\\'`, { nameLike: `%${likeEscape(query.name__icontains)}%` });
  }
}

/**
 * `pulp_href__in` (hrefs or prns) and `prn__in` (prns only, as in Pulp) on a list of objects of `kind`.
 * A value that names no object of this kind is a 400 naming the parameter, so a typo is not an empty page.
 */
export function applyReferenceFilters<E extends ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  query: ListQuery,
  kind: FlatKind,
): void {
  const ids = (parameter: 'pulp_href__in' | 'prn__in', values: string[]) =>
    values.map((value) => {
      const id = parameter === 'prn__in' ? parsePrn(kind, value) : parseReference(kind, value);
      if (!id)
        throw FieldErrors.of(
          parameter,
          `${JSON.stringify(value)} is not a ${kind} ${parameter === 'prn__in' ? 'prn' : 'href or prn'}`,
        );
      return id;
    });
  if (query.pulp_href__in !== undefined) {
    qb.andWhere(`${qb.alias}.id = ANY(CAST(:hrefIds AS uuid[]))`, {
      hrefIds: ids('pulp_href__in', query.pulp_href__in),
    });
  }
  if (query.prn__in !== undefined) {
    qb.andWhere(`${qb.alias}.id = ANY(CAST(:prnIds AS uuid[]))`, { prnIds: ids('prn__in', query.prn__in) });
  }
}

/** Runs the query for one page and builds the Pulp-style envelope with next/previous links. */
export async function paginate<E extends ObjectLiteral, T>(
  qb: SelectQueryBuilder<E>,
  query: ListQuery,
  req: Request,
  present: (rows: E[]) => T[] | Promise<T[]>,
): Promise<Page<T>> {
  const { limit, offset } = pageWindow(query);
  const [rows, count] = await qb.skip(offset).take(limit).getManyAndCount();
  return pageOf(query, req, count, await present(rows));
}

/** The `limit` and `offset` a list query asks for, defaults applied. */
export function pageWindow(query: ListQuery): { limit: number; offset: number } {
  return { limit: query.limit ?? DEFAULT_LIMIT, offset: query.offset ?? 0 };
}

/** The Pulp-style envelope of one page whose rows the caller fetched itself. */
export function pageOf<T>(query: ListQuery, req: Request, count: number, results: T[]): Page<T> {
  const { limit, offset } = pageWindow(query);
  const link = (at: number) => {
    const url = new URL(req.originalUrl, 'http://placeholder');
    url.searchParams.set('limit', String(limit));
    url.searchParams.set('offset', String(at));
    return `${url.pathname}${url.search}`;
  };
  return {
    count,
    next: offset + limit < count ? link(offset + limit) : null,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    results,
  };
}
