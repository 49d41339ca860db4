// GitHub's REST API (2022-11-28) for what actions do: star and unstar (PUT/DELETE
// /user/starred/{o}/{r}, which need `Content-Length: 0` and answer 204), issues (create with a
// JSON body, list with state/labels/assignee filters), issue comments and gists, each with
// GitHub's 201 answers and its 422 "Validation Failed" bodies. Kept in memory until reset.

import { onReset } from "./control.mjs";

const DOCS = "https://docs.github.com/rest";
const state = { stars: new Set(), issues: new Map(), comments: [], gists: [], nextId: 1000 };

onReset(reset);

function reset() {
  state.stars.clear();
  state.issues.clear();
  state.comments.length = 0;
  state.gists.length = 0;
}

const error = (status, message, doc) => ({ message, documentation_url: doc, status: String(status) });
const invalid = (doc, resource, field, code = "missing_field") => [
  422,
  { ...error(422, "Validation Failed", doc), errors: [{ resource, field, code }] },
];

function jsonBody(ctx) {
  if (!ctx.body) return {};
  if (!(ctx.req.headers["content-type"] ?? "").includes("application/json")) return undefined;
  try {
    const value = JSON.parse(ctx.body);
    return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const PROBLEMS_PARSING = (doc) => [400, error(400, "Problems parsing JSON", doc)];

/** Answers a write (or a read of what writes made) on `path`; undefined when it is not one. */
export function handleWrite(ctx, path, repoByName, user) {
  const starred = path.match(/^\/user\/starred\/([^/]+)\/([^/]+)$/);
  if (starred) return star(ctx, repoByName(starred[1], starred[2]));
  if (ctx.method === "POST" && path === "/gists") return createGist(ctx, user);
  const issues = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues(?:\/(\d+)\/comments)?$/);
  if (!issues) return undefined;
  const repo = repoByName(issues[1], issues[2]);
  if (!repo) return [404, error(404, "Not Found", `${DOCS}/issues/issues`)];
  if (issues[3]) return ctx.method === "POST" ? comment(ctx, repo, Number(issues[3]), user) : undefined;
  if (ctx.method === "POST") return createIssue(ctx, repo, user);
  if (ctx.method === "GET") return listIssues(ctx, repo);
  return undefined;
}

function star(ctx, repo) {
  const doc = `${DOCS}/activity/starring`;
  if (!repo) return [404, error(404, "Not Found", doc)];
  if (ctx.method === "PUT") {
    if (ctx.req.headers["content-length"] !== "0") return [411, error(411, "Length Required", doc)];
    state.stars.add(repo.full_name);
    return [204, undefined];
  }
  if (ctx.method === "DELETE") {
    state.stars.delete(repo.full_name);
    return [204, undefined];
  }
  if (ctx.method === "GET") return state.stars.has(repo.full_name) ? [204, undefined] : [404, error(404, "Not Found", doc)];
  return [404, error(404, "Not Found", doc)];
}

function issuesOf(repo) {
  if (!state.issues.has(repo.full_name)) state.issues.set(repo.full_name, []);
  return state.issues.get(repo.full_name);
}

function createIssue(ctx, repo, user) {
  const doc = `${DOCS}/issues/issues#create-an-issue`;
  const body = jsonBody(ctx);
  if (body === undefined) return PROBLEMS_PARSING(doc);
  if (typeof body.title !== "string" || body.title === "") return invalid(doc, "Issue", "title");
  const list = issuesOf(repo);
  const number = list.length + 1;
  const issue = {
    id: state.nextId++,
    number,
    title: body.title,
    body: body.body ?? null,
    state: "open",
    labels: (body.labels ?? []).map((name) => ({ name })),
    assignees: (body.assignees ?? []).map((login) => ({ login })),
    user: { login: user.login, id: user.id },
    html_url: `https://github.com/${repo.full_name}/issues/${number}`,
    url: `/repos/${repo.full_name}/issues/${number}`,
    created_at: new Date().toISOString(),
  };
  list.push(issue);
  return [201, issue, { location: issue.url }];
}

function listIssues(ctx, repo) {
  const wanted = ctx.params.get("state") ?? "open";
  if (!["open", "closed", "all"].includes(wanted)) return invalid(`${DOCS}/issues/issues`, "Issue", "state", "invalid");
  const labels = (ctx.params.get("labels") ?? "").split(",").filter(Boolean);
  const assignee = ctx.params.get("assignee");
  const perPage = Math.min(Number(ctx.params.get("per_page") ?? 30) || 30, 100);
  const found = issuesOf(repo)
    .filter((issue) => wanted === "all" || issue.state === wanted)
    .filter((issue) => labels.every((label) => issue.labels.some((l) => l.name === label)))
    .filter((issue) => !assignee || assignee === "*" || issue.assignees.some((a) => a.login === assignee))
    .slice()
    .reverse();
  return [200, found.slice(0, perPage)];
}

function comment(ctx, repo, number, user) {
  const doc = `${DOCS}/issues/comments#create-an-issue-comment`;
  const issue = issuesOf(repo).find((i) => i.number === number);
  if (!issue) return [404, error(404, "Not Found", doc)];
  const body = jsonBody(ctx);
  if (body === undefined) return PROBLEMS_PARSING(doc);
  if (typeof body.body !== "string" || body.body === "") return invalid(doc, "IssueComment", "body");
  const id = state.nextId++;
  const made = { id, body: body.body, user: { login: user.login }, html_url: `${issue.html_url}#issuecomment-${id}` };
  state.comments.push(made);
  return [201, made];
}

function createGist(ctx, user) {
  const doc = `${DOCS}/gists/gists#create-a-gist`;
  const body = jsonBody(ctx);
  if (body === undefined) return PROBLEMS_PARSING(doc);
  const files = body.files;
  const names = files && typeof files === "object" ? Object.keys(files) : [];
  if (names.length === 0) return invalid(doc, "Gist", "files");
  if (names.some((name) => typeof files[name]?.content !== "string" || files[name].content === "")) {
    return invalid(doc, "Gist", "files", "missing_field");
  }
  const id = `a${(state.nextId++).toString(16)}f00d`;
  const gist = {
    id,
    public: body.public === true,
    description: body.description ?? null,
    files: Object.fromEntries(names.map((name) => [name, { filename: name, size: Buffer.byteLength(files[name].content) }])),
    owner: { login: user.login },
    html_url: `https://gist.github.com/${user.login}/${id}`,
  };
  state.gists.push(gist);
  return [201, gist];
}
