// Atlassian's API gateway: /me, accessible-resources, and Jira Cloud's REST v3 project search
// (startAt/maxResults paging with nextPage) and enhanced JQL search (nextPageToken), reached
// through /ex/jira/{cloudId}. Each site is also served as itself at /atlassian/site/{name}
// (standing in for https://{name}.atlassian.net), where an API token is sent as HTTP Basic
// (email:token): /rest/api/3/myself, /_edge/tenant_info (no credential) and the same Jira and
// Confluence APIs.
import { decodeToken, encodeToken, intParam, random, sendJson, timeBefore } from "./common.mjs";
import { nextToken } from "./control.mjs";
import { handleConfluence } from "./confluence.mjs";
import { handleJiraWrites } from "./jira-writes.mjs";
import { parseJql, textMatches } from "./jql.mjs";

const SITES = [
  {
    id: "1324a887-45db-4bf4-9e99-ef0ff456d421",
    name: "acme",
    url: "https://acme.atlassian.net",
    scopes: ["read:jira-work", "write:jira-work", "read:jira-user", "read:confluence-content.all", "search:confluence"],
    avatarUrl: "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png",
  },
  {
    id: "5d7e29b0-8c11-4f6a-a7b2-3e0c9d1f2a64",
    name: "acme-labs",
    url: "https://acme-labs.atlassian.net",
    scopes: ["read:jira-work", "read:jira-user"],
    avatarUrl: "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/koala.png",
  },
];

const ME = {
  account_type: "atlassian",
  account_id: "712020:8f3c1a2b-4d5e-4f60-9a1b-2c3d4e5f6a7b",
  email: "ana@example.com",
  name: "Ana Lima",
  picture: "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/initials/AL-1.png",
  account_status: "active",
  nickname: "ana",
  zoneinfo: "Europe/Lisbon",
  locale: "en-US",
  extended_profile: { job_title: "Engineer", organization: "Acme" },
};

const ADJECTIVES = [
  "Mobile", "Web", "Data", "Cloud", "Billing", "Search", "Identity", "Payments", "Growth", "Support", "Infra", "Design",
];
const NOUNS = ["Platform", "Portal", "Pipeline", "Gateway", "Insights", "Toolkit", "Migration", "Launch", "Core", "Studio"];
const SUMMARIES = [
  "Fix login redirect on Safari", "Add export to CSV", "Update onboarding copy", "Investigate slow search",
  "Refactor billing module", "Write release notes", "Migrate database to Postgres 16", "Improve error messages",
];
const STATUSES = [["To Do", "new"], ["In Progress", "indeterminate"], ["Done", "done"]];
const TYPES = ["Task", "Bug", "Story", "Epic"];

function seedProjects() {
  const projects = new Map();
  let id = 10000;
  const add = (site, key, name, issueCount) => {
    const projectTypeKey = id % 5 === 0 ? "business" : "software";
    const project = { id: String(id), key, name, projectTypeKey, simplified: id % 3 === 0, issueCount };
    id += 1;
    projects.get(site.id).push(project);
  };
  SITES.forEach((site) => projects.set(site.id, []));
  const [acme, labs] = SITES;
  add(acme, "WEB", "Website", 250);
  add(acme, "XSS", "<img src=x onerror=alert('jira')>", 3);
  for (let i = 0; projects.get(acme.id).length < 120; i += 1) {
    const adjective = ADJECTIVES[i % ADJECTIVES.length];
    const noun = NOUNS[Math.floor(i / ADJECTIVES.length) % NOUNS.length];
    add(acme, `${adjective.slice(0, 3)}${noun.slice(0, 2)}`.toUpperCase(), `${adjective} ${noun}`, (i * 7) % 40);
  }
  add(labs, "LAB", "Lab experiments", 12);
  add(labs, "PROTO", "Prototypes", 5);
  add(labs, "RND", "Research & development", 0);
  add(labs, "OPS", "Operations", 30);
  return projects;
}

const projects = seedProjects();
const issueCache = new Map();

function issuesOf(project) {
  if (issueCache.has(project.id)) return issueCache.get(project.id);
  const rand = random(Number(project.id));
  const issues = [];
  for (let n = 1; n <= project.issueCount; n += 1) {
    const summary = project.key === "WEB" && n === 42
      ? "<script>alert('issue')</script> in the footer"
      : `${SUMMARIES[(n + Number(project.id)) % SUMMARIES.length]} (${project.key}-${n})`;
    const [status, category] = STATUSES[rand.int(STATUSES.length)];
    const age = rand.int(60 * 24 * 365);
    issues.push({
      id: String(Number(project.id) * 1000 + n),
      key: `${project.key}-${n}`,
      number: n,
      summary,
      description: `Details for ${summary}. Reported by Ana.`,
      status: {
        name: status,
        id: String(1 + STATUSES.findIndex(([s]) => s === status)),
        statusCategory: { key: category, name: status },
      },
      issuetype: { id: String(10001 + (n % TYPES.length)), name: TYPES[n % TYPES.length], subtask: false },
      priority: { id: String(1 + (n % 5)), name: ["Highest", "High", "Medium", "Low", "Lowest"][n % 5] },
      created: jiraTime(age + 60 * 24 * 10),
      updated: jiraTime(age),
    });
  }
  issueCache.set(project.id, issues);
  return issues;
}

