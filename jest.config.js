// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('./.config/jest/utils');
const swc = Object.values(base.transform)[0];

// The path map's pan and zoom come from d3-zoom, which ships only ES modules, as do its
// d3 dependencies; the scaffold transforms a shorter list.
const esModules = ['d3-[a-z]+', '@dagrejs'];

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...base,
  // d3-color 3.1.1 (under @grafana/data) ships only .mjs, which the scaffold does not transform.
  transform: { '^.+\\.(t|j)sx?$': swc, '^.+\\.mjs$': swc },
  transformIgnorePatterns: [nodeModulesToTransform([...grafanaESModules, ...esModules])],
};
