import { CoreModule, CoreOptions } from '@app/core';
import { DynamicModule, Module } from '@nestjs/common';

@Module({})
export class ContentModule {
  static forRoot(core: Omit<CoreOptions, 'role'>): DynamicModule {
    return { module: ContentModule, imports: [CoreModule.forRoot({ ...core, role: 'content' })] };
  }
}
