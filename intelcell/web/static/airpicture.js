/* The air-picture map page: an offline basemap, the live tracks the signed-in user may see
 * (Server-Sent Events from /airpicture/stream), identity symbols, trails, velocity leaders and a
 * keyboard-navigable track list. Plain JavaScript, no framework, no build step. Data reaches the
 * DOM only through textContent and setAttribute, never as markup. */
"use strict";

(function () {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const TRAIL_POINTS = 10;
  const LEADER_SECONDS = 60;
  const METRES_PER_DEGREE = 111320;
  const MIN_SCALE = 1; // pixels per degree of latitude
  const MAX_SCALE = 50000;
  const PAN_STEP = 60; // pixels per arrow key
  const RAISE_BANNER_MS = 1000; // a label not yet covered by the banner: ask again soon
  const LOWER_BANNER_MS = 5000; // labels gone from the map: the banner may come down, unhurried
  const DEFAULT_REGION = { south: 28, north: 42, west: 32, east: 52 }; // the Levant and Iraq

  // APP-6 style frames, centred on the track's position (simple shapes, in pixels).
  const SHAPES = {
    circle: "M -7 0 A 7 7 0 1 0 7 0 A 7 7 0 1 0 -7 0 Z",
    diamond: "M 0 -9 L 9 0 L 0 9 L -9 0 Z",
    square: "M -6.5 -6.5 H 6.5 V 6.5 H -6.5 Z",
    quatrefoil:
      "M -3.5 -3.5 A 3.6 3.6 0 0 1 3.5 -3.5 A 3.6 3.6 0 0 1 3.5 3.5 " +
      "A 3.6 3.6 0 0 1 -3.5 3.5 A 3.6 3.6 0 0 1 -3.5 -3.5 Z",
  };
  // The seven identities of DESIGN.md section 4; dashed frames for the assumed ones (APP-6).
  const IDENTITIES = [
    ["FRIEND", "circle", "friend", "Friend"],
    ["ASSUMED_FRIEND", "circle", "friend dashed", "Assumed friend"],
    ["NEUTRAL", "square", "neutral", "Neutral"],
    ["UNKNOWN", "quatrefoil", "unknown", "Unknown"],
    ["PENDING", "quatrefoil", "unknown dashed", "Pending"],
    ["SUSPECT", "diamond", "hostile dashed", "Suspect"],
    ["HOSTILE", "diamond", "hostile", "Hostile"],
  ];
  const IDENTITY = new Map(IDENTITIES.map(([key, shape, cls, name]) => [key, { shape, cls, name }]));

  const state = {
    tracks: new Map(), // track number -> track as served
    trails: new Map(), // track number -> [[lat, lon, time], ...], oldest first
    nodes: new Map(), // track number -> its SVG elements
    items: new Map(), // track number -> its list item
    selected: null,
    view: { lat0: 35, lon0: 42, k: Math.cos((35 * Math.PI) / 180), scale: 40, tx: 0, ty: 0 },
    basemap: null,
    fitted: false,
    moved: false,
    snapshotSeen: false,
    lastUpdate: null,
    covered: new Set(), // labels the banner was computed for
    bannerBusy: false,
    bannerTimer: null,
    lastBanner: 0,
    source: null,
    retryMs: 2000,
    renderQueued: false,
    allDirty: true, // the view moved: redraw every track
    dirty: new Set(), // track numbers to redraw (map and list)
    listDirty: true, // the list's membership changed
    feedChanged: false,
  };

  const $ = (id) => document.getElementById(id);
  let map, basemapLayer, tracksLayer, list;

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    return node;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function identityOf(track) {
    return IDENTITY.get(track.identity) || IDENTITY.get("UNKNOWN");
  }

  function symbolSvg(identity, size) {
    const icon = svg("svg", { class: "icon", viewBox: "-10 -10 20 20", width: size, height: size, "aria-hidden": "true" });
    const g = svg("g", { class: "track " + identity.cls });
    g.appendChild(svg("path", { class: "symbol", d: SHAPES[identity.shape] }));
    icon.appendChild(g);
    return icon;
  }

  // -- status and errors ----------------------------------------------------------------------

  function setStatus(text, kind) {
    const node = $("status");
    node.textContent = text;
    node.className = "status" + (kind ? " " + kind : "");
  }

  function showError(text) {
    const node = $("error");
    node.textContent = text;
    node.hidden = !text;
  }

  function liveStatus() {
    const count = state.tracks.size;
    const text = "Live · " + count + " " + (count === 1 ? "track" : "tracks");
    if ($("status").textContent !== text) setStatus(text, "live"); // a live region: speak changes only
    if (state.lastUpdate) $("updated").textContent = "last update " + clock(state.lastUpdate);
  }

  // -- formatting -----------------------------------------------------------------------------

  function clock(date) {
    return date.toISOString().slice(11, 19) + "Z";
  }

  function utc(seconds) {
    if (typeof seconds !== "number" || !isFinite(seconds)) return "—";
    return new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19) + "Z";
  }

  function degrees(value, positive, negative) {
    return Math.abs(value).toFixed(4) + "° " + (value >= 0 ? positive : negative);
  }

  function flightLevel(track) {
    if (typeof track.alt_m !== "number") return "";
    return "FL" + String(Math.max(Math.round(track.alt_m / 0.3048 / 100), 0)).padStart(3, "0");
  }

  function altitude(track) {
    if (typeof track.alt_m !== "number") return "—";
    return Math.round(track.alt_m) + " m (" + flightLevel(track) + ")";
  }

  function speed(track) {
    const mps = Math.hypot(track.vel_e_mps, track.vel_n_mps);
    return Math.round(mps) + " m/s (" + Math.round(mps * 1.943844) + " kt)";
  }

  function heading(track) {
    if (Math.hypot(track.vel_e_mps, track.vel_n_mps) < 0.5) return "—";
    const deg = ((Math.atan2(track.vel_e_mps, track.vel_n_mps) * 180) / Math.PI + 360) % 360;
    return String(Math.round(deg) % 360).padStart(3, "0") + "°";
  }

  function title(track) {
    const callsign = (track.callsign || "").trim();
    return "T" + track.track_number + (callsign ? " " + callsign : "");
  }

  // -- projection and view --------------------------------------------------------------------

  function project(lat, lon) {
    const v = state.view;
    return [(lon - v.lon0) * v.k, -(lat - v.lat0)];
  }

  function toScreen(lat, lon) {
    const p = project(lat, lon);
    const v = state.view;
    return [p[0] * v.scale + v.tx, p[1] * v.scale + v.ty];
  }

  function mapSize() {
    const box = map.getBoundingClientRect();
    return { width: Math.max(box.width, 1), height: Math.max(box.height, 1) };
  }

  function clampScale(scale) {
    return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
  }

  function recentre(lat0, lon0) {
    const v = state.view;
    v.lat0 = lat0;
    v.lon0 = lon0;
    v.k = Math.max(Math.cos((lat0 * Math.PI) / 180), 0.05);
    drawBasemap();
    state.allDirty = true;
  }

  function fit() {
    let region = DEFAULT_REGION;
    if (state.tracks.size) {
      region = { south: 90, north: -90, west: 180, east: -180 };
      for (const t of state.tracks.values()) {
        region.south = Math.min(region.south, t.lat);
        region.north = Math.max(region.north, t.lat);
        region.west = Math.min(region.west, t.lon);
        region.east = Math.max(region.east, t.lon);
      }
    }
    recentre((region.south + region.north) / 2, (region.west + region.east) / 2);
    const size = mapSize();
    const v = state.view;
    const spanX = Math.max((region.east - region.west) * v.k, 0.5);
    const spanY = Math.max(region.north - region.south, 0.5);
    v.scale = clampScale(0.8 * Math.min(size.width / spanX, size.height / spanY));
    v.tx = size.width / 2;
    v.ty = size.height / 2;
    state.allDirty = true;
    scheduleRender();
  }

  function zoomAt(factor, x, y) {
    const v = state.view;
    const scale = clampScale(v.scale * factor);
    const f = scale / v.scale;
    v.tx = x - (x - v.tx) * f;
    v.ty = y - (y - v.ty) * f;
    v.scale = scale;
    state.moved = true;
    state.allDirty = true;
    scheduleRender();
  }

  function zoomCentre(factor) {
    const size = mapSize();
    zoomAt(factor, size.width / 2, size.height / 2);
  }

  function pan(dx, dy) {
    state.view.tx += dx;
    state.view.ty += dy;
    state.moved = true;
    state.allDirty = true;
    scheduleRender();
  }

  function centreOn(track) {
    const size = mapSize();
    const p = project(track.lat, track.lon);
    state.view.tx = size.width / 2 - p[0] * state.view.scale;
    state.view.ty = size.height / 2 - p[1] * state.view.scale;
    state.allDirty = true;
    scheduleRender();
  }

  // -- basemap --------------------------------------------------------------------------------

  function ringPath(ring) {
    let d = "";
    for (let i = 0; i < ring.length; i++) {
      const p = project(ring[i][1], ring[i][0]);
      d += (i ? "L" : "M") + p[0].toFixed(3) + " " + p[1].toFixed(3);
    }
    return d + "Z";
  }

  function drawBasemap() {
    if (!state.basemap) return;
    const paths = [];
    for (const feature of state.basemap.features || []) {
      const geometry = feature && feature.geometry;
      if (!geometry) continue;
      let polygons = [];
      if (geometry.type === "Polygon") polygons = [geometry.coordinates];
      else if (geometry.type === "MultiPolygon") polygons = geometry.coordinates;
      let d = "";
      for (const polygon of polygons) for (const ring of polygon) d += ringPath(ring);
      if (!d) continue;
      const path = svg("path", { d: d });
      const name = feature.properties && feature.properties.name;
      if (name) {
        const label = svg("title");
        label.textContent = String(name);
        path.appendChild(label);
      }
      paths.push(path);
    }
    basemapLayer.replaceChildren(...paths);
    scheduleRender();
  }

  async function loadBasemap() {
    try {
      const response = await fetch("/airpicture/basemap.json", { credentials: "same-origin" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      state.basemap = await response.json();
      drawBasemap();
    } catch (err) {
      showError("The basemap could not be loaded (" + err.message + "): tracks are drawn without it.");
    }
  }

  // -- tracks ---------------------------------------------------------------------------------

  function remember(track) {
    const trail = state.trails.get(track.track_number) || [];
    const last = trail[trail.length - 1];
    if (!last || track.time > last[2]) trail.push([track.lat, track.lon, track.time]);
    while (trail.length > TRAIL_POINTS) trail.shift();
    state.trails.set(track.track_number, trail);
  }

  function valid(track) {
    return (
      track &&
      Number.isInteger(track.track_number) &&
      typeof track.lat === "number" &&
      typeof track.lon === "number" &&
      typeof track.vel_e_mps === "number" &&
      typeof track.vel_n_mps === "number"
    );
  }

  function upsert(track) {
    if (!valid(track)) return;
    const known = state.tracks.has(track.track_number);
    state.tracks.set(track.track_number, track);
    remember(track);
    state.dirty.add(track.track_number);
    if (!known) state.listDirty = true;
    if (track.track_number === state.selected) showDetails();
  }

  function remove(number) {
    if (!state.tracks.delete(number)) return;
    state.trails.delete(number);
    state.dirty.delete(number);
    const nodes = state.nodes.get(number);
    if (nodes) nodes.root.remove();
    state.nodes.delete(number);
    const item = state.items.get(number);
    if (item) item.remove();
    state.items.delete(number);
    state.listDirty = true;
    if (state.selected === number) {
      state.selected = null;
      list.removeAttribute("aria-activedescendant");
      showDetails("Track " + number + " ended, or is no longer shown to you.");
    }
  }

  function replaceAll(tracks) {
    const incoming = new Set(tracks.filter(valid).map((t) => t.track_number));
    for (const number of [...state.tracks.keys()]) if (!incoming.has(number)) remove(number);
    for (const track of tracks) upsert(track);
  }

  function nodesFor(number) {
    let nodes = state.nodes.get(number);
    if (!nodes) {
      nodes = {
        root: svg("g", { "data-track": number }),
        trail: svg("polyline", { class: "trail" }),
        leader: svg("line", { class: "leader" }),
        symbol: svg("path", { class: "symbol" }),
        hint: svg("title"),
        label: svg("text", { class: "track-label" }),
      };
      nodes.symbol.appendChild(nodes.hint);
      nodes.root.append(nodes.trail, nodes.leader, nodes.symbol, nodes.label);
      tracksLayer.appendChild(nodes.root);
      state.nodes.set(number, nodes);
    }
    return nodes;
  }

  function drawTrack(track) {
    const nodes = nodesFor(track.track_number);
    const identity = identityOf(track);
    const selected = track.track_number === state.selected;
    nodes.root.setAttribute("class", "track " + identity.cls + (selected ? " selected" : ""));
    const [x, y] = toScreen(track.lat, track.lon);
    nodes.symbol.setAttribute("d", SHAPES[identity.shape]);
    nodes.symbol.setAttribute("transform", "translate(" + x.toFixed(1) + " " + y.toFixed(1) + ")");
    nodes.hint.textContent = title(track) + " · " + identity.name;
    const points = (state.trails.get(track.track_number) || []).map((p) => toScreen(p[0], p[1]));
    nodes.trail.setAttribute("points", points.map((p) => p[0].toFixed(1) + "," + p[1].toFixed(1)).join(" "));
    const cosLat = Math.max(Math.cos((track.lat * Math.PI) / 180), 0.01);
    const ahead = toScreen(
      track.lat + (track.vel_n_mps * LEADER_SECONDS) / METRES_PER_DEGREE,
      track.lon + (track.vel_e_mps * LEADER_SECONDS) / (METRES_PER_DEGREE * cosLat)
    );
    nodes.leader.setAttribute("x1", x.toFixed(1));
    nodes.leader.setAttribute("y1", y.toFixed(1));
    nodes.leader.setAttribute("x2", ahead[0].toFixed(1));
    nodes.leader.setAttribute("y2", ahead[1].toFixed(1));
    nodes.label.setAttribute("x", (x + 11).toFixed(1));
    nodes.label.setAttribute("y", (y - 9).toFixed(1));
    nodes.label.textContent = title(track);
  }

  // -- list and details -----------------------------------------------------------------------

  function order() {
    return [...state.tracks.keys()].sort((a, b) => a - b);
  }

  function updateItem(track) {
    let item = state.items.get(track.track_number);
    if (!item) {
      item = element("li", "track-item");
      item.setAttribute("role", "option");
      item.setAttribute("id", "track-item-" + track.track_number);
      item.setAttribute("aria-selected", "false");
      item.addEventListener("click", () => select(track.track_number, false));
      state.items.set(track.track_number, item);
    }
    const identity = identityOf(track);
    const flight = flightLevel(track);
    item.replaceChildren(
      symbolSvg(identity, 16),
      element("span", "name", title(track)),
      element("span", "meta", identity.name + (flight ? " · " + flight : ""))
    );
  }

  function renderList() {
    if (!state.listDirty) return;
    state.listDirty = false;
    list.replaceChildren(...order().map((n) => state.items.get(n)));
    $("track-count").textContent = "(" + state.tracks.size + ")";
    $("empty").hidden = !state.snapshotSeen || state.tracks.size > 0;
  }

  function showDetails(message) {
    const details = $("details");
    const none = $("no-selection");
    const track = state.selected === null ? null : state.tracks.get(state.selected);
    if (!track) {
      details.hidden = true;
      details.replaceChildren();
      none.textContent = message || "Select a track on the map or in the list (arrow keys).";
      none.hidden = false;
      return;
    }
    const identity = identityOf(track);
    const sensors = Array.isArray(track.sensors) ? track.sensors.map(String) : [];
    const rows = [
      ["Track", "T" + track.track_number],
      ["Callsign", (track.callsign || "").trim() || "—"],
      ["Identity", identity.name],
      ["Time", utc(track.time)],
      ["Position", degrees(track.lat, "N", "S") + ", " + degrees(track.lon, "E", "W")],
      ["Altitude", altitude(track)],
      ["Speed", speed(track)],
      ["Heading", heading(track)],
      ["Quality", track.quality + " of 7 (σ " + Math.round(track.sigma_m) + " m)"],
      ["Mode 3/A", track.mode3a || "—"],
      ["ICAO address", track.icao24 || "—"],
      ["Updates", String(track.updates)],
      ["First seen", utc(track.first_time)],
      ["Sensors", sensors.length ? sensors.join(", ") : "none you may know of"],
      ["Label", String(track.label || "")],
    ];
    const children = [];
    for (const [term, value] of rows) {
      children.push(element("dt", "", term));
      children.push(element("dd", term === "Label" ? "label" : "", value));
    }
    details.replaceChildren(...children);
    details.hidden = false;
    none.hidden = true;
  }

  function select(number, centre) {
    const previous = state.items.get(state.selected);
    if (previous) previous.setAttribute("aria-selected", "false");
    if (state.selected !== null) state.dirty.add(state.selected);
    state.selected = state.tracks.has(number) ? number : null;
    if (state.selected !== null) {
      state.dirty.add(state.selected);
      updateItem(state.tracks.get(state.selected)); // the list item exists before it is focused
    }
    const item = state.items.get(state.selected);
    if (item) {
      item.setAttribute("aria-selected", "true");
      list.setAttribute("aria-activedescendant", item.id);
      item.scrollIntoView({ block: "nearest" });
    } else {
      list.removeAttribute("aria-activedescendant");
    }
    if (centre && state.selected !== null) centreOn(state.tracks.get(state.selected));
    showDetails();
    scheduleRender();
  }

  function onListKey(event) {
    const numbers = order();
    if (!numbers.length) return;
    let i = numbers.indexOf(state.selected);
    switch (event.key) {
      case "ArrowDown":
        i = i < 0 ? 0 : Math.min(numbers.length - 1, i + 1);
        break;
      case "ArrowUp":
        i = i < 0 ? 0 : Math.max(0, i - 1);
        break;
      case "Home":
        i = 0;
        break;
      case "End":
        i = numbers.length - 1;
        break;
      case "Enter":
      case " ":
        if (i >= 0) centreOn(state.tracks.get(numbers[i]));
        event.preventDefault();
        return;
      case "Escape":
        select(null, false);
        event.preventDefault();
        return;
      default:
        return;
    }
    event.preventDefault();
    select(numbers[i], false);
  }

  // -- rendering ------------------------------------------------------------------------------

  function scheduleRender() {
    if (state.renderQueued) return;
    state.renderQueued = true;
    window.requestAnimationFrame(render);
  }

  function render() {
    state.renderQueued = false;
    const v = state.view;
    basemapLayer.setAttribute("transform", "translate(" + v.tx + " " + v.ty + ") scale(" + v.scale + ")");
    for (const number of state.dirty) if (state.tracks.has(number)) updateItem(state.tracks.get(number));
    const redraw = state.allDirty ? [...state.tracks.keys()] : [...state.dirty];
    for (const number of redraw) if (state.tracks.has(number)) drawTrack(state.tracks.get(number));
    state.dirty.clear();
    state.allDirty = false;
    renderList();
    if (state.feedChanged) {
      state.feedChanged = false;
      liveStatus();
      checkBanner();
    }
    const selected = state.nodes.get(state.selected);
    if (selected) tracksLayer.appendChild(selected.root); // drawn last: on top
  }

  // -- banner ---------------------------------------------------------------------------------

  function setBanner(banner) {
    if (!banner || typeof banner.text !== "string") return;
    const level = Number.isInteger(banner.level) && banner.level >= 0 && banner.level <= 4 ? banner.level : 4;
    for (const node of document.querySelectorAll("[data-banner]")) {
      node.textContent = banner.text;
      node.className = "banner level-" + level;
    }
  }

  function checkBanner() {
    const shown = new Set([...state.tracks.values()].map((t) => String(t.label || "")).filter(Boolean));
    const raise = [...shown].some((label) => !state.covered.has(label));
    const lower = [...state.covered].some((label) => !shown.has(label));
    if ((!raise && !lower) || state.bannerBusy || state.bannerTimer) return;
    const wait = state.lastBanner + (raise ? RAISE_BANNER_MS : LOWER_BANNER_MS) - Date.now();
    if (wait > 0) {
      state.bannerTimer = window.setTimeout(() => {
        state.bannerTimer = null;
        checkBanner();
      }, wait);
      return;
    }
    state.bannerBusy = true;
    state.lastBanner = Date.now();
    fetch("/airpicture/tracks.json", { credentials: "same-origin", cache: "no-store" })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (data && Array.isArray(data.labels)) {
          setBanner(data.banner);
          state.covered = new Set(data.labels.map(String));
        }
      })
      .catch(() => {})
      .finally(() => {
        state.bannerBusy = false;
      });
  }

  // -- the live feed --------------------------------------------------------------------------

  function parse(event) {
    try {
      return JSON.parse(event.data);
    } catch (err) {
      return null;
    }
  }

  function changed() {
    state.lastUpdate = new Date();
    state.feedChanged = true;
    scheduleRender();
  }

  async function sessionAlive() {
    try {
      const response = await fetch("/airpicture/tracks.json", { credentials: "same-origin", cache: "no-store" });
      return response.status !== 401;
    } catch (err) {
      return true; // the network, not the session: keep retrying
    }
  }

  function connect() {
    setStatus("Connecting to the live feed…");
    const source = new EventSource("/airpicture/stream");
    state.source = source;
    source.addEventListener("open", () => {
      state.retryMs = 2000;
      showError("");
    });
    source.addEventListener("snapshot", (event) => {
      const data = parse(event);
      if (!data || !Array.isArray(data.tracks)) return;
      replaceAll(data.tracks);
      state.snapshotSeen = true;
      state.listDirty = true;
      if (!state.fitted && state.tracks.size && !state.moved) {
        state.fitted = true;
        fit();
      }
      changed();
    });
    source.addEventListener("track", (event) => {
      upsert(parse(event));
      changed();
    });
    source.addEventListener("drop", (event) => {
      const data = parse(event);
      if (data) remove(data.track_number);
      changed();
    });
    source.addEventListener("error", async () => {
      if (source.readyState === EventSource.CONNECTING) {
        setStatus("Connection to the live feed lost: reconnecting… (the map shows the last known picture)", "warn");
        return;
      }
      source.close();
      state.source = null;
      if (!(await sessionAlive())) {
        setStatus("Your session has ended: sign in again to see the live picture.", "error");
        return;
      }
      const seconds = Math.round(state.retryMs / 1000);
      setStatus("The live feed is unavailable: retrying in " + seconds + " s…", "warn");
      window.setTimeout(connect, state.retryMs);
      state.retryMs = Math.min(state.retryMs * 2, 60000);
    });
  }

  // -- input ----------------------------------------------------------------------------------

  function bindMap() {
    let drag = null;
    map.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      const hit = event.target.closest ? event.target.closest("[data-track]") : null;
      drag = { x: event.clientX, y: event.clientY, moved: false, track: hit ? Number(hit.getAttribute("data-track")) : null };
      map.setPointerCapture(event.pointerId);
    });
    map.addEventListener("pointermove", (event) => {
      if (!drag) return;
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 3) return;
      drag.moved = true;
      map.classList.add("dragging");
      drag.x = event.clientX;
      drag.y = event.clientY;
      pan(dx, dy);
    });
    const end = () => {
      if (drag && !drag.moved) select(drag.track, false);
      drag = null;
      map.classList.remove("dragging");
    };
    map.addEventListener("pointerup", end);
    map.addEventListener("pointercancel", () => {
      drag = null;
      map.classList.remove("dragging");
    });
    map.addEventListener(
      "wheel",
      (event) => {
        event.preventDefault();
        const box = map.getBoundingClientRect();
        const unit = event.deltaMode === 1 ? 0.05 : event.deltaMode === 2 ? 1 : 0.0015;
        zoomAt(Math.exp(-event.deltaY * unit), event.clientX - box.left, event.clientY - box.top);
      },
      { passive: false }
    );
    map.addEventListener("keydown", (event) => {
      const keys = {
        "+": () => zoomCentre(1.5),
        "=": () => zoomCentre(1.5),
        "-": () => zoomCentre(1 / 1.5),
        _: () => zoomCentre(1 / 1.5),
        ArrowLeft: () => pan(PAN_STEP, 0),
        ArrowRight: () => pan(-PAN_STEP, 0),
        ArrowUp: () => pan(0, PAN_STEP),
        ArrowDown: () => pan(0, -PAN_STEP),
        0: fit,
        Home: fit,
        Escape: () => select(null, false),
      };
      const action = keys[event.key];
      if (!action || event.ctrlKey || event.metaKey || event.altKey) return;
      event.preventDefault();
      action();
    });
    $("zoom-in").addEventListener("click", () => zoomCentre(1.5));
    $("zoom-out").addEventListener("click", () => zoomCentre(1 / 1.5));
    $("fit").addEventListener("click", fit);
    window.addEventListener("resize", () => {
      state.allDirty = true;
      scheduleRender();
    });
  }

  function buildLegend() {
    const legend = $("legend");
    for (const [, shape, cls, name] of IDENTITIES) {
      const item = element("li");
      item.append(symbolSvg({ shape, cls }, 16), element("span", "", name));
      legend.appendChild(item);
    }
    const trail = element("li");
    const icon = svg("svg", { class: "icon", viewBox: "0 0 20 10", width: 20, height: 10, "aria-hidden": "true" });
    icon.append(svg("polyline", { class: "trail", points: "0,8 8,6 14,3" }), svg("line", { class: "leader", x1: 14, y1: 3, x2: 20, y2: 0 }));
    trail.append(icon, element("span", "", "trail (last " + TRAIL_POINTS + " positions) · leader (" + LEADER_SECONDS + " s ahead)"));
    legend.appendChild(trail);
  }

  function start() {
    map = $("map");
    basemapLayer = $("basemap");
    tracksLayer = $("tracks");
    list = $("track-list");
    state.covered = new Set([...document.querySelectorAll("#banner-labels li")].map((li) => li.textContent));
    buildLegend();
    bindMap();
    list.addEventListener("keydown", onListKey);
    list.addEventListener("focus", () => {
      if (state.selected === null && state.tracks.size) select(order()[0], false);
    });
    fit();
    loadBasemap();
    if (typeof EventSource === "undefined") {
      setStatus("This browser cannot receive the live feed (no EventSource).", "error");
      return;
    }
    connect();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
