// Renders Slack Block Kit as Slack shows it: every block and element SpeBot sends (section with text, fields and an
// accessory; context; actions; button with style; overflow; static_select; conversations_select; header; divider;
// input with plain_text_input or a select). Text is only ever set with textContent: mrkdwn becomes DOM nodes, never HTML.
window.BlockKit = (function () {
  "use strict";
  const EMOJI = { "+1": "👍", thumbsup: "👍", arrow_up: "⬆️", eyes: "👀", bulb: "💡", white_check_mark: "✅", tada: "🎉", warning: "⚠️",
    wave: "👋", rocket: "🚀", fire: "🔥", clock1: "🕐", hourglass: "⌛", trophy: "🏆", star: "⭐", memo: "📝", calendar: "📅", x: "❌",
    heavy_check_mark: "✔️", chart_with_upwards_trend: "📈", hammer_and_wrench: "🛠️", lock: "🔒", moneybag: "💰", seedling: "🌱",
    zap: "⚡", recycle: "♻️", question: "❓", pushpin: "📌", speech_balloon: "💬", bell: "🔔", sparkles: "✨", handshake: "🤝", busts_in_silhouette: "👥" };
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; };
  const decode = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const emoji = (name) => EMOJI[name] || ":" + name + ":";

  // Slack mrkdwn → nodes: <links|text>, <@U>, <#C|name>, `code`, ```pre```, *bold*, _italic_, ~strike~, :emoji:, newlines, bare URLs.
  function mrkdwn(text, ctx, target) {
    const re = /(<[^<>\s][^<>]*>)|(```[\s\S]*?```)|(`[^`\n]+`)|(\*[^*\n]+\*)|(_[^_\n]+_)|(~[^~\n]+~)|(:[a-z0-9_+\-]+:)|(\n)|(https?:\/\/[^\s<>]+)/g;
    let last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) target.appendChild(document.createTextNode(decode(text.slice(last, m.index))));
      const t = m[0];
      if (m[1]) {
        const inner = t.slice(1, -1), bar = inner.indexOf("|");
        const ref = bar < 0 ? inner : inner.slice(0, bar), label = bar < 0 ? null : inner.slice(bar + 1);
        if (ref.startsWith("@")) target.appendChild(el("span", "mention", "@" + ctx.name(ref.slice(1))));
        else if (ref.startsWith("#")) target.appendChild(el("span", "mention", "#" + decode(label || ref.slice(1))));
        else if (ref.startsWith("!")) target.appendChild(el("span", "mention", "@" + (label || ref.slice(1))));
        else {
          const a = el("a", null, decode(label || ref));
          if (/^https?:\/\//i.test(decode(ref))) { a.href = decode(ref); a.target = "_blank"; a.rel = "noopener noreferrer"; }
          target.appendChild(a);
        }
      } else if (m[2]) target.appendChild(el("pre", null, decode(t.slice(3, -3))));
      else if (m[3]) target.appendChild(el("code", null, decode(t.slice(1, -1))));
      else if (m[4]) mrkdwn(t.slice(1, -1), ctx, target.appendChild(el("b")));
      else if (m[5]) mrkdwn(t.slice(1, -1), ctx, target.appendChild(el("i")));
      else if (m[6]) mrkdwn(t.slice(1, -1), ctx, target.appendChild(el("s")));
      else if (m[7]) target.appendChild(document.createTextNode(emoji(t.slice(1, -1))));
      else if (m[8]) target.appendChild(el("br"));
      else {
        // Slack links a bare URL in a message as it shows it.
        const a = el("a", null, decode(t));
        a.href = decode(t); a.target = "_blank"; a.rel = "noopener noreferrer";
        target.appendChild(a);
      }
      last = re.lastIndex;
    }
    if (last < text.length) target.appendChild(document.createTextNode(decode(text.slice(last))));
    return target;
  }

  function text(obj, ctx, cls) {
    const span = el("span", cls);
    if (!obj) return span;
    if (obj.type === "mrkdwn") return mrkdwn(obj.text || "", ctx, span);
    // plain_text: no formatting; emoji codes still show as emoji.
    (obj.text || "").split(/(:[a-z0-9_+\-]+:)/g).forEach((part) => {
      span.appendChild(document.createTextNode(/^:[a-z0-9_+\-]+:$/.test(part) && obj.emoji !== false ? emoji(part.slice(1, -1)) : part));
    });
    return span;
  }

  function element(e, ctx, blockId, inInput) {
    switch (e.type) {
      case "button": {
        const b = el("button", "bk-button" + (e.style ? " " + e.style : ""));
        b.type = "button";
        b.appendChild(text(e.text, ctx));
        b.dataset.actionId = e.action_id || "";
        b.addEventListener("click", () => ctx.action({ type: "button", action_id: e.action_id, block_id: blockId, value: e.value, text: e.text }));
        return b;
      }
      case "overflow": {
        const wrap = el("span", "bk-overflow");
        const b = el("button", "bk-button overflow", "⋯");
        b.type = "button";
        b.setAttribute("aria-haspopup", "menu");
        b.dataset.actionId = e.action_id || "";
        const menu = el("div", "bk-menu");
        menu.setAttribute("role", "menu");
        menu.hidden = true;
        (e.options || []).forEach((o) => {
          const item = el("button", "bk-menu-item");
          item.type = "button";
          item.setAttribute("role", "menuitem");
          item.appendChild(text(o.text, ctx));
          item.addEventListener("click", () => { menu.hidden = true; ctx.action({ type: "overflow", action_id: e.action_id, block_id: blockId, selected_option: o }); });
          menu.appendChild(item);
        });
        b.addEventListener("click", () => { menu.hidden = !menu.hidden; });
        wrap.append(b, menu);
        return wrap;
      }
      case "static_select": {
        const s = el("select", "bk-select");
        s.dataset.actionId = e.action_id || "";
        const ph = el("option", null, e.placeholder ? e.placeholder.text : "—");
        ph.value = "";
        s.appendChild(ph);
        const all = e.option_groups ? e.option_groups.flatMap((g) => g.options) : (e.options || []);
        all.forEach((o) => {
          const opt = el("option", null, text(o.text, ctx).textContent);
          opt.value = o.value;
          if (e.initial_option && e.initial_option.value === o.value) opt.selected = true;
          s.appendChild(opt);
        });
        s.selectedOption = () => all.find((o) => o.value === s.value) || null;
        if (!inInput) s.addEventListener("change", () => ctx.action({ type: "static_select", action_id: e.action_id, block_id: blockId, selected_option: s.selectedOption() }));
        return s;
      }
      case "conversations_select": {
        const s = el("select", "bk-select");
        s.dataset.actionId = e.action_id || "";
        ctx.conversations().forEach((c) => {
          const opt = el("option", null, "#" + c.name);
          opt.value = c.id;
          if ((e.default_to_current_conversation && c.id === ctx.currentChannel) || e.initial_conversation === c.id) opt.selected = true;
          s.appendChild(opt);
        });
        return s;
      }
      case "plain_text_input": {
        const i = e.multiline ? el("textarea", "bk-input") : el("input", "bk-input");
        if (!e.multiline) i.type = "text";
        if (e.initial_value) i.value = e.initial_value;
        if (e.placeholder) i.placeholder = e.placeholder.text;
        if (e.max_length) i.maxLength = e.max_length;
        i.dataset.actionId = e.action_id || "";
        return i;
      }
      case "image": {
        const img = el("img", "bk-image");
        img.alt = e.alt_text || "";
        img.src = e.image_url || "";
        return img;
      }
      default:
        return el("span", "bk-unknown", "[" + e.type + "]");
    }
  }

  function block(b, ctx) {
    const d = el("div", "bk-block bk-" + b.type);
    if (b.block_id) d.dataset.blockId = b.block_id;
    switch (b.type) {
      case "section": {
        const body = el("div", "bk-section-body");
        if (b.text) body.appendChild(text(b.text, ctx, "bk-text"));
        if (b.fields) {
          const f = el("div", "bk-fields");
          b.fields.forEach((x) => f.appendChild(text(x, ctx, "bk-field")));
          body.appendChild(f);
        }
        d.appendChild(body);
        if (b.accessory) d.appendChild(el("div", "bk-accessory")).appendChild(element(b.accessory, ctx, b.block_id));
        break;
      }
      case "header": d.appendChild(text(b.text, ctx, "bk-header-text")); break;
      case "divider": d.appendChild(el("hr")); break;
      case "context": (b.elements || []).forEach((e) => d.appendChild(e.type === "image" ? element(e, ctx) : text(e, ctx, "bk-context-item"))); break;
      case "actions": (b.elements || []).forEach((e) => d.appendChild(element(e, ctx, b.block_id))); break;
      case "input": {
        const label = el("label", "bk-label");
        label.appendChild(text(b.label, ctx));
        if (b.optional) label.appendChild(el("span", "bk-optional", " (optional)"));
        d.appendChild(label);
        const control = element(b.element, ctx, b.block_id, true);
        control.dataset.inputBlock = b.block_id;
        d.appendChild(control);
        if (b.hint) d.appendChild(text(b.hint, ctx, "bk-hint"));
        const err = ctx.errors && ctx.errors[b.block_id];
        if (err) {
          d.classList.add("bk-has-error");
          d.appendChild(el("div", "bk-error", err)).setAttribute("role", "alert");
        }
        break;
      }
      case "image": d.appendChild(element(b, ctx)); break;
      default: d.appendChild(el("span", "bk-unknown", "[" + b.type + "]"));
    }
    return d;
  }

  function blocks(list, ctx) {
    const wrap = el("div", "bk-blocks");
    (list || []).forEach((b) => wrap.appendChild(block(b, ctx)));
    return wrap;
  }

  // view.state.values as Slack builds it from the inputs a modal holds.
  function values(container, view) {
    const out = {};
    (view.blocks || []).filter((b) => b.type === "input").forEach((b) => {
      const control = container.querySelector('[data-input-block="' + CSS.escape(b.block_id) + '"]');
      const e = b.element, v = {};
      if (e.type === "plain_text_input") { v.type = e.type; v.value = control.value === "" ? null : control.value; }
      else if (e.type === "static_select") { v.type = e.type; v.selected_option = control.selectedOption(); }
      else if (e.type === "conversations_select") { v.type = e.type; v.selected_conversation = control.value || null; }
      out[b.block_id] = {}; out[b.block_id][e.action_id] = v;
    });
    return out;
  }

  return { blocks, mrkdwn, text, values, emoji };
})();
