// The Google seed, built the same way at every start: Ana's My Drive (a deep "Projects" tree of
// 10,000 files, an "Archive" folder of 10,000, names with markup), two shared drives, and
// her calendar list. Spreadsheets' tabs are derived from their ids when asked for.
import { opaqueId, random, timeBefore } from "./common.mjs";

export const FOLDER = "application/vnd.google-apps.folder";
export const SPREADSHEET = "application/vnd.google-apps.spreadsheet";
const DOCUMENT = "application/vnd.google-apps.document";
const PRESENTATION = "application/vnd.google-apps.presentation";
const PDF = "application/pdf";
const PNG = "image/png";
const JPEG = "image/jpeg";

/** Ids tests may name (also served at GET /_control/seed). */
export const IDS = {
  root: "0AAnaMyDriveRoot",
  projects: "1ProjectsFolder",
  archive: "1ArchiveFolder",
  photos: "1PhotosFolder",
  sharedWithTeam: "1SharedWithTeamFolder",
  markupImage: "1MarkupImgText",
  markupBold: "1MarkupBoldSheet",
  quotedBudget: "1QuotedBudgetSheet",
  trashedBudget: "1TrashedBudgetSheet",
  teamDrive: "0ATeamDrive",
  marketingDrive: "0AMarketingDrive",
  /** Team Drive › "Team plan 2026" (a spreadsheet in a shared drive). */
  teamPlan: "1TeamPlanSheet",
  /** My Drive › Projects › Project 07 › "Roadmap – Project 07" (a spreadsheet). */
  roadmap07: "1Roadmap07Sheet",
};

const TEMPLATES = [
  ["Budget 2026", SPREADSHEET, ""],
  ["Meeting notes", DOCUMENT, ""],
  ["Contract", PDF, ".pdf"],
  ["Site photo", PNG, ".png"],
  ["Timeline", SPREADSHEET, ""],
  ["Status report", DOCUMENT, ""],
  ["Invoice", PDF, ".pdf"],
  ["Diagram", PNG, ".png"],
  ["Kickoff deck", PRESENTATION, ""],
  ["Risk register", SPREADSHEET, ""],
];

export function seedDrive() {
  const rand = random(20260301);
  const files = [];
  const byId = new Map();
  const children = new Map();
  const add = (name, mimeType, parent, extra = {}) => {
    const id = extra.id ?? opaqueId(rand);
    const age = extra.age ?? rand.int(60 * 24 * 400);
    const file = {
      kind: "drive#file",
      id,
      name,
      mimeType,
      parents: [parent],
      starred: extra.starred ?? false,
      trashed: extra.trashed ?? false,
      explicitlyTrashed: extra.trashed === true && extra.inherited !== true,
      createdTime: timeBefore(age + 60 * 24 * 30),
      modifiedTime: timeBefore(age),
      viewedByMeTime: rand.chance(0.25) ? timeBefore(rand.int(60 * 24 * 60)) : undefined,
      ownedByMe: extra.driveId === undefined,
      webViewLink: `https://drive.google.com/open?id=${id}`,
    };
    if (extra.driveId) file.driveId = extra.driveId;
    if (!mimeType.startsWith("application/vnd.google-apps.")) file.size = String(1000 + rand.int(5_000_000));
    if (byId.has(id)) throw new Error(`duplicate Drive id ${id}`);
    files.push(file);
    byId.set(id, file);
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(file);
    return file;
  };
  const folder = (name, parent, extra) => add(name, FOLDER, parent, extra);
  const root = IDS.root;

  // My Drive's top level.
  const projects = folder("Projects", root, { id: IDS.projects, starred: true });
  const archive = folder("Archive", root, { id: IDS.archive });
  const photos = folder("Photos", root, { id: IDS.photos });
  const team = folder("Shared with team", root, { id: IDS.sharedWithTeam });
  add("<img src=x onerror=alert('drive')>.txt", "text/plain", root, { id: IDS.markupImage, age: 90 });
  add("<b>Quarterly</b> report", SPREADSHEET, root, { id: IDS.markupBold, age: 120, starred: true });
  add(`Ana's "budget" \\ 2026`, SPREADSHEET, root, { id: IDS.quotedBudget, age: 30 });
  add("Welcome to Drive.pdf", PDF, root);
  add("Team offsite.jpg", JPEG, root, { starred: true });
  add("Reading list", DOCUMENT, root);
  add("Old budget 2025", SPREADSHEET, root, { id: IDS.trashedBudget, trashed: true });
  const old = folder("Old stuff", root, { trashed: true });
  for (let i = 1; i <= 5; i += 1) add(`Old note ${i}`, DOCUMENT, old.id, { trashed: true, inherited: true });

  // Projects › Project NN › Phase M › 50 files (10,000), plus three files beside the phases.
  for (let p = 1; p <= 20; p += 1) {
    const pp = String(p).padStart(2, "0");
    const project = folder(`Project ${pp}`, projects.id, { id: `1Project${pp}Folder`, starred: p === 3 });
    add(`Roadmap – Project ${pp}`, SPREADSHEET, project.id, { id: p === 7 ? IDS.roadmap07 : undefined });
    add(`Charter – Project ${pp}`, DOCUMENT, project.id);
    add(`Budget overview – Project ${pp}`, SPREADSHEET, project.id);
    for (let m = 1; m <= 10; m += 1) {
      const phase = folder(`Phase ${m}`, project.id);
      for (let j = 0; j < 50; j += 1) {
        const [label, mime, ext] = TEMPLATES[j % 10];
        const version = Math.floor(j / 10);
        const tag = version === 0 ? label : `${label} (v${version + 1})`;
        add(`${tag} – Project ${pp} Phase ${m}${ext}`, mime, phase.id, { starred: j === 0 && p <= 3 && m === 1 });
      }
      if (m % 4 === 0) add(`Old draft – Project ${pp} Phase ${m}`, DOCUMENT, phase.id, { trashed: true });
    }
  }

  // Archive: 10,000 files directly inside (and 25 in the trash that were there).
  for (let i = 1; i <= 10_000; i += 1) {
    const [label, mime, ext] = TEMPLATES[i % 10];
    add(`Archived ${label.toLowerCase()} ${String(i).padStart(5, "0")}${ext}`, mime, archive.id);
  }
  for (let i = 1; i <= 25; i += 1) add(`Deleted record ${i}`, DOCUMENT, archive.id, { trashed: true });

  for (let i = 1; i <= 40; i += 1) {
    add(`IMG_2025${String(1 + (i % 12)).padStart(2, "0")}_${String(i).padStart(4, "0")}.jpg`, JPEG, photos.id);
  }
  for (let i = 1; i <= 5; i += 1) add(`Screenshot ${i}.png`, PNG, photos.id);
  for (const name of ["Team roster", "On-call rota", "Retro notes", "Hiring plan", "Offsite agenda"]) {
    add(name, name.endsWith("rota") || name === "Team roster" ? SPREADSHEET : DOCUMENT, team.id);
  }

  // Shared drives: the drive's id is its top folder's id.
  const drives = [
    { kind: "drive#drive", id: IDS.teamDrive, name: "Team Drive", createdTime: timeBefore(60 * 24 * 500) },
    { kind: "drive#drive", id: IDS.marketingDrive, name: "Marketing", createdTime: timeBefore(60 * 24 * 300) },
  ];
  const inTeam = { driveId: IDS.teamDrive };
  const engineering = folder("Engineering", IDS.teamDrive, inTeam);
  const design = folder("Design", IDS.teamDrive, inTeam);
  add("Team roster", SPREADSHEET, IDS.teamDrive, inTeam);
  add("Onboarding", DOCUMENT, IDS.teamDrive, inTeam);
  for (let i = 1; i <= 12; i += 1) add(`Design doc ${i}`, DOCUMENT, engineering.id, inTeam);
  add("Service budget", SPREADSHEET, engineering.id, { ...inTeam, starred: true });
  add("Logo.png", PNG, design.id, inTeam);
  add("Old mockups", PDF, design.id, { ...inTeam, trashed: true });
  const inMarketing = { driveId: IDS.marketingDrive };
  const campaigns = folder("Campaigns", IDS.marketingDrive, inMarketing);
  add("Brand guide.pdf", PDF, IDS.marketingDrive, inMarketing);
  add("Launch plan", SPREADSHEET, IDS.marketingDrive, inMarketing);
  for (const season of ["Spring", "Summer", "Autumn", "Winter"]) {
    add(`${season} campaign budget`, SPREADSHEET, campaigns.id, inMarketing);
  }
  // Last, so the random ids and dates of everything above stay as they were.
  add("Team plan 2026", SPREADSHEET, IDS.teamDrive, { ...inTeam, id: IDS.teamPlan, age: 60 * 24 * 3 });

  return { files, byId, children, drives };
}

