// The optimizer race page. Every race runs in .NET (RacePage.Race, src/Optim.Web): this script only asks for races
// when a setting changes and draws what comes back. A classic script, not a module, so the page works from file://.
'use strict';

const colours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
// The map's colours, as the CLI's plots: slate where the loss is lowest, through sand, to near white on the walls.
const terrain = ['#3b4a6b', '#7d8fa8', '#c9cfc4', '#ece6d3', '#fbfaf6'].map(hex => [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16)));
const firstRacers = ['SGD', 'SGD+momentum', 'RMSprop', 'Adam'];
const lossFloor = 1e-15;

// Everything the page shows follows from this state; window.raceState lets tests read it.
const state = {
  catalog: null,
  landscape: null,
  steps: 0,
  start: [],
  clip: null,
  entries: [],       // { racer, lr, hyperparameters: { name: value } }
  race: null,        // the last answer of RacePage.Race
  map: null,         // the map of the last answer that had one
  shown: 0,          // steps drawn so far
  playing: false,
  races: 0,          // how many races have run: a test waits for it to change
  status: '',        // what the status line says when nothing went wrong
};
window.raceState = state;

const $ = id => document.getElementById(id);
let page; // RacePage's exports

// ---- Starting .NET from framework.js -------------------------------------------------------------------------------

// framework.js (written by dotnet publish, see Site.targets) holds the runtime's files, base64-encoded. The runtime's
// loader is given them from memory: its JavaScript modules as blob: URLs, everything else as a Response.
async function startDotnet() {
  const files = globalThis.raceFramework;
  if (!files) throw new Error('framework.js is missing: build the site with `dotnet publish src/Optim.Web -c Release`.');
  globalThis.raceFrameworkUrl = new URL('_framework/dotnet.js', document.baseURI).href;
  const bytes = name => fromBase64(files[name]);
  const moduleUrls = new Map();
  const moduleUrl = name => {
    if (!moduleUrls.has(name)) moduleUrls.set(name, URL.createObjectURL(new Blob([bytes(name)], { type: 'text/javascript' })));
    return moduleUrls.get(name);
  };
  const load = (type, name) => {
    if (!(name in files)) return null;
    if (name.endsWith('.js')) return moduleUrl(name);
    const contentType = name.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    return Promise.resolve(new Response(bytes(name), { headers: { 'content-type': contentType } }));
  };
  const { dotnet } = await import(moduleUrl('dotnet.js'));
  const runtime = await dotnet.withResourceLoader(load).create();
  const config = runtime.getConfig();
  const exports = await runtime.getAssemblyExports(config.mainAssemblyName);
  const assemblies = (config.resources.assembly || []).map(asset => asset.virtualPath.replace(/\.(wasm|dll)$/, ''));
  return { page: exports.ScratchOptim.Web.RacePage, assemblies };
}

// ---- Numbers --------------------------------------------------------------------------------------------------------

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// Long runs of numbers come as base64 float64 bytes: exact to the bit. rows() cuts them into positions (views, not copies).
const float64s = base64 => new Float64Array(fromBase64(base64).buffer);
const rows = (values, width) => Array.from({ length: values.length / width }, (_, i) => values.subarray(i * width, (i + 1) * width));

// .NET writes NaN and ±infinity as strings (JSON has none); Number() reads them back.
const num = value => (typeof value === 'string' ? Number(value) : value);
const numbers = values => values.map(num);

function format(value, digits = 3) {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (value === 0 || (magnitude >= 1e-3 && magnitude < 1e6)) return String(Number(value.toPrecision(digits)));
  return value.toExponential(digits - 1).replace('e+', 'e');
}

// ---- Sliders from the declared ranges -------------------------------------------------------------------------------

