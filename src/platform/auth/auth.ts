// People, organisations, roles → permissions and sessions: the contract the auth service implements.
import type { FastifyInstance } from 'fastify';
import type { Actor, Executor } from '../context.js';
import type { Text } from '../i18n/i18n.js';

/** Staff roles of the agency. Permissions are granted to roles by modules (ModuleDefinition.permissions). */
export const STAFF_ROLES = ['intake_handler', 'coordinator', 'analyst', 'publisher', 'consultant', 'planner', 'department', 'approver', 'administrator', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Kinds of organisation account. */
export const ORG_KINDS = ['vendor', 'site_operator', 'coordinator', 'priority_recipient', 'other'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export interface Organisation { id: string; name: string; nameEn: string | null; kind: OrgKind; email: string | null; category: string | null }
export interface User {
  id: string; email: string; displayName: string; kind: 'staff' | 'org' | 'public';
  organisationId: string | null; roles: string[]; totpEnabled: boolean; disabled: boolean;
}

export interface Auth {
  /** Declares which roles hold a permission (called while modules load). */
  grant(permission: string, roles: string[], description: Text): void;
  permissionsOf(roles: string[]): Set<string>;
  can(actor: Actor, permission: string): boolean;
  createOrganisation(input: { name: string; nameEn?: string; kind: OrgKind; email?: string; category?: string }, trx?: Executor): Promise<Organisation>;
  /** Pass `trx` when called inside an open transaction (PGlite has a single session). */
  getOrganisation(id: string, trx?: Executor): Promise<Organisation | undefined>;
  listOrganisations(filter?: { kind?: OrgKind }, trx?: Executor): Promise<Organisation[]>;
  /** Creates a user; password hashed with scrypt. Staff must enrol TOTP at first login. */
  createUser(input: { email: string; displayName: string; password: string; kind: User['kind']; organisationId?: string; roles?: string[]; totpSecret?: string }, trx?: Executor): Promise<User>;
  getUser(id: string): Promise<User | undefined>;
  /** Active staff users (for assignment pickers). */
  listStaff(): Promise<User[]>;
  findUserByEmail(email: string): Promise<User | undefined>;
  actorOf(user: User): Actor;
  /**
   * Checks an e-mail and password for machine access (e.g. HTTP Basic), with the login form's
   * throttling and lockout counters and audit of failures. Accounts that must use a second factor
   * (staff) get 'second_factor_required'.
   */
  verifyCredentials(email: string, password: string, ip: string): Promise<{ status: 'ok'; user: User } | { status: 'invalid' | 'locked' | 'second_factor_required' }>;
  /** Registers /login, /logout, TOTP enrolment, password reset pages and the session hook. */
  routes(app: FastifyInstance): Promise<void>;
}
