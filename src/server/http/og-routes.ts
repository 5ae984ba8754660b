import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Catalog } from '../catalog/catalog.js';
import { OG_HEIGHT, OG_TILES, OG_WIDTH, renderMosaic } from '../media/og-mosaic.js';

export interface OgRouteDeps {
  name: string;
  catalog: Catalog;
  thumbnail(id: number): Promise<Buffer>;
}

/**
 * `--og-preview`: `GET /og-image` (a mosaic of the newest items, cached until the catalog
 * changes) and `og:`/`twitter:` meta tags injected into the web app's index page.
 */
export function registerOgRoutes(app: FastifyInstance, deps: OgRouteDeps): void {
  let cached: { generation: number; png: Promise<Buffer> } | undefined;
  app.get('/og-image', async (_request, reply) => {
    const generation = deps.catalog.generation;
    if (!cached || cached.generation !== generation) {
      const png = buildImage(deps);
      cached = { generation, png };
      png.catch(() => {
        if (cached?.png === png) cached = undefined;
      });
    }
    const png = await cached.png;
    return reply.type('image/png').header('Cache-Control', 'public, max-age=300').send(png);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const url = request.url.split('?')[0];
    if (request.method !== 'GET' || (url !== '/' && url !== '/index.html')) return payload;
    if (!String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
    const html = Buffer.isBuffer(payload) ? payload.toString('utf8') : typeof payload === 'string' ? payload : undefined;
    if (html === undefined || !html.includes('</head>')) return payload;
    const out = html.replace('</head>', `${metaTags(deps, request)}</head>`);
    reply.removeHeader('content-length');
    return out;
  });
}

export function ogTitle(name: string, count: number): string {
  return `Lenslet: ${name} (${count.toLocaleString('en-US')} images)`;
}

function metaTags(deps: OgRouteDeps, request: FastifyRequest): string {
  const title = ogTitle(deps.name, deps.catalog.aliveCount);
  const description = `Browse ${deps.name} gallery`;
  const host = request.headers.host ?? 'localhost';
  const image = `${request.protocol}://${host}/og-image`;
  const tags: [string, string, string][] = [
    ['property', 'og:title', title],
    ['property', 'og:description', description],
    ['property', 'og:type', 'website'],
    ['property', 'og:image', image],
    ['property', 'og:image:width', String(OG_WIDTH)],
    ['property', 'og:image:height', String(OG_HEIGHT)],
    ['name', 'twitter:card', 'summary_large_image'],
    ['name', 'twitter:title', title],
    ['name', 'twitter:description', description],
    ['name', 'twitter:image', image],
  ];
  return `${tags.map(([attr, key, value]) => `<meta ${attr}="${key}" content="${escapeHtml(value)}">`).join('\n')}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The newest items (by added time, then id), found in one pass without sorting everything. */
export function newestIds(catalog: Catalog, count: number): number[] {
  const best: number[] = [];
  const newer = (a: number, b: number) => catalog.added[a]! > catalog.added[b]! || (catalog.added[a] === catalog.added[b] && a > b);
  for (let id = 0; id < catalog.size; id++) {
    if (!catalog.alive[id]) continue;
    if (best.length === count && !newer(id, best[best.length - 1]!)) continue;
    let at = best.length;
    while (at > 0 && newer(id, best[at - 1]!)) at--;
    best.splice(at, 0, id);
    if (best.length > count) best.pop();
  }
  return best;
}

async function buildImage(deps: OgRouteDeps): Promise<Buffer> {
  // Ask for a few more than the grid holds, so missing or broken images leave no hole.
  const ids = newestIds(deps.catalog, OG_TILES * 2);
  const thumbs: Buffer[] = [];
  for (let i = 0; i < ids.length && thumbs.length < OG_TILES; i += 6) {
    const batch = await Promise.allSettled(ids.slice(i, i + 6).map((id) => deps.thumbnail(id)));
    for (const r of batch) if (r.status === 'fulfilled' && thumbs.length < OG_TILES) thumbs.push(r.value);
  }
  return renderMosaic(thumbs);
}