// A slider for a hyperparameter, from its declared range and current value: linear over a finite range, logarithmic
// (three decades either side of the value) over a half-open one, with the left end meaning 0 where 0 is allowed.
function sliderScale(hyper, value) {
  const min = num(hyper.min), max = num(hyper.max);
  const ticks = 1000;
  if (Number.isFinite(min) && Number.isFinite(max)) {
    // Ticks at every thousandth of the range; an excluded end loses its tick.
    return {
      first: hyper.minExclusive ? 1 : 0,
      last: hyper.maxExclusive ? ticks - 1 : ticks,
      toValue: tick => Number((min + (max - min) * tick / ticks).toPrecision(6)),
      toTick: v => Math.round((v - min) / (max - min) * ticks),
    };
  }
  const zeroAllowed = min < 0 || (min === 0 && !hyper.minExclusive);
  const centre = value > 0 ? value : 1e-2;
  let low = Math.log10(centre) - 3, high = Math.log10(centre) + 3;
  if (min > 0) low = Math.max(low, Math.log10(min * (hyper.minExclusive ? 1.001 : 1)));
  if (Number.isFinite(max)) high = Math.min(high, Math.log10(max));
  const zeroTicks = zeroAllowed ? 1 : 0; // tick 0 is 0 itself, the log scale starts at tick 1
  return {
    first: 0,
    last: ticks,
    toValue: tick => (zeroAllowed && tick === 0 ? 0 : Number((10 ** (low + (high - low) * (tick - zeroTicks) / (ticks - zeroTicks))).toPrecision(3))),
    toTick: v => (v <= 0 && zeroAllowed ? 0 : Math.round(zeroTicks + (Math.log10(v) - low) / (high - low) * (ticks - zeroTicks))),
  };
}

// One row: name, slider (or checkbox) and the exact value. onChange(value) is called as the user moves it.
function hyperRow(hyper, value, onChange) {
  const row = document.createElement('label');
  row.className = 'hyper';
  row.title = `${hyper.description || hyper.name} (PyTorch: ${hyper.torchName}${hyper.range ? ', range ' + hyper.range : ''})`;
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = hyper.name;
  row.append(name);
  if (hyper.type === 'bool') {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = value;
    box.dataset.hyper = hyper.name;
    box.addEventListener('change', () => onChange(box.checked));
    row.append(box);
    return row;
  }
  const scale = sliderScale(hyper, value);
  const slider = document.createElement('input');
  slider.type = 'range';
  slider.min = scale.first;
  slider.max = scale.last;
  slider.step = 1;
  slider.value = scale.toTick(value);
  slider.dataset.hyper = hyper.name;
  const exact = document.createElement('input');
  exact.type = 'number';
  exact.step = 'any';
  exact.value = value;
  exact.dataset.hyper = hyper.name;
  slider.addEventListener('input', () => {
    const chosen = hyper.type === 'int' ? Math.round(scale.toValue(Number(slider.value))) : scale.toValue(Number(slider.value));
    exact.value = chosen;
    onChange(chosen);
  });
  exact.addEventListener('change', () => {
    const typed = Number(exact.value);
    if (exact.value === '' || !Number.isFinite(typed)) return;
    slider.value = scale.toTick(typed);
    onChange(typed);
  });
  row.append(slider, exact);
  return row;
}

// ---- Racers ---------------------------------------------------------------------------------------------------------

const racerInfo = label => state.catalog.racers.find(racer => racer.label === label);
const colourOf = index => colours[index % colours.length];

function defaultEntry(label) {
  return { racer: label, lr: num(state.landscape.learningRates[label]), hyperparameters: {} };
}

function buildChoices() {
  const box = $('choices');
  box.replaceChildren();
  for (const racer of state.catalog.racers) {
    const label = document.createElement('label');
    const check = document.createElement('input');
    check.type = 'checkbox';
    check.value = racer.label;
    check.checked = state.entries.some(entry => entry.racer === racer.label);
    check.addEventListener('change', () => {
      if (check.checked) state.entries.push(defaultEntry(racer.label));
      else state.entries = state.entries.filter(entry => entry.racer !== racer.label);
      buildRacerCards();
      runRace();
    });
    const year = document.createElement('span');
    year.className = 'year';
    year.textContent = ` ${racer.year}`;
    label.append(check, ` ${racer.label}`, year);
    box.append(label);
  }
  // The optimizers that cannot race here, each with why (Muon takes matrices only; a position is a vector).
  $('refused').replaceChildren(...state.catalog.refused.map(racer => {
    const item = document.createElement('li');
    item.dataset.racer = racer.label;
    item.textContent = `Not racing: ${racer.reason}`;
    return item;
  }));
}

