import { API_ROOT } from '@app/core';
import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { IdParam } from '../common/id-param';
import { FieldsQuery } from '../common/list-query.dto';
import { Page, Paginated } from '../common/paginate';
import { ContentService } from './content.service';
import { BlobResponse, DigestListQuery, ManifestResponse, TagListQuery, TagResponse } from './dto/content.dto';
import { ManifestListQuery } from './dto/manifest-list.query';

@ApiTags('Content: Netboot')
@Controller(`${API_ROOT}/content/netboot`)
export class ContentController {
  constructor(private readonly content: ContentService) {}

  @Get('blobs')
  @ApiOperation({ summary: 'List blobs' })
  @ApiResponse({ status: 200, type: Paginated(BlobResponse) })
  listBlobs(@Query() query: DigestListQuery, @Req() req: Request): Promise<Page<BlobResponse>> {
    return this.content.listBlobs(query, req);
  }

  @Get('blobs/:id')
  @ApiOperation({ summary: 'Inspect a blob' })
  @ApiResponse({ status: 200, type: BlobResponse })
  readBlob(@IdParam() id: string, @Query() _query: FieldsQuery): Promise<BlobResponse> {
    return this.content.getBlob(id);
  }

  @Get('manifests')
  @ApiOperation({ summary: 'List manifests and indexes' })
  @ApiResponse({ status: 200, type: Paginated(ManifestResponse) })
  listManifests(@Query() query: ManifestListQuery, @Req() req: Request): Promise<Page<ManifestResponse>> {
    return this.content.listManifests(query, req);
  }

  @Get('manifests/:id')
  @ApiOperation({ summary: 'Inspect a manifest' })
  @ApiResponse({ status: 200, type: ManifestResponse })
  readManifest(@IdParam() id: string, @Query() _query: FieldsQuery): Promise<ManifestResponse> {
    return this.content.getManifest(id);
  }

  @Get('tags')
  @ApiOperation({ summary: 'List tags' })
  @ApiResponse({ status: 200, type: Paginated(TagResponse) })
  listTags(@Query() query: TagListQuery, @Req() req: Request): Promise<Page<TagResponse>> {
    return this.content.listTags(query, req);
  }

  @Get('tags/:id')
  @ApiOperation({ summary: 'Inspect a tag' })
  @ApiResponse({ status: 200, type: TagResponse })
  readTag(@IdParam() id: string, @Query() _query: FieldsQuery): Promise<TagResponse> {
    return this.content.getTag(id);
  }
}
