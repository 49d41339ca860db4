// GitHub's REST API (2022-11-28): the user, /user/repos, branches and repository contents,
// paged with Link headers, with rate-limit headers on every answer and GitHub's error bodies.
import { intParam, sendJson } from "./common.mjs";
import { handleWrite } from "./github-writes.mjs";
import { nextToken } from "./control.mjs";
import { BIG_REPO, USER, blobSha, filesAt, headOf, seedGitHub } from "./seed-github.mjs";

const { repos, byName } = seedGitHub();
const RESET = Math.floor(Date.now() / 1000) + 3600;
const used = new Map();
const DOCS = "https://docs.github.com/rest";

/** The rate-limit headers for this request (each answered request uses one). */
export function extraHeaders(ctx) {
  const limit = ctx.bearer ? 5000 : 60;
  const count = (used.get(ctx.bearer) ?? 0) + 1;
  used.set(ctx.bearer, count);
  return {
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": String(Math.max(0, limit - count)),
    "x-ratelimit-reset": String(RESET),
    "x-ratelimit-used": String(Math.min(count, limit)),
    "x-ratelimit-resource": "core",
    "x-github-api-version-selected": "2022-11-28",
    "x-github-media-type": "github.v3; format=json",
  };
}

const error = (status, message, doc = DOCS) => ({ message, documentation_url: doc, status: String(status) });

export function unauthorized(ctx, why) {
  const body = why === "missing" ? error(401, "Requires authentication") : error(401, "Bad credentials");
  return sendJson(ctx.res, 401, body, extraHeaders(ctx));
}

export function defaultError(status) {
  if (status === 403 || status === 429) {
    return error(status, `API rate limit exceeded for user ID ${USER.id}.`, `${DOCS}/overview/rate-limits-for-the-rest-api`);
  }
  return error(status, status >= 500 ? "Server Error" : "Error");
}

export function handle(ctx) {
  const headers = extraHeaders(ctx);
  const send = (status, body, more = {}) => sendJson(ctx.res, status, body, { ...headers, ...more });
  const path = ctx.path.slice("/github".length);
  const written = handleWrite(ctx, path, (owner, name) => byName.get(`${owner}/${name}`.toLowerCase()), USER);
  if (written) return send(...written);
  if (ctx.method !== "GET") return send(404, error(404, "Not Found"));
  if (path === "/user") return send(200, USER);
  if (path === "/user/repos") return send(...userRepos(ctx));
  const match = path.match(/^\/repos\/([^/]+)\/([^/]+)(\/branches|\/contents(?:\/.*)?)?$/);
  if (!match) return send(404, error(404, "Not Found"));
  const repo = byName.get(`${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`.toLowerCase());
  const [, , , rest] = match;
  if (rest === "/branches") {
    if (!repo) return send(404, error(404, "Not Found", `${DOCS}/branches/branches#list-branches`));
    return send(...branches(ctx, repo));
  }
  if (rest?.startsWith("/contents")) return send(...contents(ctx, repo, rest.slice("/contents".length)));
  return repo ? send(200, publicRepo(repo)) : send(404, error(404, "Not Found", `${DOCS}/repos/repos#get-a-repository`));
}

function publicRepo(repo) {
  const { affiliation, branchNames, protectedBranch, ...shown } = repo;
  return { ...shown, url: `${API}/repos/${repo.full_name}`, visibility: repo.private ? "private" : "public" };
}

let API = "";
/** Where this server answers, for absolute URLs in answers. */
export function setOrigin(origin) {
  API = `${origin}/github`;
}

