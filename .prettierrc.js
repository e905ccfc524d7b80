module.exports = {
  // Prettier configuration provided by Grafana scaffolding, at Mailpath's width.
  ...require('./.config/.prettierrc.js'),
  printWidth: 100,
};
