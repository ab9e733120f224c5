import { ApiTokenEntity, UserEntity } from '@app/domain';
import { verifyPassword } from '@app/security';
import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PUBLIC_OPERATION } from '../openapi/public-operation';
import { LoginLimiter } from './login-limiter';

const PUBLIC = 'bootdepot:public';
/** Marks a route that answers without credentials (`status/`, health); its operation gets `security: []`. */
export const Public = () => applyDecorators(SetMetadata(PUBLIC, true), ApiExtension(PUBLIC_OPERATION, true));

/** scrypt is deliberately slow; remember good passwords briefly instead of hashing per request. */
const PASSWORD_CACHE_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Every route needs the admin's password (HTTP Basic) or an API token (Bearer), unless marked public. */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly verifiedPasswords = new Map<string, number>();
  private readonly limiter = new LoginLimiter();

  constructor(
    private readonly reflector: Reflector,
    private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = this.limiter.retryAfterMs(address);
    if (wait > 0) {
      context
        .switchToHttp()
        .getResponse<Response>()
        .setHeader('Retry-After', String(Math.ceil(wait / 1000)));
      throw new HttpException(
        'too many failed logins from this address; try again later',
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const header = req.header('authorization');
    if (!header) throw new UnauthorizedException('authentication credentials were not provided');
    const ok = header.startsWith('Bearer ')
      ? await this.checkToken(header.slice(7).trim())
      : header.startsWith('Basic ')
        ? await this.checkPassword(header)
        : false;
    if (!ok) {
      this.limiter.fail(address);
      throw new UnauthorizedException('invalid credentials');
    }
    this.limiter.succeed(address);
    return true;
  }

  private async checkPassword(header: string): Promise<boolean> {
    const key = hashToken(header);
    if ((this.verifiedPasswords.get(key) ?? 0) > Date.now()) return true;
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = await this.dataSource
      .getRepository(UserEntity)
      .findOne({ where: { username: decoded.slice(0, colon) } });
    if (!user || !(await verifyPassword(decoded.slice(colon + 1), user.passwordHash))) return false;
    if (this.verifiedPasswords.size > 1000) this.verifiedPasswords.clear();
    this.verifiedPasswords.set(key, Date.now() + PASSWORD_CACHE_MS);
    return true;
  }

  /** Looked up on every request, so a revoked token stops working at once on every replica. */
  private async checkToken(token: string): Promise<boolean> {
    if (!/^bd_[A-Za-z0-9]{20,100}$/.test(token)) return false;
    const result = await this.dataSource
      .getRepository(ApiTokenEntity)
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('token_hash = :hash AND (expires_at IS NULL OR expires_at > now())', { hash: hashToken(token) })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
