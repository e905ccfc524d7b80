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
import { edgeEnds, edgePath, HEADING, Layout, Placed } from './layout';
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
  const [ready, setReady] = useState(false);
  const marker = useId().replace(/:/g, '');
  const behaviour = useZoom(svgRef, groupRef);
  const { layout, width, height, model, palette, labels, highlight, selected } = props;
  const { onSelect, onHoverRecipients } = props;

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

  // Mark the map ready once a frame has been painted with this layout.
  useEffect(() => {
    setReady(false);
    const id = requestAnimationFrame(() => setReady(true));
    return () => cancelAnimationFrame(id);
  }, [layout]);

  const draw = { model, layout, palette, labels, highlight, selected, onSelect, onHoverRecipients };
  // Hovering changes only the highlight; the memo keeps pan and zoom from redrawing anything.
  const edges = useMemo(
    () => drawEdges(draw, marker),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [model, layout, palette, highlight, selected, onSelect, onHoverRecipients, marker]
  );
  const nodes = useMemo(
    () => drawNodes(draw, s),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [model, layout, palette, labels, highlight, selected, onSelect, onHoverRecipients, s]
  );
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
        data-ready={ready ? 'true' : 'false'}
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
              {c.title}
            </text>
          ))}
          <g>{edges}</g>
          <g>{nodes}</g>
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
 * shrunk to fit would be unreadable, so it starts at its top and the user pans down.
 */
function fitting(layout: Layout, width: number, height: number) {
  const k = Math.min(
    1,
    (width - 16) / Math.max(1, layout.width),
    (height - 16) / Math.max(1, layout.height)
  );
  return zoomIdentity.translate(8, 8).scale(Math.max(k, 0.2));
}

/**
 * useZoom attaches d3-zoom to the svg and applies its transform to the map's group directly:
 * going through React state would redraw every node on every wheel tick.
 */
function useZoom(
  svgRef: React.RefObject<SVGSVGElement>,
  groupRef: React.RefObject<SVGGElement>
): ZoomBehavior<SVGSVGElement, unknown> | undefined {
  const [behaviour, setBehaviour] = useState<ZoomBehavior<SVGSVGElement, unknown>>();
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) {
      return;
    }
    const z = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.05, 4])
      .on('zoom', (ev) => groupRef.current?.setAttribute('transform', ev.transform.toString()));
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
>;

function dimmed(props: Draw, id: string): boolean {
  return props.highlight !== undefined && !props.highlight.has(id);
}

function drawEdges(props: Draw, marker: string) {
  return props.model.edges.map((e) => {
    const ends = edgeEnds(props.layout, e);
    if (!ends) {
      return null;
    }
    const color = props.palette[e.status];
    const d = edgePath(ends[0], ends[1], props.layout.bends.get(e.id));
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
  });
}

function statusWidth(st: Status): number {
  return st === 'outside' ? 1.5 : 2.5;
}

function edgeLabel(e: MapEdge, s: Placed, t: Placed): string {
  return `${s.node.title} to ${t.node.title}: ${e.what || e.status}`;
}

function drawNodes(props: Draw, s: ReturnType<typeof styles>) {
  const out: React.ReactNode[] = [];
  for (const p of props.layout.nodes.values()) {
    const n = p.node;
    const color = props.palette[n.status];
    const selected = props.selected === n.id;
    out.push(
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