/** One page of `items` and the Link header GitHub would send with it. */
function paginate(ctx, items, map) {
  const perPage = Math.min(Math.max(intParam(ctx.params, "per_page", 30) ?? 30, 1), 100);
  const page = Math.max(intParam(ctx.params, "page", 1) ?? 1, 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n, rel) => {
    const params = new URLSearchParams(ctx.params);
    params.set("page", String(n));
    return `<${API}${ctx.path.slice("/github".length)}?${params}>; rel="${rel}"`;
  };
  const realNext = page < last ? String(page + 1) : undefined;
  const next = nextToken(ctx.path, ctx.params.get("page"), realNext);
  const links = [];
  if (page > 1) links.push(link(Math.min(page - 1, last), "prev"));
  if (next) links.push(link(next, "next"));
  if (page < last) links.push(link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  const body = items.slice((page - 1) * perPage, page * perPage).map(map);
  return [200, body, links.length ? { link: links.join(", ") } : {}];
}

const AFFILIATIONS = ["owner", "collaborator", "organization_member"];
const TYPES = { all: null, owner: ["owner"], public: null, private: null, member: ["collaborator", "organization_member"] };

function userRepos(ctx) {
  const { params } = ctx;
  const doc = `${DOCS}/repos/repos#list-repositories-for-the-authenticated-user`;
  const invalid = (field) => [
    422,
    { ...error(422, "Validation Failed", doc), errors: [{ resource: "Repository", field, code: "invalid" }] },
  ];
  const type = params.get("type");
  if (type !== null && (params.has("affiliation") || params.has("visibility"))) return invalid("type");
  if (type !== null && !(type in TYPES)) return invalid("type");
  const affiliation = (params.get("affiliation") ?? AFFILIATIONS.join(",")).split(",").map((a) => a.trim());
  if (affiliation.some((a) => !AFFILIATIONS.includes(a))) return invalid("affiliation");
  const visibility = params.get("visibility") ?? (type === "public" || type === "private" ? type : "all");
  if (!["all", "public", "private"].includes(visibility)) return invalid("visibility");
  const sort = params.get("sort") ?? "full_name";
  const key = { created: "created_at", updated: "updated_at", pushed: "pushed_at", full_name: "full_name" }[sort];
  if (!key) return invalid("sort");
  const direction = params.get("direction") ?? (sort === "full_name" ? "asc" : "desc");
  if (!["asc", "desc"].includes(direction)) return invalid("direction");
  const allowed = type ? TYPES[type] ?? AFFILIATIONS : affiliation;
  const found = repos.filter(
    (r) => allowed.includes(r.affiliation) && (visibility === "all" || (visibility === "private") === r.private),
  );
  const sign = direction === "asc" ? 1 : -1;
  found.sort((a, b) => {
    const [x, y] = [a[key].toLowerCase(), b[key].toLowerCase()];
    return x < y ? -sign : x > y ? sign : a.id - b.id;
  });
  return paginate(ctx, found, publicRepo);
}

function branches(ctx, repo) {
  const wanted = ctx.params.get("protected");
  const names = repo.branchNames.filter(
    (name) => wanted === null || (wanted === "true") === (name === repo.protectedBranch),
  );
  return paginate(ctx, names, (name) => ({
    name,
    commit: { sha: headOf(repo, name), url: `${API}/repos/${repo.full_name}/commits/${headOf(repo, name)}` },
    protected: name === repo.protectedBranch,
  }));
}

const CONTENTS_DOC = `${DOCS}/repos/contents#get-repository-content`;

function contents(ctx, repo, rawPath) {
  const notFound = (message = "Not Found") => [404, error(404, message, CONTENTS_DOC)];
  if (!repo) return notFound();
  const asked = ctx.params.get("ref");
  const ref = asked ?? repo.default_branch;
  const name = ref.replace(/^refs\/heads\//, "");
  const branch = repo.branchNames.find((b) => b === name || headOf(repo, b) === ref);
  if (!branch) return notFound(`No commit found for the ref ${ref}`);
  let path;
  try {
    path = rawPath.split("/").filter(Boolean).map(decodeURIComponent).join("/");
  } catch {
    return notFound();
  }
  const files = filesAt(repo, branch);
  const entry = (entryPath, type) => {
    const text = files[entryPath];
    const sha = type === "file" ? blobSha(text) : headOf(repo, `${branch}:${entryPath}`);
    const encoded = entryPath.split("/").map(encodeURIComponent).join("/");
    const url = `${API}/repos/${repo.full_name}/contents/${encoded}?ref=${encodeURIComponent(ref)}`;
    const html = `https://github.com/${repo.full_name}/${type === "file" ? "blob" : "tree"}/${ref}/${encoded}`;
    const git = `${API}/repos/${repo.full_name}/git/${type === "file" ? "blobs" : "trees"}/${sha}`;
    return {
      name: entryPath.split("/").pop(),
      path: entryPath,
      sha,
      size: type === "file" ? Buffer.byteLength(text) : 0,
      url,
      html_url: html,
      git_url: git,
      download_url: type === "file" ? `https://raw.githubusercontent.com/${repo.full_name}/${ref}/${encoded}` : null,
      type,
      _links: { self: url, git, html },
    };
  };
  if (path in files) {
    const base64 = Buffer.from(files[path]).toString("base64").replace(/.{60}/g, "$&\n");
    return [200, { ...entry(path, "file"), content: `${base64}\n`, encoding: "base64" }];
  }
  const prefix = path === "" ? "" : `${path}/`;
  const children = new Map();
  for (const filePath of Object.keys(files)) {
    if (!filePath.startsWith(prefix)) continue;
    const [head, ...tail] = filePath.slice(prefix.length).split("/");
    children.set(head, tail.length ? "dir" : "file");
  }
  if (children.size === 0) return notFound();
  const listing = [...children].sort(([a], [b]) => (a < b ? -1 : 1)).map(([child, type]) => entry(prefix + child, type));
  return [200, listing];
}

export const seed = { user: USER.login, bigRepo: BIG_REPO, repoCount: repos.length };
