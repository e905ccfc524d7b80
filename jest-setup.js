// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// i18next, which @grafana/ui starts, advertises itself on console.info in every test file.
const info = console.info;
console.info = (...args) => {
  if (!String(args[0]).includes('i18next is made possible')) {
    info(...args);
  }
};
