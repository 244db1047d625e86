// Route guards. Use them as onRequest hooks (`onRequest: requirePermission('x.read')`) or call
// them at the top of a handler (`await requireLogin(req)`); without a reply they only throw.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../context.js';
import { forbidden, unauthenticated } from '../http/errors.js';
import { wantsHtml } from '../http/request.js';

export type GuardHook = (req: FastifyRequest, reply?: FastifyReply) => Promise<FastifyReply | void>;

export function hasPermission(actor: Actor, perm: string): boolean {
  return actor.permissions.has(perm);
}

/** A person who logged in (with the second factor where one is due); anonymous visitors are not. */
export function isLoggedIn(actor: Actor): boolean {
  return actor.userId !== null && actor.kind !== 'system';
}

export function loginUrl(next: string): string {
  return `/login?next=${encodeURIComponent(next)}`;
}

function guard(allowed: (actor: Actor) => boolean): GuardHook {
  return async (req, reply) => {
    if (!isLoggedIn(req.actor)) {
      // A browser navigating to a page is sent to the login form and back; a POST would lose its
      // body on a redirect, and API clients want the status code.
      if (reply && (req.method === 'GET' || req.method === 'HEAD') && wantsHtml(req)) {
        reply.redirect(loginUrl(req.url), 303);
        return reply; // returning the reply stops the hook chain (Fastify async hook contract)
      }
      throw unauthenticated();
    }
    if (!allowed(req.actor)) throw forbidden();
  };
}

export const requireLogin: GuardHook = guard(() => true);
export const requireStaff: GuardHook = guard((a) => a.kind === 'staff');
export function requirePermission(perm: string): GuardHook {
  return guard((a) => a.kind === 'staff' && hasPermission(a, perm));
}
