import { colorManipulator, createTheme } from '@grafana/data';

import { mix, palette } from './colors';
import { STATUSES } from './types';

describe('palette', () => {
  for (const mode of ['dark', 'light'] as const) {
    it(`gives five distinct colours that stand out from the ${mode} background`, () => {
      const theme = createTheme({ colors: { mode } });
      const p = palette(theme);
      expect(new Set(STATUSES.map((s) => p[s])).size).toBe(5);
      for (const s of ['taken', 'missed', 'wrong', 'stopped'] as const) {
        // WCAG's 3:1 for graphical objects against the panel background.
        expect(
          colorManipulator.getContrastRatio(p[s], theme.colors.background.primary)
        ).toBeGreaterThanOrEqual(3);
      }
      expect(p.taken).toBe(theme.visualization.getColorByName('blue'));
      expect(p.stopped).toBe(theme.colors.error.main);
    });
  }
});

describe('mix', () => {
  it('blends channel by channel', () => {
    expect(mix('#000000', '#ffffff', 0.5)).toBe('rgb(128, 128, 128)');
    expect(mix('#ff0000', '#0000ff', 0)).toBe('rgb(255, 0, 0)');
  });
});
