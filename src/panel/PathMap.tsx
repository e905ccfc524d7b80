import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Button, useStyles2 } from '@grafana/ui';
import { select } from 'd3-selection';
import { zoom, zoomIdentity, ZoomBehavior } from 'd3-zoom';
import React, {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';

import { DASH, Palette } from './colors';
import { edgeEnds, edgePath, goesBack, HEADING, Layout, Placed } from './layout';
import { LabelMode, MapEdge, PathModel, Status, STATUSES } from './types';

/** Target is what a click or Enter picked: a node or an edge, by id. */
export type Target = { node: string } | { edge: string };

export interface PathMapProps {
  model: PathModel;
  layout: Layout;
  palette: Palette;
  labels: LabelMode;
  width: number;
  height: number;
  /** highlight holds the node and edge ids of the hovered recipient's branch, if any. */
  highlight?: Set<string>;
  selected?: string;
  onSelect: (t: Target) => void;
  onHoverRecipients: (recipients: string[] | undefined) => void;
}

/** PathMap draws the laid-out map as SVG, with pan and zoom from d3-zoom. */
export function PathMap(props: PathMapProps) {
  const s = useStyles2(styles);
  const svgRef = useRef<SVGSVGElement>(null);
  const groupRef = useRef<SVGGElement>(null);
  const marker = useId().replace(/:/g, '');
  const { layout, width, height, model, palette, labels, highlight, selected } = props;
  const { onSelect, onHoverRecipients } = props;
  const win = useWindow(layout, width, height);
  const behaviour = useZoom(svgRef, groupRef, win.onZoom);

  const fit = useCallback(() => {
    const svg = svgRef.current;
    if (!svg || !behaviour) {
      return;
    }
    // An explicit extent: d3-zoom's default reads the svg's viewBox, which not every DOM has.
    behaviour.extent([
      [0, 0],
      [width, height],
    ]);
    select(svg).call(behaviour.transform, fitting(layout, width, height));
  }, [behaviour, layout, width, height]);

  // Fit the map into the panel whenever its geometry changes.
  useLayoutEffect(fit, [fit]);

  // Mark the map ready once a frame has been painted with this layout. The attribute is set
  // by hand: a state change would render the whole map once more just to say so.
  useEffect(() => {
    const svg = svgRef.current;
    svg?.setAttribute('data-ready', 'false');
    const id = requestAnimationFrame(() => svg?.setAttribute('data-ready', 'true'));
    return () => cancelAnimationFrame(id);
  }, [layout]);

  const shown = win.rect;
  const draw = {
    model,
    layout,
    palette,
    labels,
    highlight,
    selected,
    onSelect,
    onHoverRecipients,
    shown,
  };
  // Hovering changes only the highlight; the memo keeps pan and zoom from redrawing anything.
  const edges = useMemo(
    () => drawEdges(draw, marker),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [model, layout, palette, highlight, selected, onSelect, onHoverRecipients, marker, shown]
  );
  const nodes = useMemo(
    () => drawNodes(draw, s),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [model, layout, palette, labels, highlight, selected, onSelect, onHoverRecipients, s, shown]
  );
  const items = useMemo(() => interleave(layout, nodes, edges), [layout, nodes, edges]);
  const zoomBy = (k: number) =>
    svgRef.current && behaviour && select(svgRef.current).call(behaviour.scaleBy, k);
  return (
    <div className={s.wrap}>
      <svg
        ref={svgRef}
        width={width}
        height={height}
        className={s.svg}
        data-testid="pathmap"
        role="group"
        aria-label="Path map"
      >
        <defs>
          {STATUSES.map((st) => (
            <marker
              key={st}
              id={`${marker}-${st}`}
              viewBox="0 0 10 10"
              refX="10"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" fill={palette[st]} />
            </marker>
          ))}
        </defs>
        <g ref={groupRef}>
          {layout.columns.map((c) => (
            <text key={c.index} x={c.x} y={HEADING - 12} className={s.heading}>
              {clip(c.title, 28)}
            </text>
          ))}
          {items}
        </g>
      </svg>
      <div className={s.zoom}>
        <Button size="sm" variant="secondary" onClick={() => zoomBy(1.25)} aria-label="Zoom in">
          +
        </Button>
        <Button size="sm" variant="secondary" onClick={() => zoomBy(0.8)} aria-label="Zoom out">
          −
        </Button>
        <Button size="sm" variant="secondary" onClick={fit} aria-label="Fit the map">
          Fit
        </Button>
      </div>
    </div>
  );
}

/**
 * fitting scales the map into the panel, but no smaller than a fifth: a 500-recipient map
 * shrunk to fit would be unreadable. A map still taller than the panel opens centred on its
 * hosts, the part the mail passed, rather than on its first mailboxes.
 */
export function fitting(layout: Layout, width: number, height: number) {
  const fit = Math.min(
    1,
    (width - 16) / Math.max(1, layout.width),
    (height - 16) / Math.max(1, layout.height)
  );
  const k = Math.max(fit, 0.2);
  if (layout.height * k <= height - 16) {
    return zoomIdentity.translate(8, 8).scale(k);
  }
  const hosts = [...layout.nodes.values()].filter(
    (p) => p.node.kind !== 'mailbox' && p.node.kind !== 'relay'
  );
  const ys = hosts.length > 0 ? hosts : [...layout.nodes.values()];
  const mid = ys.reduce((sum, p) => sum + p.y + p.height / 2, 0) / Math.max(1, ys.length);
  return zoomIdentity.translate(8, height / 2 - mid * k).scale(k);
}

/** Rect is an area of the map, in the map's own coordinates. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

type Transform = ReturnType<typeof zoomIdentity.scale>;

/** viewOf is the area of the map a panel of w by h shows under transform t. */
export function viewOf(t: Transform, w: number, h: number): Rect {
  return { x0: -t.x / t.k, y0: -t.y / t.k, x1: (w - t.x) / t.k, y1: (h - t.y) / t.k };
}

/** grow widens r by its own size on every side: the drawn window around the view. */
function grow(r: Rect): Rect {
  const dx = r.x1 - r.x0;
  const dy = r.y1 - r.y0;
  return { x0: r.x0 - dx, y0: r.y0 - dy, x1: r.x1 + dx, y1: r.y1 + dy };
}

function within(inner: Rect, outer: Rect): boolean {
  return (
    inner.x0 >= outer.x0 && inner.y0 >= outer.y0 && inner.x1 <= outer.x1 && inner.y1 <= outer.y1
  );
}

/** meets says whether two areas overlap. */
export function meets(a: Rect, b: Rect): boolean {
  return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

/**
 * useWindow keeps the area of the map that is drawn: the view and as much again around it.
 * Only what meets it is put in the DOM, which keeps a 500-recipient map fast (most of its
 * mailboxes lie far below the first view); panning redraws only once the view leaves it.
 */
function useWindow(layout: Layout, width: number, height: number) {
  const first = useMemo(
    () => grow(viewOf(fitting(layout, width, height), width, height)),
    [layout, width, height]
  );
  const [moved, setMoved] = useState<{ first: Rect; rect: Rect }>();
  const rect = moved?.first === first ? moved.rect : first;
  const current = useRef(rect);
  useLayoutEffect(() => {
    current.current = rect;
  }, [rect]);
  const onZoom = useCallback(
    (t: Transform) => {
      const view = viewOf(t, width, height);
      if (!within(view, current.current)) {
        current.current = grow(view);
        setMoved({ first, rect: current.current });
      }
    },
    [first, width, height]
  );
  return { rect, onZoom };
}

/**
 * useZoom attaches d3-zoom to the svg and applies its transform to the map's group directly:
 * going through React state would redraw every node on every wheel tick.
 */
function useZoom(
  svgRef: React.RefObject<SVGSVGElement>,
  groupRef: React.RefObject<SVGGElement>,
  onView: (t: Transform) => void
): ZoomBehavior<SVGSVGElement, unknown> | undefined {
  const [behaviour, setBehaviour] = useState<ZoomBehavior<SVGSVGElement, unknown>>();
  const viewRef = useRef(onView);
  useLayoutEffect(() => {
    viewRef.current = onView;
  }, [onView]);
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) {
      return;
    }
    const z = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.05, 4])
      .on('zoom', (ev) => {
        groupRef.current?.setAttribute('transform', ev.transform.toString());
        viewRef.current(ev.transform);
      });
    select(svg).call(z).on('dblclick.zoom', null);
    setBehaviour(() => z);
    return () => {
      select(svg).on('.zoom', null);
    };
  }, [svgRef, groupRef]);
  return behaviour;
}