function buildRacerCards() {
  const box = $('racers');
  box.replaceChildren();
  state.entries.forEach((entry, index) => {
    const racer = racerInfo(entry.racer);
    const card = document.createElement('article');
    card.className = 'racer';
    card.dataset.racer = racer.label;
    card.style.setProperty('--colour', colourOf(index));
    const title = document.createElement('h3');
    title.textContent = `${racer.label} (${racer.year})`;
    const about = document.createElement('p');
    about.className = 'about';
    about.textContent = racer.summary + (racer.authors ? ` — ${racer.authors}` : '');
    card.append(title, about);

    // The learning rate up front, every other hyperparameter folded away.
    const lr = racer.hyperparameters.find(hyper => hyper.name === 'lr');
    if (lr) card.append(hyperRow(lr, entry.lr, value => { entry.lr = value; runRace(); }));
    const others = racer.hyperparameters.filter(hyper => hyper.name !== 'lr');
    if (others.length > 0) {
      const more = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = `hyperparameters (${others.map(hyper => hyper.name).join(', ')})`;
      more.append(summary);
      for (const hyper of others) {
        const value = hyper.name in entry.hyperparameters ? entry.hyperparameters[hyper.name] : num(hyper.value);
        more.append(hyperRow(hyper, value, chosen => { entry.hyperparameters[hyper.name] = chosen; runRace(); }));
      }
      card.append(more);
    }
    card.append(equations(racer));
    box.append(card);
  });
}

// The update as the generator documents it: typeset LaTeX where KaTeX is there, the plain text otherwise.
function equations(racer) {
  const box = document.createElement('div');
  box.className = 'equations';
  if (globalThis.katex && racer.updateLatex.length > 0) {
    for (const line of racer.updateLatex) {
      const row = document.createElement('div');
      katex.render(line, row, { output: 'mathml', throwOnError: false, displayMode: false });
      box.append(row);
    }
  } else {
    const text = document.createElement('pre');
    text.textContent = racer.update.join('\n');
    box.append(text);
  }
  return box;
}

// ---- Running a race -------------------------------------------------------------------------------------------------

function runRace(fitView = false) {
  const request = {
    landscape: state.landscape.name,
    steps: state.steps,
    start: state.start,
    clip: state.clip,
    fitView,
    racers: state.entries.map(entry => ({ racer: entry.racer, lr: entry.lr, hyperparameters: entry.hyperparameters })),
  };
  const answer = JSON.parse(page.Race(JSON.stringify(request)));
  if (answer.error) {
    showStatus(answer.error, true);
    return;
  }
  showStatus(state.status);
  for (const run of answer.runs) {
    run.path = rows(float64s(run.path), state.landscape.dimension);
    run.points = rows(float64s(run.points), 2);
    run.losses = float64s(run.losses);
  }
  if (answer.map) state.map = prepareMap(answer.map, num(answer.minimumLoss));
  state.race = answer;
  state.shown = Math.min(state.shown, state.steps);
  state.races++;
  draw();
}

function showStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
}

// ---- Drawing --------------------------------------------------------------------------------------------------------

const mapMargin = { left: 56, right: 12, top: 12, bottom: 40 };

function mapFrame(canvas) {
  const [xMin, xMax, yMin, yMax] = state.map.window;
  const width = canvas.width - mapMargin.left - mapMargin.right, height = canvas.height - mapMargin.top - mapMargin.bottom;
  return {
    x: x => mapMargin.left + (x - xMin) / (xMax - xMin) * width,
    y: y => mapMargin.top + (yMax - y) / (yMax - yMin) * height,
    fromPixel: (px, py) => [xMin + (px - mapMargin.left) / width * (xMax - xMin), yMax - (py - mapMargin.top) / height * (yMax - yMin)],
    width, height,
  };
}

