/**
 * Helmet's security headers. The H5 app's pages and files get the full set; the API's JSON
 * answers only those that protect a response that is not a document (OWASP's REST Security
 * Cheat Sheet): CSP (frame-ancestors), HSTS, nosniff, X-Frame-Options and
 * Cross-Origin-Resource-Policy. The others (opener policy, origin-agent cluster, referrer
 * policy, DNS prefetch, IE download options, Flash/PDF policies, the XSS auditor) only act on a
 * page the browser renders, and those seven on every answer were about a sixth of a
 * cached menu read's time (setting, sending and parsing them).
 */
import helmet from 'koa-helmet';
import type Koa from 'koa';
import { isApiPath } from './errors';

const contentSecurityPolicy = {
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    connectSrc: ["'self'"],
  },
};

export function securityHeaders(): Koa.Middleware {
  const forDocuments = helmet({ contentSecurityPolicy });
  const forApi = helmet({
    contentSecurityPolicy,
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  return (ctx, next) => (isApiPath(ctx.path) ? forApi(ctx, next) : forDocuments(ctx, next));
}