function activate(onSelect: () => void) {
  return {
    onClick: onSelect,
    onKeyDown: (e: React.KeyboardEvent) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSelect();
      }
    },
    role: 'button',
    tabIndex: 0,
  };
}

type Draw = Pick<
  PathMapProps,
  | 'model'
  | 'layout'
  | 'palette'
  | 'labels'
  | 'highlight'
  | 'selected'
  | 'onSelect'
  | 'onHoverRecipients'
> & { shown: Rect };

function dimmed(props: Draw, id: string): boolean {
  return props.highlight !== undefined && !props.highlight.has(id);
}

/**
 * interleave orders the map's elements by column, then top to bottom, each node followed by
 * the edges leaving it: keyboard focus (document order) then goes node, its hand-offs, next
 * node, and an edge still paints under the boxes of the columns it leads to. A hop back to an
 * earlier column (a loop) goes first, under every box, since its curve passes below them.
 */
function interleave(
  layout: Layout,
  nodes: Map<string, React.ReactNode>,
  edges: Map<string, Array<{ back: boolean; el: React.ReactNode }>>
): React.ReactNode[] {
  const placed = [...layout.nodes.values()].sort((a, b) => a.column - b.column || a.y - b.y);
  const loops: React.ReactNode[] = [];
  const out: React.ReactNode[] = [];
  for (const p of placed) {
    out.push(nodes.get(p.node.id));
    for (const e of edges.get(p.node.id) ?? []) {
      (e.back ? loops : out).push(e.el);
    }
  }
  return [...loops, ...out];
}

