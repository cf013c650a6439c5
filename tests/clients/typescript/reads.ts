// A front-end's use of the glossary API through a client generated from
// /api/schema/ (openapi-typescript's types, openapi-fetch's calls): every
// public read, anonymously, then an editor's write with If-Match.
// tests/test_clients.py type-checks it with `tsc --strict`, runs it against a
// live server and checks each answer against the schema: the client prints
// every response as a JSON line {method, url, status, content_type, body}.
// Written as against a correct schema: no `!`, no casts, no `?.` where the
// API always answers a field, and no deprecated field (`link` and `citation`
// on sources, not `url` and `reference`).
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema.js";

const baseUrl = process.env.GLOSSARY_API_URL ?? "http://127.0.0.1:8000";
const token = process.env.GLOSSARY_API_TOKEN ?? "";
const previewToken = process.env.GLOSSARY_PREVIEW_TOKEN ?? "";

const record: Middleware = {
  async onResponse({ request, response }) {
    const contentType = response.headers.get("Content-Type") ?? "";
    const text = await response.clone().text();
    const json = /^application\/([\w.-]+\+)?json/.test(contentType);
    console.log(
      JSON.stringify({
        method: request.method,
        url: request.url,
        status: response.status,
        content_type: contentType,
        body: json && text ? JSON.parse(text) : text,
      }),
    );
  },
};

function client<Media extends `${string}/${string}`>(headers: Record<string, string>) {
  const created = createClient<paths, Media>({ baseUrl, headers });
  created.use(record);
  return created;
}

// Errors are `application/problem+json` (the `Problem` component): naming
// it beside JSON types each call's `error` as a Problem.
type Json = "application/json" | "application/problem+json";
const api = client<Json>({});
const jsonld = client<"application/ld+json">({ Accept: "application/ld+json" });
const csl = client<"application/vnd.citationstyles.csl+json">({});
const bibtex = client<"application/x-bibtex">({});
const editor = client<Json>({ Authorization: `Token ${token}` });

/** A read that takes `fields=` answers `anyOf [X, PartialX]` in the schema:
 * without `fields` the whole X (every member present), with it only the
 * members named. Reads without `fields` narrow to X here, by a member X
 * requires: `full(term, "name")`. */
function full<Body extends object, Member extends PropertyKey>(
  body: Body,
  member: Member,
): body is Extract<Body, Record<Member, unknown>> {
  return member in body;
}

const problems: string[] = [];
function expect(ok: boolean, what: string): void {
  if (!ok) problems.push(what);
}

// The glossary's first page, and a term's card in it.
const { data: list } = await api.GET("/api/v1/terms/", {
  params: { query: { page_size: 5 } },
});
if (!list) throw new Error("GET /api/v1/terms/ failed");
const terms = list.results.filter((term) => full(term, "name"));
const [first] = terms;
if (!first) throw new Error("the glossary has no published term");
const cards = terms.map((term) => ({
  heading: term.name.toUpperCase(),
  summary: term.summary.trim(),
  category: term.category?.name ?? "Uncategorised",
  reviewed: term.last_reviewed ?? "never",
  href: new URL(term.url).pathname,
  permalink: new URL(term.permalink).pathname,
}));
// (A search may skip counting; a plain list always counts.)
expect(cards.length === list.results.length && (list.count ?? 0) >= cards.length, "cards");

// Sorted by two keys, sent as the client sends an array.
const { data: sorted } = await api.GET("/api/v1/terms/", {
  params: { query: { ordering: ["-last_reviewed", "name"], page_size: 20 } },
});
const reviewed =
  sorted?.results.filter((term) => full(term, "name")).map((term) => term.last_reviewed ?? "") ?? [];
expect(sorted !== undefined && `${reviewed}` === `${[...reviewed].sort().reverse()}`, "ordering");

// Search: ranked results, maybe suggestions, maybe an estimated count.
const { data: found } = await api.GET("/api/v1/terms/", {
  params: { query: { search: first.name } },
});
expect(
  found !== undefined &&
    found.results.some((term) => term.slug === first.slug) &&
    (found.suggestions ?? []).every((suggestion) => suggestion.name.length > 0),
  "search",
);

// The term's page: definition, numbered sources, see also, permalink.
const { data: read_term, response: read } = await api.GET("/api/v1/terms/{slug}/", {
  params: { path: { slug: first.slug } },
});
if (!read_term || !full(read_term, "name")) {
  throw new Error(`GET /api/v1/terms/${first.slug}/ failed`);
}
const term = read_term;
const etag = read.headers.get("ETag") ?? "";
const page = {
  title: term.title || term.name.toUpperCase(),
  html: term.definition_html,
  example: term.example_html,
  sources: term.sources.map((source) => `${source.number}. ${source.citation}`),
  reading: term.further_reading.map((source) => `${source.citation} ${source.link}`),
  seeAlso: term.see_also.map((link) => ({ name: link.name, href: link.permalink })),
  aliases: term.aliases.map((alias) => alias.name.toLowerCase()),
  permalink: new URL(term.permalink),
  reviewDue: new Date(term.review_due).getFullYear(),
};
expect(etag !== "" && page.sources.length > 0 && page.html.length > 0, "term page");

