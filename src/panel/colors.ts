import { colorManipulator, GrafanaTheme2 } from '@grafana/data';

import { Status } from './types';

/** Palette maps each status to a colour of the current theme. */
export type Palette = Record<Status, string>;

/**
 * palette takes the map's colours from the theme, so that dark and light both read: the path
 * taken in the theme's blue, a stage expected but not taken in a blue-gray (the blue mixed
 * halfway with the theme's secondary text), a wrong hop in the theme's purple (between blue and
 * red), where mail stopped in the theme's error red, the outside world in disabled text.
 */
export function palette(theme: GrafanaTheme2): Palette {
  const blue = theme.visualization.getColorByName('blue');
  return {
    taken: blue,
    missed: mix(blue, theme.colors.text.secondary, 0.5),
    wrong: theme.visualization.getColorByName('purple'),
    stopped: theme.colors.error.main,
    outside: theme.colors.text.disabled,
  };
}

/** mix blends two CSS colours; w is b's weight. */
export function mix(a: string, b: string, w: number): string {
  const ca = colorManipulator.decomposeColor(colorManipulator.asHexString(a));
  const cb = colorManipulator.decomposeColor(colorManipulator.asHexString(b));
  const v = ca.values
    .slice(0, 3)
    .map((x: number, i: number) => Math.round(x * (1 - w) + cb.values[i] * w));
  return colorManipulator.recomposeColor({ type: 'rgb', values: v });
}

/** DASH is the stroke pattern of what was expected and not taken. */
export const DASH = '6 5';

/** LEGEND names each status as an operator reads it. */
export const LEGEND: Record<Status, string> = {
  taken: 'path taken',
  missed: 'expected, not taken',
  wrong: 'wrong hop',
  stopped: 'dropped or stuck here',
  outside: 'outside the logs',
};