/** drawEdges draws the edges near the view, by their source node's id. */
function drawEdges(
  props: Draw,
  marker: string
): Map<string, Array<{ back: boolean; el: React.ReactNode }>> {
  const out = new Map<string, Array<{ back: boolean; el: React.ReactNode }>>();
  for (const e of props.model.edges) {
    const ends = edgeEnds(props.layout, e);
    const el = ends && drawEdge(props, marker, e, ends);
    if (ends && el) {
      const item = { back: goesBack(ends[0], ends[1]), el };
      const list = out.get(e.source);
      list ? list.push(item) : out.set(e.source, [item]);
    }
  }
  return out;
}

function drawEdge(props: Draw, marker: string, e: MapEdge, ends: [Placed, Placed]) {
  const bends = props.layout.bends.get(e.id);
  if (!meets(edgeBox(ends[0], ends[1], bends), props.shown)) {
    return null;
  }
  const color = props.palette[e.status];
  const d = edgePath(ends[0], ends[1], bends);
  const label = edgeLabel(e, ends[0], ends[1]);
  return (
    <g
      key={e.id}
      data-testid="edge"
      data-id={e.id}
      data-status={e.status}
      opacity={dimmed(props, e.id) ? 0.15 : 1}
      aria-label={label}
      onMouseEnter={() => props.onHoverRecipients(e.recipients.length ? e.recipients : undefined)}
      onMouseLeave={() => props.onHoverRecipients(undefined)}
      style={{ cursor: 'pointer' }}
      {...activate(() => props.onSelect({ edge: e.id }))}
    >
      {/* A wide transparent stroke makes the thin edge easy to hit. */}
      <path d={d} stroke="transparent" strokeWidth={12} fill="none" />
      <path
        d={d}
        stroke={color}
        strokeWidth={props.selected === e.id ? 4 : statusWidth(e.status)}
        strokeDasharray={e.status === 'missed' ? DASH : undefined}
        fill="none"
        markerEnd={`url(#${marker}-${e.status})`}
      />
    </g>
  );
}

/** edgeBox is the area an edge's curve stays within: its ends' boxes and its bends. */
function edgeBox(s: Placed, t: Placed, bends: Array<{ x: number; y: number }> = []): Rect {
  const xs = [s.x, s.x + s.width, t.x, t.x + t.width, ...bends.map((b) => b.x)];
  const ys = [s.y, s.y + s.height, t.y, t.y + t.height, ...bends.map((b) => b.y)];
  // A loop's curve dips below both boxes (edgePath); leave it room.
  return {
    x0: Math.min(...xs),
    y0: Math.min(...ys),
    x1: Math.max(...xs),
    y1: Math.max(...ys) + 40,
  };
}

