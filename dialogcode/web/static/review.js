// dialogcode review: keyboard and mouse actions on the codes of a transcript.
// Every action is sent at once to /api/decide, which writes decisions.csv.
"use strict";

const token = document.querySelector('meta[name="dialogcode-token"]').content;
const codes = JSON.parse(document.getElementById("codes").textContent);
const status = document.getElementById("status");
const chips = () => Array.from(document.querySelectorAll(".chip"));
let lastTurn = null;   // the turn clicked or holding the current code

function say(text, bad) {
  status.textContent = text;
  status.className = bad ? "bad" : "ok";
}

async function send(body) {
  let response;
  try {
    response = await fetch("/api/decide", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-Dialogcode-Token": token},
      body: JSON.stringify(body),
    });
  } catch (err) {
    say("Not saved: the server cannot be reached (" + err.message + ")", true);
    return null;
  }
  const answer = await response.json().catch(() => ({error: response.statusText}));
  if (!response.ok) {
    say("Not saved: " + (answer.error || response.status), true);
    return null;
  }
  return answer.saved;
}

function savedLine(saved) {
  const time = saved.decided_at ? saved.decided_at.slice(11, 19) : "";
  return "Saved " + time + ": " + saved.decision + " " + saved.code_id + " on " +
    saved.seg_id + (saved.note ? " (note: " + saved.note + ")" : "");
}

function current() {
  const active = document.activeElement;
  return active && active.classList.contains("chip") ? active : null;
}

function focusChip(chip) {
  if (!chip) return;
  window.getSelection().removeAllRanges();   // c then codes this chip's turn, not old words
  chip.focus();
  chip.scrollIntoView({block: "nearest"});
  lastTurn = chip.closest(".turn");
}

function move(step) {
  const all = chips();
  if (!all.length) return;
  const here = all.indexOf(current());
  const next = here < 0 ? (step > 0 ? 0 : all.length - 1)
    : Math.min(Math.max(here + step, 0), all.length - 1);
  focusChip(all[next]);
}

function nextOpen(chip) {
  const all = chips();
  const rest = all.slice(all.indexOf(chip) + 1).concat(all.slice(0, all.indexOf(chip)));
  return rest.find(c => !c.dataset.decision) || chip;
}

function show(chip, saved) {
  chip.dataset.decision = saved.decision;
  chip.dataset.note = saved.note;
  chip.classList.remove("open", "accept", "reject");
  chip.classList.add(saved.decision);
  chip.querySelector(".state").textContent = saved.decision === "accept" ? "accepted" : "rejected";
  chip.querySelector(".note-text").textContent = saved.note;
  for (const mark of chip.closest(".turn").querySelectorAll("mark.span")) {
    if (mark.dataset.codes.split(" ").includes(saved.code_id)) {
      mark.classList.toggle("rejected", saved.decision === "reject");
    }
  }
}

async function decide(chip, decision) {
  if (!chip) return say("Choose a code first (j / k, or click one)", true);
  const saved = await send({seg_id: chip.dataset.seg, code_id: chip.dataset.code, decision,
                           sha256: chip.closest(".turn").dataset.sha});
  if (!saved) return;
  if (saved.removed) {      // a code taken out of the codebook: its decision is deleted
    const next = nextOpen(chip);
    chip.remove();
    say("Deleted from decisions.csv: the decision on " + saved.code_id + " on " +
        saved.seg_id + " (not in the codebook)");
    return focusChip(next === chip ? null : next);
  }
  show(chip, saved);
  say(savedLine(saved));
  focusChip(nextOpen(chip));
}

// A dialog that returns the text typed (Enter) or null (Esc).
function ask(dialog, input, onKey) {
  return new Promise(resolve => {
    const done = value => {
      input.removeEventListener("keydown", key);
      dialog.removeEventListener("close", cancel);
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const cancel = () => done(null);
    const key = event => {
      if (onKey && onKey(event)) return;
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); done(input.value); }
    };
    input.addEventListener("keydown", key);
    dialog.addEventListener("close", cancel);
    dialog.showModal();
    input.focus();
  });
}

async function note(chip) {
  if (!chip) return say("Choose a code first (j / k, or click one)", true);
  if (!chip.dataset.decision) return say("Accept or reject the code first, then add a note", true);
  const input = document.getElementById("note-input");
  input.value = chip.dataset.note || "";
  const text = await ask(document.getElementById("note-dialog"), input);
  chip.focus();
  if (text === null) return;
  // the note alone (decision null): the decision stays as it now stands on the server,
  // even when another tab changed it after this page was drawn
  const saved = await send({seg_id: chip.dataset.seg, code_id: chip.dataset.code,
                            decision: null, note: text,
                            sha256: chip.closest(".turn").dataset.sha});
  if (!saved) return;
  show(chip, saved);
  say(savedLine(saved));
}

