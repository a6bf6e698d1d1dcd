/** AZURE_AD_TENANT_ID checks, shared by the configuration (lib/config/env.ts) and the sign-in buttons (lib/auth/oidc.ts); imports nothing. */

/** Entra's multi-tenant endpoints: any Microsoft account could sign in, and the e-mail is not the tenant's to vouch for. */
export const ENTRA_SHARED_TENANTS = ["common", "organizations", "consumers"] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A usable AZURE_AD_TENANT_ID: one directory's id (a GUID), never a shared endpoint; else why not. */
export function entraTenantProblem(tenant: string): string | null {
  if ((ENTRA_SHARED_TENANTS as readonly string[]).includes(tenant.toLowerCase())) return `must be your own directory (tenant) ID, not "${tenant}": a shared endpoint lets any Microsoft account sign in`;
  if (!GUID.test(tenant)) return "must be your directory (tenant) ID, a GUID such as 00000000-0000-0000-0000-000000000000 (Entra admin center → Overview)";
  return null;
}