// The map's values: log10 of the loss above the lowest (so valleys show as well as walls), or the loss itself where
// it has no minimum; an image of them in the terrain colours, and contour lines.
function prepareMap(map, lowest) {
  const cells = map.cells;
  const loss = float64s(map.loss);
  let values = loss;
  if (lowest !== null && Number.isFinite(lowest)) {
    const highest = loss.reduce((most, value) => (Number.isFinite(value) ? Math.max(most, value) : most), lowest);
    const floor = Math.max(lossFloor, 1e-6 * (highest - lowest));
    values = loss.map(value => Math.log10(Math.max(value - lowest, floor)));
  }
  let low = Infinity, high = -Infinity;
  for (const value of values) {
    if (Number.isFinite(value)) { low = Math.min(low, value); high = Math.max(high, value); }
  }
  const image = new ImageData(cells, cells);
  values.forEach((value, i) => {
    const [r, g, b] = terrainColour(Number.isFinite(value) ? (value - low) / (high - low || 1) : 1);
    image.data.set([r, g, b, 255], i * 4);
  });
  const picture = document.createElement('canvas');
  picture.width = picture.height = cells;
  picture.getContext('2d').putImageData(image, 0, 0);
  return {
    ...map,
    window: numbers(map.window),
    minima: map.minima.map(numbers),
    picture,
    contours: contourSegments(values, cells, low, high, 14),
    logScale: values !== loss,
  };
}

function terrainColour(t) {
  const x = Math.min(Math.max(t, 0), 1) * (terrain.length - 1);
  const i = Math.min(Math.floor(x), terrain.length - 2), f = x - i;
  return terrain[i].map((c, k) => Math.round(c + (terrain[i + 1][k] - c) * f));
}

// Marching squares over the cell centres: line segments (x0, y0, x1, y1 in cell units, flat) where the values cross
// one of `count` evenly spaced levels. Each cell visits only the levels between its lowest and highest corner.
function contourSegments(values, cells, low, high, count) {
  const segments = [];
  const spacing = (high - low) / (count + 1);
  const crossing = new Float64Array(8);
  for (let row = 0; row + 1 < cells; row++) {
    for (let column = 0; column + 1 < cells; column++) {
      // Corners clockwise from the top left, and the edge from each to the next.
      const v0 = values[row * cells + column], v1 = values[row * cells + column + 1];
      const v2 = values[(row + 1) * cells + column + 1], v3 = values[(row + 1) * cells + column];
      if (!(Number.isFinite(v0) && Number.isFinite(v1) && Number.isFinite(v2) && Number.isFinite(v3))) continue;
      const lowest = Math.min(v0, v1, v2, v3), highest = Math.max(v0, v1, v2, v3);
      const first = Math.max(1, Math.ceil((lowest - low) / spacing)), last = Math.min(count, Math.floor((highest - low) / spacing));
      for (let level = first; level <= last; level++) {
        const z = low + spacing * level;
        let n = 0;
        const edge = (a, b, x0, y0, x1, y1) => {
          if ((a < z) === (b < z)) return;
          const f = (z - a) / (b - a);
          crossing[n++] = x0 + (x1 - x0) * f + 0.5;
          crossing[n++] = y0 + (y1 - y0) * f + 0.5;
        };
        edge(v0, v1, column, row, column + 1, row);
        edge(v1, v2, column + 1, row, column + 1, row + 1);
        edge(v2, v3, column + 1, row + 1, column, row + 1);
        edge(v3, v0, column, row + 1, column, row);
        for (let k = 0; k + 3 < n; k += 4) segments.push(crossing[k], crossing[k + 1], crossing[k + 2], crossing[k + 3]);
      }
    }
  }
  return segments;
}