// The selected words of one turn as [turn, start, end] in code points (spaces around
// them left out); null when nothing is selected, false when the selection is not
// within the text of one turn.
function selectedSpan() {
  const selection = window.getSelection();
  if (!selection.rangeCount || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const text = range.startContainer.parentElement &&
    range.startContainer.parentElement.closest(".text");
  if (!text || !text.contains(range.endContainer)) return false;
  const before = document.createRange();
  before.setStart(text, 0);
  before.setEnd(range.startContainer, range.startOffset);
  const words = Array.from(range.toString());
  const lead = words.length - Array.from(range.toString().trimStart()).length;
  const trail = words.length - Array.from(range.toString().trimEnd()).length;
  const start = Array.from(before.toString()).length + lead;
  const end = start - lead + words.length - trail;
  return end > start ? [text.closest(".turn"), start, end] : null;
}

async function addCode() {
  const span = selectedSpan();
  if (span === false) return say("Select words within the text of one turn", true);
  const turn = span ? span[0] : (current() ? current().closest(".turn") : lastTurn);
  if (!turn || turn.classList.contains("context") || !turn.querySelector("button.add")) {
    return say("Select words in a turn, or go to a code of the turn (j / k), then press c", true);
  }
  const input = document.getElementById("code-input");
  const list = document.getElementById("code-list");
  document.getElementById("code-target").textContent = span
    ? "to \u201c" + window.getSelection().toString() + "\u201d"
    : "to the whole turn " + turn.dataset.seg;
  let shown = [], chosen = 0;
  const draw = () => {
    const words = input.value.toLowerCase();
    shown = codes.filter(c => (c.id + " " + c.label).toLowerCase().includes(words));
    chosen = Math.min(chosen, Math.max(shown.length - 1, 0));
    list.replaceChildren(...shown.slice(0, 12).map((c, i) => {
      const item = document.createElement("li");
      item.textContent = c.label + " (" + c.id + ")";
      item.title = c.definition;
      item.style.setProperty("--c", c.colour);
      item.className = i === chosen ? "chosen" : "";
      item.addEventListener("mousedown", event => {
        event.preventDefault(); chosen = i; input.value = c.id; draw();
        input.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter"}));
      });
      return item;
    }));
  };
  const arrows = event => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      chosen = Math.max(0, Math.min(chosen + (event.key === "ArrowDown" ? 1 : -1),
                                    Math.min(shown.length, 12) - 1));
      draw();
      return true;
    }
    return false;
  };
  input.value = "";
  input.oninput = () => { chosen = 0; draw(); };
  draw();
  const typed = await ask(document.getElementById("code-dialog"), input, arrows);
  if (typed === null || !shown.length) return;
  const code = shown[chosen];
  const body = {seg_id: turn.dataset.seg, code_id: code.id, decision: "accept",
                sha256: turn.dataset.sha};
  if (span) { body.start = span[1]; body.end = span[2]; }
  const saved = await send(body);
  if (!saved) return;
  say(savedLine(saved));
  sessionStorage.setItem("dialogcode-status", savedLine(saved));
  location.hash = turn.dataset.seg;
  location.reload();
}

function toggleKeys() {
  const keys = document.getElementById("keys");
  if (!keys) return;
  const visible = getComputedStyle(keys).display !== "none";
  keys.classList.toggle("hidden", visible);
  keys.classList.toggle("shown", !visible);
}

document.addEventListener("keydown", event => {
  if (event.target.closest("input, textarea, dialog") || event.ctrlKey || event.metaKey ||
      event.altKey) return;
  const actions = {
    j: () => move(1), k: () => move(-1),
    a: () => decide(current(), "accept"), r: () => decide(current(), "reject"),
    n: () => note(current()), c: () => addCode(),
    "?": toggleKeys,
  };
  if (actions[event.key]) {
    event.preventDefault();
    actions[event.key]();
  }
});

// Keep the selected words selected when "+ code" is pressed.
document.addEventListener("mousedown", event => {
  if (event.target.closest("button.add")) event.preventDefault();
});

document.addEventListener("click", event => {
  const turn = event.target.closest(".turn");
  if (turn) lastTurn = turn;
  const button = event.target.closest("button");
  if (!button) return;
  if (button.classList.contains("add")) return addCode();
  const chip = button.closest(".chip");
  if (!chip) return;
  chip.focus();
  if (button.dataset.act === "note") note(chip);
  else decide(chip, button.dataset.act);
});

// After a reload (a code was added), say what was saved and go back to that turn.
window.addEventListener("load", () => {
  const saved = sessionStorage.getItem("dialogcode-status");
  if (saved) { say(saved); sessionStorage.removeItem("dialogcode-status"); }
  const turn = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (turn) {
    lastTurn = turn;
    const chip = turn.querySelector(".chip");
    if (chip) focusChip(chip); else turn.scrollIntoView({block: "center"});
  }
});
