// The GitHub seed, the same at every start: octocat's 500 repositories (about 300 owned, the
// rest in the `acme` and `switchboard-dev` orgs plus a few as a collaborator), their branches
// (`octocat/big-repo` has 250) and one small file tree every branch shares.
import { random, sha1, timeBefore } from "./common.mjs";

export const USER = {
  login: "octocat",
  id: 583231,
  node_id: "MDQ6VXNlcjU4MzIzMQ==",
  avatar_url: "https://avatars.githubusercontent.com/u/583231?v=4",
  html_url: "https://github.com/octocat",
  type: "User",
  site_admin: false,
  name: "The Octocat",
  company: "@github",
  blog: "https://github.blog",
  location: "San Francisco",
  email: null,
  bio: null,
  public_repos: 8,
  followers: 9000,
  following: 9,
  created_at: "2011-01-25T18:44:36Z",
  updated_at: "2026-01-22T12:13:14Z",
};

export const BIG_REPO = "octocat/big-repo";

const OWNERS = {
  octocat: { login: "octocat", id: 583231, type: "User", affiliation: "owner" },
  acme: { login: "acme", id: 9919001, type: "Organization", affiliation: "organization_member" },
  "switchboard-dev": { login: "switchboard-dev", id: 9919002, type: "Organization", affiliation: "organization_member" },
  monalisa: { login: "monalisa", id: 2, type: "User", affiliation: "collaborator" },
};

const WORDS = ("atlas beacon cobalt delta ember falcon garnet harbor iris juniper kestrel lumen meadow " +
  "nimbus onyx prism quartz raven summit tundra umber vertex willow xenon yarrow zephyr").split(" ");
const KINDS = ["api", "app", "cli", "docs", "infra", "lib", "service", "site", "tools", "worker"];
const MARKUP = [
  "<img src=x onerror=alert('repo')> image in a description",
  "<b>Bold</b> claims & <i>italic</i> hopes",
  "<script>alert('gh')</script>",
  'Quotes " and \' and a backslash \\ here',
];

/** A few descriptions carry markup; some repositories have none. */
function describe(rand, index, name) {
  if (index % 97 === 13) return MARKUP[Math.floor(index / 97) % MARKUP.length];
  return rand.chance(0.2) ? null : `The ${name.replace(/-/g, " ")} project`;
}

function repo(rand, index, owner, name) {
  const id = 100_000_000 + index * 7_919;
  const full = `${owner.login}/${name}`;
  const branchCount = name === "big-repo" ? 250 : 1 + rand.int(5);
  const defaultBranch = index % 17 === 5 ? "master" : index % 41 === 9 ? "develop" : "main";
  const branches = [defaultBranch];
  const extra = ["develop", "feature/search", "release/1.0", "fix/typo", "docs/readme", "chore/deps"];
  for (let i = 1; branches.length < branchCount; i += 1) {
    const candidate = name === "big-repo" ? `feature/branch-${String(i).padStart(3, "0")}` : extra[i - 1];
    if (!branches.includes(candidate)) branches.push(candidate);
  }
  const updated = rand.int(60 * 24 * 900);
  return {
    id,
    node_id: Buffer.from(`010:Repository${id}`).toString("base64"),
    name,
    full_name: full,
    private: index % 4 === 1,
    owner: { login: owner.login, id: owner.id, type: owner.type },
    html_url: `https://github.com/${full}`,
    description: describe(rand, index, name),
    fork: index % 11 === 3,
    archived: index % 23 === 7,
    default_branch: defaultBranch,
    created_at: timeBefore(updated + 60 * 24 * 200).replace(/\.\d{3}Z$/, "Z"),
    updated_at: timeBefore(updated).replace(/\.\d{3}Z$/, "Z"),
    pushed_at: timeBefore(updated + 30).replace(/\.\d{3}Z$/, "Z"),
    affiliation: owner.affiliation,
    branchNames: branches,
    protectedBranch: index % 3 === 0 ? defaultBranch : null,
  };
}

export function seedGitHub() {
  const rand = random(583231);
  const repos = [];
  const named = ["hello-world", "big-repo", "spoon-knife", "linguist", "octocat.github.io"];
  for (let i = 0; i < 500; i += 1) {
    const owner = i < 300 ? OWNERS.octocat : i < 400 ? OWNERS.acme : i < 490 ? OWNERS["switchboard-dev"] : OWNERS.monalisa;
    const name = i < named.length ? named[i] : `${WORDS[i % WORDS.length]}-${KINDS[(i * 7) % KINDS.length]}-${i}`;
    repos.push(repo(rand, i, owner, name));
  }
  const byName = new Map(repos.map((r) => [r.full_name.toLowerCase(), r]));
  // A public repository of someone else's: reachable by name (to star it), never in /user/repos.
  const tauri = repo(random(4242), 500, { login: "tauri-apps", id: 54536011, type: "Organization", affiliation: "none" }, "tauri");
  byName.set(tauri.full_name, tauri);
  return { repos, byName };
}

/** The tree every branch holds; non-default branches also have CHANGELOG.md. */
const TREE = {
  "README.md": "# {name}\n\nA repository seeded by the Switchboard API doubles.\n",
  LICENSE: "MIT License\n\nCopyright (c) 2026 {owner}\n",
  ".gitignore": "/target\nnode_modules/\n",
  "src/main.rs": 'fn main() {\n    println!("hello from {name}");\n}\n',
  "src/lib.rs": "pub mod util;\n",
  "src/util/mod.rs": "pub mod format;\n",
  "src/util/format.rs": "pub fn shout(text: &str) -> String {\n    text.to_uppercase()\n}\n",
  "docs/index.md": "# Documentation\n",
  "docs/guide.md": "# Guide\n\nStart here.\n",
  ".github/workflows/ci.yml": "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
};

/** The files of `repo` at `branch`: path → text. */
export function filesAt(repo, branch) {
  const files = {};
  for (const [path, text] of Object.entries(TREE)) {
    files[path] = text.replaceAll("{name}", repo.name).replaceAll("{owner}", repo.owner.login);
  }
  if (branch !== repo.default_branch) files["CHANGELOG.md"] = `# Changes on ${branch}\n`;
  if (repo.name === "hello-world") files["docs/<img src=x onerror=alert('path')>.md"] = "markup in a file name\n";
  return files;
}

/** A branch's head commit. */
export function headOf(repo, branch) {
  return sha1(`${repo.full_name}@${branch}`);
}

/** Git's blob sha for `text`. */
export function blobSha(text) {
  return sha1(`blob ${Buffer.byteLength(text)}\0${text}`);
}
