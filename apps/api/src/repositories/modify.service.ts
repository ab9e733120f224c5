import { type ContentReferenceKind, hrefs, parseContentReference, parseVersionReference } from '@app/core';
import { TaskDispatcher } from '@app/dispatch';
import { ContentRepository, RepositoryVersionEntity, RepositoryVersionsRepository } from '@app/domain';
import type { ModifyArgs } from '@app/queue';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FieldErrors } from '../common/problem';
import { TaskStartedResponse } from './dto/repository.dto';
import { ModifyRequest } from './dto/modify.dto';
import { RepositoriesService } from './repositories.service';

/**
 * Validates a modify request as far as it can before dispatching (every reference resolves to a unit of
 * the kind it names, the base version exists, no tag-name clash), so a caller's mistake is a 400 naming the
 * field and the offending values rather than a failed task; the task checks again against what it finds.
 */
@Injectable()
export class ModifyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly content: ContentRepository,
    private readonly versions: RepositoryVersionsRepository,
    private readonly repositories: RepositoriesService,
    private readonly dispatcher: TaskDispatcher,
  ) {}

  async modify(repositoryId: string, body: ModifyRequest): Promise<TaskStartedResponse> {
    await this.repositories.find(repositoryId);
    const errors: Record<string, string[]> = {};
    const fail = (field: string, message: string) => (errors[field] = [...(errors[field] ?? []), message]);

    const add = await this.resolveUnits('add_content_units', body.add_content_units ?? [], fail);
    const removeRefs = body.remove_content_units ?? [];
    let remove: string[] = [];
    if (removeRefs.includes('*')) {
      if (removeRefs.length > 1) fail('remove_content_units', 'give either "*" alone or content units, not both');
      else remove = ['*'];
    } else {
      remove = await this.resolveUnits('remove_content_units', removeRefs, fail);
    }
    const baseVersion = body.base_version === undefined ? null : await this.resolveVersion(body.base_version);
    if (body.base_version !== undefined && !baseVersion) {
      fail('base_version', `no repository version at ${JSON.stringify(body.base_version)}`);
    }
    if (Object.keys(errors).length) throw new FieldErrors(errors);

    const overwrite = body.overwrite ?? true;
    const clash = await this.tagClash(repositoryId, add, remove, baseVersion, overwrite);
    if (clash) throw FieldErrors.of('add_content_units', clash);

    const args: ModifyArgs = { repositoryId, addContentIds: add, removeContentIds: remove, baseVersion, overwrite };
    const task = await this.dispatcher.dispatch('modify', args);
    return { task: hrefs.task(task.id) };
  }

  /** Ids of the units `refs` name; every reference that is not a unit of the kind it says is reported by name. */
  private async resolveUnits(
    field: string,
    refs: readonly string[],
    fail: (field: string, message: string) => void,
  ): Promise<string[]> {
    const parsed = refs.map((ref) => ({ ref, unit: parseContentReference(ref) }));
    const malformed = parsed.filter((p) => !p.unit).map((p) => p.ref);
    if (malformed.length) {
      fail(
        field,
        `not the href or PRN of a blob, manifest or tag: ${malformed.map((r) => JSON.stringify(r)).join(', ')}`,
      );
    }
    const units = parsed.filter(
      (p): p is { ref: string; unit: { kind: ContentReferenceKind; id: string } } => !!p.unit,
    );
    const kinds = await this.content.kindsOf(units.map((u) => u.unit.id));
    const unknown = units.filter((u) => kinds.get(u.unit.id) !== u.unit.kind).map((u) => u.ref);
    if (unknown.length) fail(field, `no such content units: ${unknown.map((r) => JSON.stringify(r)).join(', ')}`);
    return [...new Set(units.map((u) => u.unit.id))];
  }

  private async resolveVersion(ref: string): Promise<{ repositoryId: string; number: number } | null> {
    const where = parseVersionReference(ref);
    if (!where) return null;
    const version = await this.dataSource.getRepository(RepositoryVersionEntity).findOne({ where });
    return version ? { repositoryId: version.repositoryId, number: version.number } : null;
  }

  /**
   * The message for a tag name the new version would hold twice, or null: two added tags of one name, or
   * (overwrite false) an added tag whose name a tag of the starting content that is not removed already has.
   */
  private async tagClash(
    repositoryId: string,
    add: string[],
    remove: string[],
    base: { repositoryId: string; number: number } | null,
    overwrite: boolean,
  ): Promise<string | null> {
    if (!add.length) return null;
    const twice = await this.content.tagNameSharedBy(add);
    if (twice !== null) return `two tags named ${JSON.stringify(twice)} that point at different manifests`;
    if (overwrite) return null;
    const start = base ?? {
      repositoryId,
      number: (await this.versions.latestNumbers([repositoryId])).get(repositoryId)!,
    };
    const removeAll = remove.includes('*');
    const existing = await this.content.clashingTagName(
      start,
      add,
      removeAll ? [] : remove,
      removeAll ? repositoryId : null,
    );
    return existing !== null
      ? `tag ${JSON.stringify(existing)} is already in the version and points at another manifest; ` +
          'overwrite is false, so it is not replaced'
      : null;
  }
}