/** Jira's timestamp format: 2026-02-27T10:15:30.000+0000. */
function jiraTime(minutes) {
  return timeBefore(minutes).replace("Z", "+0000");
}

const jiraError = (message) => ({ errorMessages: [message], errors: {} });

const MYSELF = {
  self: "https://acme.atlassian.net/rest/api/3/user?accountId=712020:8f3c1a2b-4d5e-4f60-9a1b-2c3d4e5f6a7b",
  accountId: ME.account_id,
  accountType: "atlassian",
  emailAddress: ME.email,
  displayName: ME.name,
  active: true,
  timeZone: ME.zoneinfo,
  locale: "en_US",
};

const SITE_PATH = /^\/atlassian\/site\/([^/]+)(\/.*)$/;

/** A site's own URL needs no credential for its tenant_info. */
export function needsNoToken(ctx) {
  const site = ctx.path.match(SITE_PATH);
  return Boolean(site) && site[2] === "/_edge/tenant_info";
}

/** The bearer (through the gateway) or, on a site's own URL, the API token of `Basic email:token`. */
export function tokenOf(ctx) {
  const header = ctx.req.headers.authorization ?? "";
  const basic = header.match(/^Basic\s+(\S+)$/i);
  if (!basic) return ctx.bearer;
  const [email, ...rest] = Buffer.from(basic[1], "base64").toString("utf8").split(":");
  ctx.basicUser = email;
  return email === ME.email ? rest.join(":") || null : null;
}

export function unauthorized(ctx) {
  return sendJson(ctx.res, 401, { code: 401, message: "Unauthorized" });
}

export function defaultError(status) {
  return jiraError(status === 429 ? "Rate limit exceeded." : `Error ${status}`);
}

let ORIGIN = "";
export function setOrigin(origin) {
  ORIGIN = origin;
}

export function handle(ctx) {
  const send = (status, body) => sendJson(ctx.res, status, body);
  let path = ctx.path.slice("/atlassian".length);
  const own = ctx.path.match(SITE_PATH);
  if (own) {
    // A site as itself: its paths are the gateway's without /ex/{product}/{cloudId}.
    const site = SITES.find((s) => s.name === own[1]);
    if (!site) return send(404, { code: 404, message: "Not Found" });
    if (own[2] === "/_edge/tenant_info") return send(200, { cloudId: site.id });
    if (own[2] === "/rest/api/3/myself") return send(200, MYSELF);
    path = own[2].startsWith("/wiki/") ? `/ex/confluence/${site.id}${own[2]}` : `/ex/jira/${site.id}${own[2]}`;
  }
  const wiki = path.match(/^\/ex\/confluence\/([^/]+)(\/wiki\/.*)$/);
  if (wiki) {
    const wikiSite = SITES.find((s) => s.id === wiki[1]);
    const answer = wikiSite && handleConfluence(ctx, wikiSite, wiki[2]);
    return answer ? send(...answer) : send(404, { code: 404, message: "Not Found" });
  }
  const jira = path.match(/^\/ex\/jira\/([^/]+)(\/rest\/api\/3\/.*)$/);
  const jiraSite = jira && SITES.find((s) => s.id === jira[1]);
  if (jiraSite) {
    const base = `${ORIGIN}/atlassian/ex/jira/${jiraSite.id}/rest/api/3`;
    const projectOf = (key) => projects.get(jiraSite.id).find((p) => p.key === key);
    const issueExists = (key) => {
      const [projectKey, number] = key.split("-");
      const project = projectOf(projectKey);
      return Boolean(project) && Number(number) >= 1 && Number(number) <= project.issueCount;
    };
    const answered = handleJiraWrites(ctx, jira[2], jiraSite, base, projectOf, issueExists);
    if (answered) return send(...answered);
  }
  if (ctx.method !== "GET") return send(405, { code: 405, message: "Method Not Allowed" });
  if (path === "/me") return send(200, ME);
  if (path === "/oauth/token/accessible-resources") return send(200, SITES);
  const match = path.match(/^\/ex\/jira\/([^/]+)(\/rest\/api\/3\/.*)$/);
  const site = match && SITES.find((s) => s.id === match[1]);
  if (!site) return send(404, { code: 404, message: "Not Found" });
  const base = `${ORIGIN}/atlassian/ex/jira/${site.id}/rest/api/3`;
  if (match[2] === "/rest/api/3/project/search") return send(...projectSearch(ctx, site, base));
  if (match[2] === "/rest/api/3/search/jql") return send(...jqlSearch(ctx, site, base));
  return send(404, jiraError("Not Found"));
}

