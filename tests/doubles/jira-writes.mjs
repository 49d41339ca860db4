// Jira Cloud REST v3 for what actions do: issues assigned to the caller (a `search/jql` whose JQL
// is `assignee = currentUser() AND statusCategory != Done [AND duedate <= "Nd"] ORDER BY …`),
// issue creation (fields checked as Jira checks them, description in Atlassian Document
// Format), comments (ADF), an issue's transitions and moving it. Jira's 400 bodies
// (`errorMessages`, `errors`). What is made is kept until reset.
import { sendJson } from "./common.mjs";
import { onReset } from "./control.mjs";

const TYPES = ["Task", "Bug", "Story", "Epic", "Subtask"];
const TRANSITIONS = [
  { id: "11", name: "To Do", to: { name: "To Do", statusCategory: { key: "new" } } },
  { id: "21", name: "Start progress", to: { name: "In Progress", statusCategory: { key: "indeterminate" } } },
  { id: "31", name: "Done", to: { name: "Done", statusCategory: { key: "done" } } },
];
const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const mine = () => [
  { key: "WEB-7", summary: "Fix the login redirect", status: "In Progress", category: "indeterminate", duedate: day(2) },
  { key: "WEB-9", summary: "Q3 report numbers", status: "To Do", category: "new", duedate: day(5) },
  { key: "OPS-3", summary: "Rotate the API keys", status: "To Do", category: "new", duedate: day(20) },
  { key: "WEB-2", summary: "Old landing page", status: "Done", category: "done", duedate: day(-3) },
];
const state = { created: new Map(), comments: [], moved: new Map(), next: 50_000 };
onReset(() => {
  state.created.clear();
  state.comments = [];
  state.moved.clear();
});

const bad = (messages, errors = {}) => [400, { errorMessages: messages, errors }];
const isDocument = (value) => value?.type === "doc" && value.version === 1 && Array.isArray(value.content);

function json(ctx) {
  try {
    return (ctx.req.headers["content-type"] ?? "").includes("application/json") ? JSON.parse(ctx.body) : null;
  } catch {
    return null;
  }
}

/** Answers what actions need under `/rest/api/3` of `site` (as [status, body]); undefined otherwise. */
export function handleJiraWrites(ctx, rest, site, base, projectOf, issueExists) {
  if (rest === "/rest/api/3/search/jql" && (ctx.params.get("jql") ?? "").includes("currentUser()")) return assigned(ctx, base);
  if (rest === "/rest/api/3/issue" && ctx.method === "POST") {
    const body = json(ctx);
    if (!body?.fields) return bad(["Invalid request payload. Refer to the REST API documentation and try again."]);
    const { project, issuetype, summary, description, duedate } = body.fields;
    const found = project?.key && projectOf(project.key);
    if (!found) return bad([], { project: "valid project is required" });
    if (!TYPES.includes(issuetype?.name)) return bad([], { issuetype: "Specify a valid issue type" });
    if (typeof summary !== "string" || summary.trim() === "") return bad([], { summary: "You must specify a summary of the issue." });
    if (description !== undefined && !isDocument(description)) return bad([], { description: "Operation value must be an Atlassian Document (see the Atlassian Document Format)" });
    if (duedate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(duedate)) return bad([], { duedate: "Error parsing date string: " + duedate });
    const key = `${found.key}-${9000 + state.created.size + 1}`;
    const id = String((state.next += 1));
    state.created.set(key, { id, key, summary, issuetype, duedate });
    return [201, { id, key, self: `${base}/issue/${id}` }];
  }
  const match = rest.match(/^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9_]*-\d+)\/(comment|transitions)$/);
  if (!match) return undefined;
  const [, key, what] = match;
  if (!state.created.has(key) && !issueExists(key)) return [404, { errorMessages: ["Issue does not exist or you do not have permission to see it."], errors: {} }];
  if (what === "comment" && ctx.method === "POST") {
    const body = json(ctx);
    if (!isDocument(body?.body)) return bad([], { comment: "Comment body can not be empty!" });
    const id = String((state.next += 1));
    state.comments.push({ key, id, body: body.body });
    return [201, { id, self: `${base}/issue/${key}/comment/${id}`, body: body.body }];
  }
  if (what === "transitions" && ctx.method === "GET") return [200, { expand: "transitions", transitions: TRANSITIONS }];
  if (what === "transitions" && ctx.method === "POST") {
    const id = json(ctx)?.transition?.id;
    if (!TRANSITIONS.some((transition) => transition.id === id)) return bad([`Transition id '${id}' is not valid for this issue.`]);
    state.moved.set(key, id);
    return [204, undefined];
  }
  return undefined;
}

function assigned(ctx, base) {
  const jql = ctx.params.get("jql");
  const shape = /^assignee = currentUser\(\) AND statusCategory != Done( AND duedate <= "(\d+)d")?( ORDER BY duedate ASC, updated DESC)?$/;
  const parsed = jql.match(shape);
  if (!parsed) return bad([`Error in the JQL Query: the double does not read '${jql}'.`]);
  const within = parsed[2] === undefined ? Infinity : Number(parsed[2]);
  const found = mine()
    .filter((issue) => issue.category !== "done")
    .filter((issue) => issue.duedate <= day(within === Infinity ? 3650 : within))
    .sort((a, b) => (a.duedate < b.duedate ? -1 : 1));
  const issues = found.map((issue, index) => ({
    id: String(70_000 + index),
    key: issue.key,
    self: `${base}/issue/${issue.key}`,
    fields: { summary: issue.summary, status: { name: issue.status, statusCategory: { key: issue.category } }, duedate: issue.duedate },
  }));
  return [200, { issues, isLast: true }];
}