function statusWidth(st: Status): number {
  return st === 'outside' ? 1.5 : 2.5;
}

function edgeLabel(e: MapEdge, s: Placed, t: Placed): string {
  return `${s.node.title} to ${t.node.title}: ${e.what || e.status}`;
}

/** drawNodes draws every node, by id: near the view whole, far from it as an outline. */
function drawNodes(props: Draw, s: ReturnType<typeof styles>): Map<string, React.ReactNode> {
  const out = new Map<string, React.ReactNode>();
  for (const p of props.layout.nodes.values()) {
    const near = meets({ x0: p.x, y0: p.y, x1: p.x + p.width, y1: p.y + p.height }, props.shown);
    const n = p.node;
    const color = props.palette[n.status];
    const selected = props.selected === n.id;
    if (!near) {
      out.set(n.id, outline(p, color, props));
      continue;
    }
    out.set(
      n.id,
      <g
        key={n.id}
        transform={`translate(${p.x},${p.y})`}
        data-testid="node"
        data-id={n.id}
        data-status={n.status}
        className={s.node}
        opacity={dimmed(props, n.id) ? 0.25 : 1}
        aria-label={`${n.title} (${n.subtitle || n.kind}): ${n.status}`}
        onMouseEnter={() => props.onHoverRecipients(terminalRecipients(n.kind, n.recipients))}
        onMouseLeave={() => props.onHoverRecipients(undefined)}
        {...activate(() => props.onSelect({ node: n.id }))}
      >
        <title>{[n.title, n.subtitle, n.mainStat].filter(Boolean).join('\n')}</title>
        <rect
          width={p.width}
          height={p.height}
          rx={4}
          className={s.box}
          stroke={color}
          strokeWidth={selected ? 4 : n.status === 'stopped' ? 3 : 2}
          strokeDasharray={n.status === 'missed' ? DASH : undefined}
        />
        <rect width={6} height={p.height} rx={2} fill={color} />
        <text x={14} y={props.labels === 'compact' ? p.height / 2 + 4 : 18} className={s.title}>
          {clip(n.title, 24)}
        </text>
        {props.labels === 'detailed' && (
          <>
            <text x={14} y={35} className={s.sub}>
              {clip(n.subtitle, 30)}
            </text>
            <text x={14} y={52} className={s.sub}>
              {clip(n.mainStat || n.secondaryStat, 30)}
            </text>
          </>
        )}
      </g>
    );
  }
  return out;
}

/**
 * outline draws a node far from the view as its box alone: it keeps its place, its status and
 * its click and keyboard focus, without the text that costs the most to lay out. Panning
 * near redraws it whole.
 */
function outline(p: Placed, color: string, props: Draw) {
  const n = p.node;
  return (
    <g
      key={n.id}
      transform={`translate(${p.x},${p.y})`}
      data-testid="node"
      data-id={n.id}
      data-status={n.status}
      aria-label={n.title}
      {...activate(() => props.onSelect({ node: n.id }))}
    >
      <rect width={p.width} height={p.height} rx={4} fill="none" stroke={color} />
    </g>
  );
}

/** terminalRecipients: hovering a mailbox or an outside host highlights the branch ending there. */
function terminalRecipients(kind: string, rcpts: string[]): string[] | undefined {
  return (kind === 'mailbox' || kind === 'relay') && rcpts.length > 0 ? rcpts : undefined;
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

const styles = (theme: GrafanaTheme2) => ({
  wrap: css({ position: 'relative' }),
  svg: css({ display: 'block', cursor: 'grab', userSelect: 'none' }),
  zoom: css({
    position: 'absolute',
    top: theme.spacing(0.5),
    right: theme.spacing(0.5),
    display: 'flex',
    gap: theme.spacing(0.5),
  }),
  heading: css({
    fill: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    textTransform: 'uppercase',
  }),
  node: css({
    cursor: 'pointer',
    outline: 'none',
    '&:focus-visible rect:first-of-type': { stroke: theme.colors.primary.border, strokeWidth: 4 },
  }),
  box: css({ fill: theme.colors.background.secondary }),
  title: css({ fill: theme.colors.text.primary, fontSize: 13, fontWeight: 500 }),
  sub: css({ fill: theme.colors.text.secondary, fontSize: 11 }),
});
