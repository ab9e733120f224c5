import type { AppConfig } from '@app/config';
import { APP_CONFIG, ClientAddressResolver } from '@app/core';
import { ApiTokensRepository, UserEntity } from '@app/domain';
import { verifyPassword } from '@app/security';
import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
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

/** Who a request authenticated as; handlers that create credentials bound them by it (see TokensService). */
export type Principal = { kind: 'user'; username: string } | { kind: 'token'; tokenId: string; expiresAt: Date | null };
export type AuthenticatedRequest = Request & { principal?: Principal };

/** Every route needs the admin's password (HTTP Basic) or an API token (Bearer), unless marked public. */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly verifiedPasswords = new Map<string, { until: number; username: string }>();
  private readonly limiter = new LoginLimiter();
  private readonly clients: ClientAddressResolver;

  constructor(
    private readonly reflector: Reflector,
    private readonly dataSource: DataSource,
    private readonly apiTokens: ApiTokensRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.clients = new ClientAddressResolver(config.trustedProxies);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.header('authorization');
    if (!header) throw new UnauthorizedException('authentication credentials were not provided');
    // A credential verified moments ago is not a guess: it passes even while its limiter key is locked, so
    // nobody can lock a working client out by failing on purpose (the limit only slows down guessing).
    const known = header.startsWith('Basic ') ? this.cachedPassword(header) : undefined;
    if (known) {
      req.principal = { kind: 'user', username: known };
      return true;
    }
    // Failures count per client address and claimed user name, so one user's (or an attacker's) failures
    // do not lock every other user out behind a shared address.
    const key = `${this.clients.clientOf(req)}|${header.startsWith('Basic ') ? `user:${basicUser(header)}` : 'token'}`;
    const tooMany = () => {
      const wait = this.limiter.retryAfterMs(key);
      if (wait <= 0) return;
      context
        .switchToHttp()
        .getResponse<Response>()
        .setHeader('Retry-After', String(Math.ceil(wait / 1000)));
      throw new HttpException(
        'too many failed logins from this address; try again later',
        HttpStatus.TOO_MANY_REQUESTS,
      );
    };
    let principal: Principal | null = null;
    if (header.startsWith('Bearer ')) {
      // ~240 random bits cannot be guessed, and checking one is a cheap indexed query: a valid token always
      // passes; the limit only keeps a flood of bad tokens off the database.
      principal = await this.checkToken(header.slice(7).trim());
      if (!principal) tooMany();
    } else {
      // Passwords can be guessed: a locked key gets no scrypt verification at all, right or wrong.
      tooMany();
      if (header.startsWith('Basic ')) principal = await this.checkPassword(header);
    }
    if (!principal) {
      this.limiter.fail(key);
      throw new UnauthorizedException('invalid credentials');
    }
    this.limiter.succeed(key);
    req.principal = principal;
    return true;
  }

  private cachedPassword(header: string): string | undefined {
    const cached = this.verifiedPasswords.get(hashToken(header));
    return cached && cached.until > Date.now() ? cached.username : undefined;
  }

  private async checkPassword(header: string): Promise<Principal | null> {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const username = decoded.slice(0, colon);
    const user = await this.dataSource.getRepository(UserEntity).findOne({ where: { username } });
    if (!user || !(await verifyPassword(decoded.slice(colon + 1), user.passwordHash))) return null;
    if (this.verifiedPasswords.size > 1000) this.verifiedPasswords.clear();
    this.verifiedPasswords.set(hashToken(header), { until: Date.now() + PASSWORD_CACHE_MS, username });
    return { kind: 'user', username };
  }

  /** Looked up on every request, so a revoked token stops working at once on every replica. */
  private async checkToken(token: string): Promise<Principal | null> {
    if (!/^bd_[A-Za-z0-9]{20,100}$/.test(token)) return null;
    const row = await this.apiTokens.useToken(hashToken(token));
    return row ? { kind: 'token', tokenId: row.id, expiresAt: row.expiresAt } : null;
  }
}

/** The user name a Basic header claims (not verified), bounded so it cannot bloat the limiter's keys. */
function basicUser(header: string): string {
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return (colon < 0 ? decoded : decoded.slice(0, colon)).slice(0, 128);
}