/** Three tabs for any spreadsheet; the `<b>Quarterly</b>` one has a tab named with markup. */
export function tabsOf(file) {
  const rand = random(Number.parseInt(file.id.slice(1, 7).replace(/[^0-9a-z]/gi, "0"), 36) || 7);
  const titles =
    file.id === IDS.markupBold ? ["Summary", "<script>alert(1)</script>", "Q3"] : ["Summary", "Q3", "Data"];
  return titles.map((title, index) => ({
    properties: {
      sheetId: index === 0 ? 0 : 1 + rand.int(2_000_000_000),
      title,
      index,
      sheetType: "GRID",
      gridProperties: { rowCount: 100 * (1 + rand.int(10)), columnCount: 26 },
    },
  }));
}

/** Ana's calendar list, in Google's order (primary first). */
export const CALENDARS = [
  { id: "ana@example.com", summary: "ana@example.com", primary: true, accessRole: "owner", backgroundColor: "#9fe1e7" },
  { id: "c_work01@group.calendar.google.com", summary: "Work", accessRole: "owner", backgroundColor: "#16a765" },
  {
    id: "c_family02@group.calendar.google.com",
    summary: "Family",
    summaryOverride: "Home & family",
    description: "Shared by Rui",
    accessRole: "writer",
    backgroundColor: "#f691b2",
  },
  {
    id: "en.usa#holiday@group.v.calendar.google.com",
    summary: "Holidays in United States",
    description: "Holidays and Observances in United States",
    accessRole: "reader",
    backgroundColor: "#16a765",
  },
  {
    id: "c_standup03@group.calendar.google.com",
    summary: "<b>Team</b> stand-up <img src=x onerror=alert('cal')>",
    accessRole: "reader",
    backgroundColor: "#4986e7",
  },
  { id: "room-4b@resource.calendar.google.com", summary: "Room 4B", accessRole: "freeBusyReader", backgroundColor: "#cabdbf" },
].map((entry, i) => ({
  kind: "calendar#calendarListEntry",
  etag: `"16${String(900000000 + i * 7919)}"`,
  ...entry,
  timeZone: "Europe/Lisbon",
  colorId: String(1 + i),
  foregroundColor: "#000000",
  selected: true,
  defaultReminders: entry.accessRole === "owner" ? [{ method: "popup", minutes: 10 }] : [],
}));
