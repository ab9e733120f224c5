import { UserEntity } from '@app/domain';
import { verifyPassword } from '@app/security';
import { CanActivate, ExecutionContext, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';

const PUBLIC = 'bootdepot:public';
/** Marks a route that answers without credentials (`status/`). */
export const Public = () => SetMetadata(PUBLIC, true);

/** scrypt is deliberately slow; remember good credentials briefly instead of hashing per request. */
const CACHE_MS = 60_000;

@Injectable()
export class BasicAuthGuard implements CanActivate {
  private readonly verified = new Map<string, { user: string; until: number }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const header = context.switchToHttp().getRequest<Request>().header('authorization');
    if (!header?.startsWith('Basic ')) throw new UnauthorizedException('authentication credentials were not provided');
    const key = createHash('sha256').update(header).digest('hex');
    const cached = this.verified.get(key);
    if (cached && cached.until > Date.now()) return true;

    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    const user = await this.dataSource.getRepository(UserEntity).findOne({ where: { username } });
    if (!user || !(await verifyPassword(password, user.passwordHash))) {
      throw new UnauthorizedException('invalid username or password');
    }
    if (this.verified.size > 1000) this.verified.clear();
    this.verified.set(key, { user: username, until: Date.now() + CACHE_MS });
    return true;
  }

  /** Called when a password changes, so the old one stops working at once. */
  forget(): void {
    this.verified.clear();
  }
}
