import fs from "node:fs";
import path from "node:path";
import express, { type RequestHandler } from "express";

/** Where `npm run build:web` writes the pages. */
export const defaultWebDist = path.resolve(__dirname, "../../web/dist");

const noPages: RequestHandler = (_req, _res, next) => next();

/**
 * Serves the built browser pages (`web/dist`) at `/`, each page folder answering with its own `index.html`.
 * Hashed assets are cached for a year; the HTML is revalidated so a new build shows at once. When the folder
 * does not exist (pages not built), the API serves its routes only.
 */
export function webPages(dir: string = defaultWebDist): RequestHandler {
  if (!fs.existsSync(path.join(dir, "index.html"))) return noPages;
  return express.static(dir, {
    index: "index.html",
    redirect: true,
    fallthrough: true,
    setHeaders(res, file) {
      const hashedAsset = file.includes(`${path.sep}assets${path.sep}`);
      res.setHeader("Cache-Control", hashedAsset ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
}