// The same term as schema.org JSON-LD, for the page's <script> tag.
const { data: ld } = await jsonld.GET("/api/v1/terms/{slug}/", {
  params: { path: { slug: first.slug } },
});
expect(ld !== undefined && ld.mainEntity.name === term.name && ld["@type"] !== "", "JSON-LD");

// What the term cites, for a reader's reference manager.
const { data: items } = await csl.GET("/api/v1/terms/{slug}/citations/", {
  params: { path: { slug: first.slug }, query: { format: "csl-json" } },
});
expect(items?.every((item) => item.title.length > 0 && item.URL.length > 0) ?? false, "CSL-JSON");
const { data: bib } = await bibtex.GET("/api/v1/terms/{slug}/citations/", {
  params: { path: { slug: first.slug }, query: { format: "bibtex" } },
  parseAs: "text",
});
expect(bib?.trimStart().startsWith("@") ?? false, "BibTeX");

// A search box's suggestions as the reader types.
const { data: typed } = await api.GET("/api/v1/autocomplete/", {
  params: { query: { q: first.name.slice(0, 2), limit: 5 } },
});
expect(typed?.results.some((hit) => hit.slug === first.slug) ?? false, "autocomplete");

// The A–Z index, and its first letter's page.
const { data: index } = await api.GET("/api/v1/index/");
const [letter] = index?.letters ?? [];
if (letter) {
  const { data: letterPage } = await api.GET("/api/v1/index/{letter}/", {
    params: { path: { letter: letter.letter } },
  });
  expect(
    letterPage?.terms.length === Math.min(letter.count, 500) &&
      (letter.terms ?? letterPage.terms).every((entry) => entry.name.length > 0),
    "index letter",
  );
} else {
  problems.push("index");
}

// Sources, and one of them with the terms citing it.
const { data: sources } = await api.GET("/api/v1/sources/", {
  params: { query: { page_size: 5 } },
});
const [listed] = sources?.results.filter((item) => full(item, "id")) ?? [];
if (listed) {
  const { data: source } = await api.GET("/api/v1/sources/{id}/", {
    params: { path: { id: listed.id } },
  });
  expect(
    source !== undefined &&
      full(source, "title") &&
      source.title.toUpperCase().length > 0 &&
      source.cited_by.every((citing) => new URL(citing.permalink).pathname !== "") &&
      `${source.citation} ${source.link}`.trim() !== "" &&
      source.year > 0,
    "source",
  );
} else {
  problems.push("sources");
}

// Categories, the navigation's sections.
const { data: categories } = await api.GET("/api/v1/categories/");
const [section] = categories?.results ?? [];
if (section && full(section, "name")) {
  const { data: category } = await api.GET("/api/v1/categories/{slug}/", {
    params: { path: { slug: section.slug } },
  });
  expect(
    category !== undefined &&
      full(category, "name") &&
      category.name.toUpperCase() === section.name.toUpperCase() &&
      category.term_count === section.term_count,
    "category",
  );
}

// A static build's first sync.
const { data: sync } = await api.GET("/api/v1/sync/", { params: { query: { limit: 50 } } });
expect(
  sync !== undefined &&
    sync.next_cursor.length > 0 &&
    sync.results.some((entry) => entry.kind === "term" && !entry.deleted),
  "sync",
);

// The front-end's preview route, with the token of an editor's Preview link.
if (previewToken) {
  const { data: preview } = await api.GET("/api/v1/preview/", {
    params: { query: { token: previewToken } },
  });
  expect((preview?.name.toUpperCase() ?? "") !== "", "preview");
}

// A term that is not there, and a write that is refused: their answers are
// the schema's too, problems (`Problem`) naming what was wrong (an empty
// summary: the publish rule, at `/status`).
const { error: notFound } = await api.GET("/api/v1/terms/{slug}/", {
  params: { path: { slug: "no-such-term" } },
});
expect(notFound?.status === 404 && notFound.detail !== "", "missing term");
const { error: invalid } = await editor.PATCH("/api/v1/terms/{slug}/", {
  params: { path: { slug: term.slug }, header: { "If-Match": etag } },
  body: { summary: "" },
});
expect(
  invalid?.status === 400 &&
    invalid.errors.length > 0 &&
    invalid.errors.every((error) => error.pointer?.startsWith("/") && error.detail !== ""),
  "invalid write",
);

// An editor's tool changes the summary it read, then tries again with the
// ETag it had: the second write is refused as stale.
const summary = `${term.summary.trim()} (Edited by a generated client.)`;
const { data: written, response: write } = await editor.PATCH("/api/v1/terms/{slug}/", {
  params: { path: { slug: term.slug }, header: { "If-Match": etag } },
  body: { summary },
});
expect(written?.summary === summary && write.headers.get("ETag") !== etag, "write");
const { error: refused, response: stale } = await editor.PATCH("/api/v1/terms/{slug}/", {
  params: { path: { slug: term.slug }, header: { "If-Match": etag } },
  body: { summary: "A stale write." },
});
expect(stale.status === 412 && refused?.title !== undefined, "stale write");

for (const problem of problems) console.error(`Unexpected answer: ${problem}`);
if (problems.length) process.exitCode = 1;