function projectSearch(ctx, site, base) {
  const { params } = ctx;
  const startAt = Math.max(intParam(params, "startAt", 0) ?? 0, 0);
  const maxResults = Math.min(Math.max(intParam(params, "maxResults", 50) ?? 50, 1), 100);
  const query = (params.get("query") ?? "").toLowerCase();
  const orderBy = params.get("orderBy") ?? "key";
  const order = orderBy.match(/^([+-]?)(category|issueCount|key|lastIssueUpdatedDate|name|owner|archivedDate|deletedDate)$/);
  if (!order) return [400, jiraError(`The value '${orderBy}' is not valid for orderBy.`)];
  const typeKey = params.get("typeKey");
  const field = order[2] === "name" ? "name" : "key";
  const sign = order[1] === "-" ? -1 : 1;
  const found = projects
    .get(site.id)
    .filter((p) => !query || p.key.toLowerCase().includes(query) || p.name.toLowerCase().includes(query))
    .filter((p) => !typeKey || typeKey.split(",").includes(p.projectTypeKey))
    .sort((a, b) => {
      const [x, y] = [a[field].toLowerCase(), b[field].toLowerCase()];
      return sign * (x < y ? -1 : x > y ? 1 : 0);
    });
  const url = (start) => {
    const copy = new URLSearchParams(params);
    copy.set("startAt", String(start));
    copy.set("maxResults", String(maxResults));
    return `${base}/project/search?${copy}`;
  };
  const isLast = startAt + maxResults >= found.length;
  const incoming = params.has("startAt") ? String(startAt) : undefined;
  const next = nextToken(ctx.path, incoming, isLast ? undefined : String(startAt + maxResults));
  const values = found.slice(startAt, startAt + maxResults).map((p) => ({
    expand: "description,lead,issueTypes,url,projectKeys,permissions,insight",
    self: `${base}/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    avatarUrls: { "48x48": `${site.url}/rest/api/3/universal_avatar/view/type/project/avatar/10400` },
    projectTypeKey: p.projectTypeKey,
    simplified: p.simplified,
    style: p.simplified ? "next-gen" : "classic",
    isPrivate: false,
    properties: {},
  }));
  const body = { self: url(startAt), maxResults, startAt, total: found.length, isLast: next === undefined, values };
  if (next !== undefined) body.nextPage = url(Number(next));
  return [200, body];
}

const ALL_FIELDS = ["summary", "status", "issuetype", "priority", "created", "updated", "description"];

function jqlSearch(ctx, site, base) {
  const { params } = ctx;
  const jql = params.get("jql") ?? "";
  let query;
  try {
    query = parseJql(jql);
  } catch (error) {
    return [400, jiraError(error.message)];
  }
  const project = projects.get(site.id).find((p) => [p.key.toLowerCase(), p.id].includes(query.project.toLowerCase()));
  if (!project) return [400, jiraError(`The value '${query.project}' does not exist for the field 'project'.`)];
  const textOf = (issue, field) => (field === "text" ? `${issue.summary} ${issue.description}` : issue.summary);
  const found = issuesOf(project).filter((issue) =>
    query.texts.every(({ field, words }) => textMatches(textOf(issue, field), words)),
  );
  const order = query.order.length ? query.order : [{ field: "key", desc: true }];
  found.sort((a, b) => {
    for (const { field, desc } of order) {
      const [x, y] = field === "key" ? [a.number, b.number] : [a[field], b[field]];
      if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  });
  const maxResults = Math.min(Math.max(intParam(params, "maxResults", 50) ?? 50, 1), 100);
  const incoming = params.get("nextPageToken");
  const offset = incoming ? decodeToken(incoming, `${site.id}|${jql}`) : 0;
  if (offset === null) return [400, jiraError("The provided next page token is invalid or expired.")];
  const end = offset + maxResults;
  const next = nextToken(ctx.path, incoming, end < found.length ? encodeToken(end, `${site.id}|${jql}`) : undefined);
  const wanted = new Set(params.getAll("fields").flatMap((f) => f.split(",")).map((f) => f.trim()).filter(Boolean));
  const every = wanted.has("*all") || wanted.has("*navigable");
  const names = ALL_FIELDS.filter((name) => (every || wanted.has(name)) && !wanted.has(`-${name}`));
  const issues = found.slice(offset, end).map((issue) => {
    const shown = { expand: "", id: issue.id, self: `${base}/issue/${issue.id}`, key: issue.key };
    if (names.length) shown.fields = Object.fromEntries(names.map((name) => [name, fieldValue(issue, name)]));
    return shown;
  });
  const body = { issues, isLast: next === undefined };
  if (next !== undefined) body.nextPageToken = next;
  return [200, body];
}

function fieldValue(issue, name) {
  if (name !== "description") return issue[name];
  return { type: "doc", version: 1, content: [{ type: "paragraph", content: [{ type: "text", text: issue.description }] }] };
}

export const seed = { sites: SITES.map((s) => s.id), projects: projects.get(SITES[0].id).length, bigProject: "WEB" };