function niceTicks(low, high, count = 6) {
  const step = 10 ** Math.floor(Math.log10((high - low) / count));
  const scaled = (high - low) / count / step;
  const size = step * (scaled < 1.5 ? 1 : scaled < 3.5 ? 2 : scaled < 7.5 ? 5 : 10);
  const ticks = [];
  for (let t = Math.ceil(low / size) * size; t <= high; t += size) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function drawMap() {
  const canvas = $('map'), context = canvas.getContext('2d');
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (!state.map || !state.race) return;
  const map = state.map, frame = mapFrame(canvas);
  context.imageSmoothingEnabled = true;
  context.drawImage(map.picture, mapMargin.left, mapMargin.top, frame.width, frame.height);

  context.save();
  context.beginPath();
  context.rect(mapMargin.left, mapMargin.top, frame.width, frame.height);
  context.clip();
  context.strokeStyle = 'rgba(0, 0, 0, 0.25)';
  context.lineWidth = 1;
  context.beginPath();
  const cellWidth = frame.width / map.cells, cellHeight = frame.height / map.cells;
  const contours = map.contours;
  for (let i = 0; i < contours.length; i += 4) {
    context.moveTo(mapMargin.left + contours[i] * cellWidth, mapMargin.top + contours[i + 1] * cellHeight);
    context.lineTo(mapMargin.left + contours[i + 2] * cellWidth, mapMargin.top + contours[i + 3] * cellHeight);
  }
  context.stroke();

  // Each racer's path so far, a dot per step while the steps are few enough to tell apart, and where it is now.
  state.race.runs.forEach((run, index) => {
    const points = run.points.slice(0, state.shown + 1).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (points.length === 0) return;
    context.strokeStyle = context.fillStyle = colourOf(index);
    context.lineWidth = 2;
    context.beginPath();
    points.forEach(([x, y], i) => (i === 0 ? context.moveTo(frame.x(x), frame.y(y)) : context.lineTo(frame.x(x), frame.y(y))));
    context.stroke();
    if (run.points.length <= 400) {
      for (const [x, y] of points) {
        context.beginPath();
        context.arc(frame.x(x), frame.y(y), 2.2, 0, 2 * Math.PI);
        context.fill();
      }
    }
    const [x, y] = points[points.length - 1];
    context.beginPath();
    context.arc(frame.x(x), frame.y(y), 6.5, 0, 2 * Math.PI);
    context.fill();
    context.strokeStyle = '#000';
    context.lineWidth = 1.2;
    context.stroke();
  });

  const start = state.race.runs.length > 0 ? state.race.runs[0].points[0] : null;
  if (start) {
    context.beginPath();
    context.arc(frame.x(start[0]), frame.y(start[1]), 7, 0, 2 * Math.PI);
    context.fillStyle = '#000';
    context.fill();
    context.strokeStyle = '#fff';
    context.lineWidth = 2;
    context.stroke();
  }
  for (const [x, y] of map.minima) {
    context.beginPath();
    context.arc(frame.x(x), frame.y(y), 11, 0, 2 * Math.PI);
    context.strokeStyle = '#000';
    context.lineWidth = 2.5;
    context.stroke();
  }
  context.restore();

  drawAxes(context, frame, map.window, map.xLabel, map.yLabel, canvas);
  $('map-caption').textContent =
    `${map.logScale ? 'Colours and contours: log₁₀(loss − lowest loss)' : 'Colours and contours: the loss'}` +
    `${map.description ? '; ' + map.description : ''}. ● start, ○ minimum; click to start elsewhere.`;
}

function drawAxes(context, frame, [xMin, xMax, yMin, yMax], xLabel, yLabel, canvas) {
  context.fillStyle = '#333';
  context.strokeStyle = '#333';
  context.font = '11px "DejaVu Sans", sans-serif';
  context.lineWidth = 1;
  context.strokeRect(mapMargin.left, mapMargin.top, frame.width, frame.height);
  context.textAlign = 'center';
  context.textBaseline = 'top';
  for (const t of niceTicks(xMin, xMax)) context.fillText(format(t, 4), frame.x(t), mapMargin.top + frame.height + 4);
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (const t of niceTicks(yMin, yMax)) context.fillText(format(t, 4), mapMargin.left - 5, frame.y(t));
  context.textAlign = 'center';
  context.textBaseline = 'bottom';
  context.fillText(xLabel, mapMargin.left + frame.width / 2, canvas.height - 2);
  context.save();
  context.translate(12, mapMargin.top + frame.height / 2);
  context.rotate(-Math.PI / 2);
  context.textBaseline = 'middle';
  context.fillText(yLabel, 0, 0);
  context.restore();
}

// Loss per step: log10 of the loss above the lowest, as the CLI's loss plot; a signed log of the loss without a minimum.
function chartValue(loss, lowest) {
  if (lowest !== null) return Math.log10(Math.max(loss - lowest, lossFloor));
  return Math.sign(loss) * Math.log10(1 + Math.abs(loss));
}

function drawChart() {
  const canvas = $('chart'), context = canvas.getContext('2d');
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (!state.race) return;
  const lowest = state.race.minimumLoss === null ? null : num(state.race.minimumLoss);
  const series = state.race.runs.map(run => run.losses.map(loss => chartValue(loss, lowest)));
  let low = Infinity, high = -Infinity;
  for (const values of series) {
    for (const value of values) {
      if (Number.isFinite(value)) { low = Math.min(low, value); high = Math.max(high, value); }
    }
  }
  if (low > high) return;
  if (high - low < 1e-9) { low -= 1; high += 1; }
  const margin = { left: 56, right: 12, top: 12, bottom: 36 };
  const width = canvas.width - margin.left - margin.right, height = canvas.height - margin.top - margin.bottom;
  const x = step => margin.left + step / Math.max(state.steps, 1) * width;
  const y = value => margin.top + (high - value) / (high - low) * height;

  context.strokeStyle = '#333';
  context.fillStyle = '#333';
  context.lineWidth = 1;
  context.font = '11px "DejaVu Sans", sans-serif';
  context.strokeRect(margin.left, margin.top, width, height);
  context.textAlign = 'center';
  context.textBaseline = 'top';
  for (const t of niceTicks(0, state.steps)) context.fillText(String(t), x(t), margin.top + height + 4);
  context.fillText('step', margin.left + width / 2, margin.top + height + 20);
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (const t of niceTicks(low, high)) context.fillText(lowest !== null ? `1e${t}` : format(t), margin.left - 5, y(t));

  if (lowest !== null) {
    const tolerance = Math.log10(num(state.race.tolerance));
    if (tolerance >= low && tolerance <= high) {
      context.setLineDash([5, 4]);
      context.strokeStyle = '#999';
      context.beginPath();
      context.moveTo(margin.left, y(tolerance));
      context.lineTo(margin.left + width, y(tolerance));
      context.stroke();
      context.setLineDash([]);
    }
  }
  series.forEach((values, index) => {
    context.strokeStyle = colourOf(index);
    context.lineWidth = 1.8;
    context.beginPath();
    let drawing = false;
    for (let step = 0; step <= Math.min(state.shown, values.length - 1); step++) {
      if (!Number.isFinite(values[step])) { drawing = false; continue; }
      if (drawing) context.lineTo(x(step), y(values[step]));
      else context.moveTo(x(step), y(values[step]));
      drawing = true;
    }
    context.stroke();
  });
  $('chart-caption').textContent = lowest !== null
    ? `Loss above the lowest (${format(lowest, 6)}) per step, log scale; dashed: the tolerance ${format(num(state.race.tolerance))}.`
    : 'Loss per step (signed log scale: this landscape has no minimum).';
}

function drawTable() {
  const body = $('results').tBodies[0];
  body.replaceChildren();
  if (!state.race) return;
  state.race.runs.forEach((run, index) => {
    const now = Math.min(state.shown, run.losses.length - 1);
    const row = body.insertRow();
    const name = row.insertCell();
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colourOf(index);
    name.append(swatch, run.racer);
    row.insertCell().textContent = format(num(run.lr));
    row.insertCell().textContent = format(run.losses[now], 6);
    row.insertCell().textContent = run.divergedAtStep !== null ? `diverged at step ${run.divergedAtStep}` : format(run.losses[run.losses.length - 1], 6);
    row.insertCell().textContent = run.stepsToTolerance ?? '—';
  });
}

function draw() {
  drawMap();
  drawChart();
  drawTable();
  $('counter').textContent = `step ${state.shown} of ${state.steps}`;
  $('play').textContent = state.playing ? 'Pause' : 'Play';
}

// ---- Animation ------------------------------------------------------------------------------------------------------

function animate() {
  if (!state.playing) return;
  state.shown = Math.min(state.shown + Number($('speed').value), state.steps);
  if (state.shown >= state.steps) state.playing = false;
  draw();
  if (state.playing) requestAnimationFrame(animate);
}

function play() {
  if (state.shown >= state.steps) state.shown = 0;
  state.playing = true;
  requestAnimationFrame(animate);
}

function pause() {
  state.playing = false;
  draw();
}

// ---- Controls -------------------------------------------------------------------------------------------------------

function chooseLandscape(name) {
  state.landscape = state.catalog.landscapes.find(landscape => landscape.name === name);
  state.steps = state.landscape.defaultSteps;
  state.start = numbers(state.landscape.defaultStart);
  $('steps').value = state.steps;
  $('formula').textContent = state.landscape.formula;
  $('speed').value = String([1, 2, 5, 10, 25, 50].find(speed => state.steps / speed <= 400) || 50);
  state.entries = state.entries.map(entry => defaultEntry(entry.racer));
  buildRacerCards();
  state.shown = 0;
  runRace(true);
}

function wireControls() {
  $('landscape').addEventListener('change', () => { chooseLandscape($('landscape').value); play(); });
  $('steps').addEventListener('change', () => {
    const steps = Math.round(Number($('steps').value));
    if (!(steps >= 1)) return;
    state.steps = steps;
    runRace();
  });
  $('clip').addEventListener('change', () => {
    const clip = Number($('clip').value);
    state.clip = $('clip').value === '' || !(clip > 0) ? null : clip;
    runRace();
  });
  $('play').addEventListener('click', () => (state.playing ? pause() : play()));
  $('step').addEventListener('click', () => { state.playing = false; state.shown = Math.min(state.shown + 1, state.steps); draw(); });
  $('reset').addEventListener('click', () => { state.playing = false; state.shown = 0; draw(); });
  $('end').addEventListener('click', () => { state.playing = false; state.shown = state.steps; draw(); });
  $('fit').addEventListener('click', () => runRace(true));
  $('map').addEventListener('click', event => {
    if (!state.map) return;
    const canvas = $('map'), box = canvas.getBoundingClientRect();
    const px = (event.clientX - box.left) * canvas.width / box.width, py = (event.clientY - box.top) * canvas.height / box.height;
    const [x, y] = mapFrame(canvas).fromPixel(px, py);
    state.start = Array.from(page.Lift(x, y)).map(coordinate => Number(coordinate.toPrecision(4)));
    state.shown = 0;
    runRace();
    play();
  });
}

async function main() {
  try {
    const began = performance.now();
    const started = await startDotnet();
    console.debug(`race: .NET started in ${Math.round(performance.now() - began)} ms`);
    page = started.page;
    state.catalog = JSON.parse(page.Catalog(started.assemblies));
    const vector = state.catalog.vector;
    state.status = `Running on .NET in WebAssembly: ${state.catalog.racers.length} racers; Vector<float> has ${vector.lanes} lanes` +
      (vector.hardwareAccelerated ? ' (WebAssembly SIMD).' : ' (no SIMD: scalar loops).');
    for (const landscape of state.catalog.landscapes) $('landscape').add(new Option(`${landscape.name} (${landscape.dimension}-D)`, landscape.name));
    const initial = state.catalog.landscapes.find(landscape => landscape.name === 'beale') || state.catalog.landscapes[0];
    $('landscape').value = initial.name;
    state.landscape = initial;
    state.entries = firstRacers.filter(racerInfo).map(defaultEntry);
    buildChoices();
    wireControls();
    chooseLandscape(initial.name);
    state.ready = true;
    console.debug(`race: ready in ${Math.round(performance.now() - began)} ms`);
    play();
  } catch (error) {
    showStatus(`The race could not start: ${error.message || error}`, true);
    throw error;
  }
}

main();
