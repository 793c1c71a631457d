// The playground page: follows the workspace by SSE and renders what the chosen person sees; everything a person does
// goes to /playground/api as JSON, where the server signs it like Slack and sends it to SpeBot's real /slack/events.
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("config").textContent);
  const S = cfg.strings;
  const people = cfg.people;
  const nameOf = (id) => id === cfg.bot ? "SpeBot" : ((people.find((p) => p.id === id) || {}).name || id);
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; };
  const REACTIONS = ["+1", "eyes", "bulb", "tada", "arrow_up"];
  let user = new URLSearchParams(location.search).get("user") || people[0].id;
  let tab = "channel";
  let state = null;
  let modalKey = null;

  const app = document.getElementById("app");
  const bar = app.appendChild(el("div", "bar"));
  const who = bar.appendChild(el("div", "who"));
  who.appendChild(el("span", "label", S["playground.user"]));
  people.forEach((p) => {
    const b = who.appendChild(el("button", "person", p.name + (p.maintainer ? " (" + S["playground.maintainer"] + ")" : "")));
    b.type = "button";
    b.dataset.user = p.id;
    b.addEventListener("click", () => { user = p.id; modalKey = null; refresh(); if (tab === "home") openHome(); });
  });
  const tabs = bar.appendChild(el("div", "tabs"));
  [["channel", "#" + cfg.channelName], ["home", S["playground.home"]], ["dms", S["playground.dms"]]].forEach(([id, label]) => {
    const b = tabs.appendChild(el("button", "tab", label));
    b.type = "button";
    b.dataset.tab = id;
    b.addEventListener("click", () => { tab = id; render(); if (id === "home") openHome(); });
  });
  const pane = app.appendChild(el("main", "pane"));
  const composer = app.appendChild(el("form", "composer"));
  const input = composer.appendChild(el("input"));
  input.name = "text";
  input.placeholder = S["playground.compose"];
  input.setAttribute("aria-label", S["playground.compose"]);
  input.autocomplete = "off";
  composer.appendChild(el("button", null, S["playground.send"])).type = "submit";
  const status = app.appendChild(el("p", "status"));
  status.setAttribute("role", "status");
  const overlay = document.body.appendChild(el("div", "overlay"));
  overlay.hidden = true;

  composer.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    await post("command", { user, channel: tab === "dms" ? dm() : cfg.channel, text });
  });

  const dm = () => people.find((p) => p.id === user).dm;

  async function post(what, body) {
    const r = await fetch("/playground/api/" + what, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const answer = r.ok ? await r.json() : { status: r.status };
    status.textContent = answer.status >= 400 ? S["playground.failed"].replace("{status}", answer.status) : "";
    await refresh();
    return answer;
  }

  function openHome() { post("home", { user }); }

  async function refresh() {
    const r = await fetch("/playground/api/state?user=" + encodeURIComponent(user), { cache: "no-store" });
    if (!r.ok) return;
    state = await r.json();
    render();
  }

  function ctxFor(where) {
    return {
      name: nameOf,
      currentChannel: where.channel || cfg.channel,
      conversations: () => [{ id: cfg.channel, name: cfg.channelName }],
      errors: where.errors,
      action: (a) => post("action", { user, channel: where.channel || null, ts: where.ts || null, view: where.view || null, action: a }),
    };
  }

  function message(m) {
    const d = el("div", "msg" + (m.ephemeral ? " ephemeral" : ""));
    d.id = "m-" + m.ts;
    d.dataset.ts = m.ts;
    d.dataset.user = m.user;
    const head = d.appendChild(el("div", "msg-head"));
    head.appendChild(el("b", null, nameOf(m.user)));
    if (m.user === cfg.bot) head.appendChild(el("span", "app-tag", "APP"));
    if (m.ephemeral) head.appendChild(el("span", "only-you", S["playground.only_you"]));
    const ctx = ctxFor({ channel: m.channel, ts: m.ts });
    if (m.blocks && m.blocks.length) d.appendChild(BlockKit.blocks(m.blocks, ctx));
    else d.appendChild(BlockKit.mrkdwn(m.text || "", ctx, el("div", "msg-text")));
    if (!m.ephemeral) {
      const rx = d.appendChild(el("div", "reactions"));
      m.reactions.forEach((r) => {
        const b = rx.appendChild(el("button", "reaction" + (r.mine ? " mine" : ""), BlockKit.emoji(r.name) + " " + r.count));
        b.type = "button";
        b.dataset.name = r.name;
        b.setAttribute("aria-pressed", r.mine ? "true" : "false");
        b.title = r.users.map(nameOf).join(", ");
        b.addEventListener("click", () => post("reaction", { user, channel: m.channel, ts: m.ts, name: r.name, add: !r.mine }));
      });
      const add = rx.appendChild(el("span", "add-reaction"));
      REACTIONS.forEach((name) => {
        const b = add.appendChild(el("button", "pick", BlockKit.emoji(name)));
        b.type = "button";
        b.dataset.add = name;
        b.title = S["playground.react"] + " :" + name + ":";
        b.setAttribute("aria-label", S["playground.react"] + " :" + name + ":");
        b.addEventListener("click", () => post("reaction", { user, channel: m.channel, ts: m.ts, name, add: true }));
      });
    }
    return d;
  }

  function render() {
    who.querySelectorAll("button.person").forEach((b) => b.setAttribute("aria-pressed", b.dataset.user === user ? "true" : "false"));
    tabs.querySelectorAll("button.tab").forEach((b) => b.setAttribute("aria-selected", b.dataset.tab === tab ? "true" : "false"));
    if (!state) return;
    pane.replaceChildren();
    pane.dataset.tab = tab;
    composer.hidden = tab === "home";
    if (tab === "home") {
      if (state.home) pane.appendChild(BlockKit.blocks(state.home.blocks, ctxFor({ view: "home" })));
      else pane.appendChild(el("p", "empty", S["playground.empty"]));
    } else {
      const list = tab === "channel" ? state.channel : state.dms;
      if (!list.length) pane.appendChild(el("p", "empty", S["playground.empty"]));
      // Thread replies sit under their parent, as Slack shows them, not in the channel's flow.
      list.filter((m) => !m.thread_ts).forEach((m) => {
        const d = pane.appendChild(message(m));
        const replies = list.filter((r) => r.thread_ts === m.ts);
        if (replies.length) {
          const thread = d.appendChild(el("div", "thread"));
          thread.appendChild(el("div", "thread-count", replies.length + (replies.length === 1 ? " reply" : " replies")));
          replies.forEach((r) => thread.appendChild(message(r)));
        }
      });
      pane.scrollTop = pane.scrollHeight;
    }
    renderModal();
  }

  function renderModal() {
    const m = state.modal;
    const key = m ? JSON.stringify(m) : null;
    if (key === modalKey) return;
    modalKey = key;
    // What the person typed survives a re-render (a validation error keeps the other fields, as in Slack).
    const typed = {};
    overlay.querySelectorAll("[data-input-block]").forEach((c) => { typed[c.dataset.inputBlock] = c.value; });
    overlay.replaceChildren();
    overlay.hidden = !m;
    if (!m) return;
    const v = m.view;
    const dialog = overlay.appendChild(el("form", "modal"));
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.dataset.viewId = m.id;
    dialog.dataset.callbackId = v.callback_id || "";
    dialog.appendChild(el("h2", "modal-title", v.title ? v.title.text : ""));
    const ctx = ctxFor({ view: m.id, errors: m.errors, channel: null });
    dialog.appendChild(BlockKit.blocks(v.blocks, ctx));
    if (m.errors && m.errors[""]) dialog.appendChild(el("div", "bk-error", m.errors[""]));
    dialog.querySelectorAll("[data-input-block]").forEach((c) => { if (typed[c.dataset.inputBlock] !== undefined) c.value = typed[c.dataset.inputBlock]; });
    const buttons = dialog.appendChild(el("div", "modal-buttons"));
    const cancel = buttons.appendChild(el("button", "bk-button cancel", v.close ? v.close.text : S["playground.cancel"]));
    cancel.type = "button";
    cancel.addEventListener("click", () => post("close", { user, view: m.id }));
    const submit = buttons.appendChild(el("button", "bk-button primary submit", v.submit ? v.submit.text : S["playground.submit"]));
    submit.type = "submit";
    dialog.addEventListener("submit", (ev) => { ev.preventDefault(); post("submit", { user, view: m.id, values: BlockKit.values(dialog, v) }); });
  }

  const events = new EventSource("/playground/api/events");
  events.addEventListener("change", () => refresh());
  render();
  refresh();
})();
