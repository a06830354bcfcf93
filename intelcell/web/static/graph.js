// The relationship graph (intelcell/web/templates/graph.html): reads /graph/data.json (only what
// the signed-in user may read), draws an SVG with a small force layout written here (no library,
// no CDN), lets nodes be dragged, and makes each node an SVG link: Tab moves between them, Enter
// or a click opens the object. No inline styles: colours come from classes in exchange.css.
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const svg = document.getElementById("graph");
  if (!svg) return;
  const status = document.getElementById("graph-status");
  const errorBox = document.getElementById("graph-error");

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const key in attrs) node.setAttribute(key, attrs[key]);
    if (parent) parent.appendChild(node);
    return node;
  }

  function done(message, failed) {
    status.setAttribute("aria-busy", "false");
    status.textContent = failed ? "" : message;
    if (failed) {
      errorBox.textContent = message;
      errorBox.hidden = false;
    }
  }

  function layout(nodes, edges, width, height) {
    // Fruchterman-Reingold-style: springs along edges, repulsion between all pairs, cooling.
    const n = nodes.length;
    const k = Math.sqrt((width * height) / Math.max(n, 1)) * 0.6;
    nodes.forEach(function (node, i) {
      const angle = (2 * Math.PI * i) / Math.max(n, 1);
      const radius = Math.min(width, height) * (node.focus ? 0 : 0.35);
      node.x = width / 2 + radius * Math.cos(angle);
      node.y = height / 2 + radius * Math.sin(angle);
    });
    const rounds = n > 150 ? 120 : 250;
    let temperature = width / 8;
    for (let round = 0; round < rounds; round++) {
      const dx = new Float64Array(n), dy = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          let x = nodes[i].x - nodes[j].x, y = nodes[i].y - nodes[j].y;
          let d2 = x * x + y * y;
          if (d2 < 0.01) { x = Math.random() - 0.5; y = Math.random() - 0.5; d2 = 0.5; }
          const f = (k * k) / d2;
          dx[i] += x * f; dy[i] += y * f; dx[j] -= x * f; dy[j] -= y * f;
        }
      }
      edges.forEach(function (e) {
        const x = e.s.x - e.t.x, y = e.s.y - e.t.y;
        const d = Math.sqrt(x * x + y * y) || 0.1;
        const f = d / k;
        dx[e.s.i] -= x * f; dy[e.s.i] -= y * f; dx[e.t.i] += x * f; dy[e.t.i] += y * f;
      });
      for (let i = 0; i < n; i++) {
        // A pull to the centre keeps unconnected objects near the rest; nothing is clamped to
        // the box (clamping piles nodes on its edges): the view is fitted to the layout after.
        // The pull is stronger across the short side, so the layout takes the box's shape.
        dx[i] += (width / 2 - nodes[i].x) * 0.08; dy[i] += (height / 2 - nodes[i].y) * 0.08 * (width / height);
        const d = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) || 1;
        const step = Math.min(d, temperature);
        nodes[i].x += (dx[i] / d) * step;
        nodes[i].y += (dy[i] / d) * step;
      }
      temperature *= 0.97;
    }
  }

  function fit(nodes) {
    // The view box around the bulk of the graph (2nd to 98th percentile): small components that
    // repulsion pushed far out are brought to its edge rather than shrinking everything else.
    if (!nodes.length) return;
    function span(values) {
      const sorted = values.slice().sort(function (a, b) { return a - b; });
      const at = function (q) { return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]; };
      return [at(0.02), at(0.98)];
    }
    const xs = span(nodes.map(function (node) { return node.x; }));
    const ys = span(nodes.map(function (node) { return node.y; }));
    nodes.forEach(function (node) {
      node.x = Math.max(xs[0], Math.min(xs[1], node.x)); node.y = Math.max(ys[0], Math.min(ys[1], node.y));
    });
    const box = [xs[0] - 30, ys[0] - 30, xs[1] - xs[0] + 200, ys[1] - ys[0] + 60];
    svg.setAttribute("viewBox", box.join(" "));
    const rect = svg.getBoundingClientRect();
    return Math.max(Math.min(rect.width / box[2], rect.height / box[3]), 0.05);  // screen pixels per unit
  }

  function draw(data) {
    const box = svg.getBoundingClientRect();
    const width = Math.max(box.width, 300), height = Math.max(box.height, 300);
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    const byId = new Map();
    data.nodes.forEach(function (node, i) { node.i = i; byId.set(node.id, node); });
    const edges = data.edges
      .filter(function (e) { return byId.has(e.source) && byId.has(e.target); })
      .map(function (e) { return { s: byId.get(e.source), t: byId.get(e.target), kind: e.kind }; });
    layout(data.nodes, edges, width, height);
    const scale = fit(data.nodes) || 1;
    // Names are written beside the hubs (groups, places, anything with four or more connections)
    // and the focus; the others show theirs on hover and keyboard focus, so the picture stays legible.
    const degree = new Map();
    edges.forEach(function (e) {
      degree.set(e.s.id, (degree.get(e.s.id) || 0) + 1); degree.set(e.t.id, (degree.get(e.t.id) || 0) + 1);
    });
    data.nodes.forEach(function (node) {
      node.hub = node.focus || data.nodes.length <= 40 || node.kind === "group" || node.kind === "location" || (degree.get(node.id) || 0) >= 4;
    });

    const edgeLayer = el("g", { class: "edges" }, svg);
    const nodeLayer = el("g", { class: "nodes" }, svg);
    edges.forEach(function (e) {
      e.line = el("line", { class: "edge" }, edgeLayer);
      const title = el("title", {}, e.line);
      title.textContent = e.s.name + " — " + e.kind + " → " + e.t.name;
    });
    data.nodes.forEach(function (node) {
      const link = el("a", { href: "/objects/" + encodeURIComponent(node.id), class: "node" + (node.focus ? " node-focus" : "") + (node.hub ? " hub" : "") }, nodeLayer);
      link.setAttribute("aria-label", node.name + " (" + node.type + ", " + node.label + ")");
      link.dataset.node = node.id;
      // Sizes in layout units that draw as 7 (10) pixel dots and 11 pixel names at any zoom.
      el("circle", { r: (node.focus ? 10 : 7) / scale, class: "node-" + node.kind }, link);
      const text = el("text", { dx: 10 / scale, dy: 4 / scale, "font-size": 11 / scale }, link);
      text.textContent = node.name.length > 40 ? node.name.slice(0, 39) + "…" : node.name;
      const title = el("title", {}, link);
      title.textContent = node.name + "\n" + node.type + " · " + node.label;
      node.el = link;
    });

    function place() {
      edges.forEach(function (e) {
        e.line.setAttribute("x1", e.s.x); e.line.setAttribute("y1", e.s.y);
        e.line.setAttribute("x2", e.t.x); e.line.setAttribute("y2", e.t.y);
      });
      data.nodes.forEach(function (node) { node.el.setAttribute("transform", "translate(" + node.x + "," + node.y + ")"); });
    }
    place();

    // Dragging moves a node; a press without movement stays a click that opens the object.
    let dragged = null, moved = false;
    function point(event) {
      const m = svg.getScreenCTM().inverse();
      const p = svg.createSVGPoint();
      p.x = event.clientX; p.y = event.clientY;
      return p.matrixTransform(m);
    }
    nodeLayer.addEventListener("pointerdown", function (event) {
      const link = event.target.closest("a");
      if (!link || event.button !== 0) return;
      dragged = byId.get(link.dataset.node);
      moved = false;
      svg.setPointerCapture(event.pointerId);
    });
    svg.addEventListener("pointermove", function (event) {
      if (!dragged) return;
      const p = point(event);
      if (Math.abs(p.x - dragged.x) + Math.abs(p.y - dragged.y) > 2) moved = true;
      if (!moved) return;
      svg.classList.add("dragging");
      dragged.x = p.x; dragged.y = p.y;
      place();
    });
    svg.addEventListener("pointerup", function (event) {
      svg.classList.remove("dragging");
      if (dragged && !moved) window.location.assign(dragged.el.getAttribute("href"));
      dragged = null;
      if (svg.hasPointerCapture(event.pointerId)) svg.releasePointerCapture(event.pointerId);
    });
    nodeLayer.addEventListener("click", function (event) { event.preventDefault(); });
    nodeLayer.addEventListener("keydown", function (event) {
      const link = event.target.closest("a");
      if (link && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        window.location.assign(link.getAttribute("href"));
      }
    });
  }

  fetch(svg.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (response.status === 401) throw new Error("Your session ended: sign in again to see the graph.");
      if (!response.ok) throw new Error("The graph could not be loaded (" + response.status + ").");
      return response.json();
    })
    .then(function (data) {
      draw(data);
      done(data.nodes.length + " objects drawn" + (data.truncated ? " (the first " + data.cap + ")" : "") + ".", false);
      svg.classList.add("drawn");
    })
    .catch(function (error) { done(error.message, true); });
})();
